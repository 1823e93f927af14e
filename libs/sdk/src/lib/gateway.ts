/**
 * The controller's Socket.IO gateway, for scripts that follow live events (provisioning progress, fleet changes):
 * connect to `${baseUrl}${CLIENTS_NAMESPACE}` with `auth: { Authorization: 'Bearer <token>' }` and type the socket
 * as `Socket<GatewayListenEvents, GatewayEmitEvents>` (socket.io-client).
 */
import type { ForwardRequest, GatewayEvents, RemoteEvent, SetClientRequest } from '@agent-controller/shared-contracts';

export {
  CLIENTS_NAMESPACE,
  FORWARDABLE_EVENTS,
  REMOTE_EVENTS,
  type ForwardableEvent,
  type ForwardRequest,
  type GatewayErrorPayload,
  type GatewayEvents,
  type RemoteEvent,
  type SetClientRequest,
} from '@agent-controller/shared-contracts';

/** What the gateway sends: its own events, and the remote's events relayed under their names (payloads as sent). */
export type GatewayListenEvents = { [Event in keyof GatewayEvents]: (payload: GatewayEvents[Event]) => void } & {
  [Event in Exclude<RemoteEvent, keyof GatewayEvents>]: (payload: unknown) => void;
};

/** What a gateway client may send. */
export interface GatewayEmitEvents {
  setClient: (request: SetClientRequest) => void;
  forward: (request: ForwardRequest) => void;
  watchFleet: () => void;
  unwatchFleet: () => void;
}
