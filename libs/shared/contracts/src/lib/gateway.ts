import { z } from 'zod';
import { Client, ClientHealth, HealthState } from './clients';
import { ErrorCode } from './errors';
import { ProvisioningJob } from './provisioning';

/**
 * The controller's Socket.IO gateway (namespace `clients`): the browser picks a client with `setClient`, then
 * relays agent events with `forward`. Remote events come back under their own names (contract §6). A console
 * that shows the fleet sends `watchFleet` (no payload; `unwatchFleet` to stop) and is then told of changes to
 * every client its caller may see (see {@link GatewayEvents}).
 */
export const CLIENTS_NAMESPACE = '/clients';

/** Client → server events of the agent-manager contract (§6) that a browser may forward. */
export const FORWARDABLE_EVENTS = [
  'login',
  'chat',
  'enhanceChat',
  'generateTicketBody',
  'fileUpdate',
  'createTerminal',
  'terminalInput',
  'closeTerminal',
  'logout',
] as const;
export type ForwardableEvent = (typeof FORWARDABLE_EVENTS)[number];

/** Server → client events of the agent-manager contract (§6), relayed to the browser socket unchanged. */
export const REMOTE_EVENTS = [
  'loginSuccess',
  'loginError',
  'chatMessage',
  'chatEvent',
  'messageFilterResult',
  'chatEnhanceResult',
  'ticketBodyResult',
  'fileUpdateNotification',
  'terminalCreated',
  'terminalOutput',
  'terminalClosed',
  'containerStats',
  'logoutSuccess',
  'error',
] as const;
export type RemoteEvent = (typeof REMOTE_EVENTS)[number];

const id = z.string().min(1).max(255);
const correlationId = z.string().min(1).max(255);

/** What each forwarded event carries. `login` takes no password: the controller uses the stored one. */
export const FORWARD_PAYLOAD_SCHEMAS = {
  login: z.looseObject({}).optional(),
  chat: z.looseObject({
    message: z.string().max(100_000),
    correlationId: correlationId.optional(),
    responseMode: z.enum(['single', 'stream', 'sync']).optional(),
    model: z.string().max(255).optional(),
  }),
  enhanceChat: z.looseObject({ message: z.string().max(100_000), correlationId }),
  generateTicketBody: z.looseObject({ title: z.string().max(1000), correlationId }),
  fileUpdate: z.looseObject({ filePath: z.string().min(1).max(4096) }),
  createTerminal: z.looseObject({ sessionId: id.optional(), shell: z.string().max(255).optional() }).optional(),
  terminalInput: z.looseObject({ sessionId: id, data: z.string().max(65_536) }),
  closeTerminal: z.looseObject({ sessionId: id }),
  logout: z.unknown().optional(),
} satisfies Record<ForwardableEvent, z.ZodType>;

export const setClientRequestSchema = z.strictObject({ clientId: z.uuid() });
export type SetClientRequest = z.infer<typeof setClientRequestSchema>;

export const forwardRequestSchema = z.strictObject({
  event: z.enum(FORWARDABLE_EVENTS),
  payload: z.unknown().optional(),
  agentId: z.uuid().optional(),
});
export type ForwardRequest = z.infer<typeof forwardRequestSchema>;

/** The gateway's own failures, in the remote's failure envelope with `source: 'controller'`. */
export interface GatewayErrorPayload {
  success: false;
  source: 'controller';
  /** The browser event that failed (`setClient`, `forward`) and, for `forward`, the forwarded event. */
  event: string;
  forwardedEvent?: string;
  /** The same as `error.message`, at the top where consoles written for Agenstra read it. */
  message: string;
  error: { code: ErrorCode; message: string };
  timestamp: string;
}

/** Events the gateway itself sends to the browser, besides the relayed remote events. */
export interface GatewayEvents {
  setClientSuccess: { clientId: string; message: string };
  /** `received` is always true: Agenstra's console reads it. */
  forwardAck: { event: ForwardableEvent; agentId?: string; received: true };
  remoteDisconnected: { clientId: string; reason: string };
  remoteReconnecting: { clientId: string; attempt: number };
  /** One reconnection attempt failed (another follows unless the attempts are used up). */
  remoteReconnectError: { clientId: string; attempt: number; error: string };
  /** The link is back and the agent that was logged in is logged in again. */
  remoteReconnected: { clientId: string; agentId: string | null };
  remoteReconnectFailed: { clientId: string; attempts: number; error: string };
  /** A provisioning job of this socket's user changed (a step started, progressed, ended). */
  provisioningProgress: ProvisioningJob;
  /**
   * A client's health state changed (found by a check on any replica): sent to sockets linked to the client and
   * to fleet watchers who may see it.
   */
  clientHealth: { clientId: string; from: HealthState; health: ClientHealth };
  /** `watchFleet` / `unwatchFleet` took effect. */
  watchFleetSuccess: { watching: boolean };
  /** Fleet watchers: checks that kept clients in their state (new check time, latency), about once a second. */
  clientsChecked: { checks: { clientId: string; health: ClientHealth }[] };
  /** Fleet watchers: a client they may see was registered, or their access to one was granted or changed. */
  clientAdded: { client: Client };
  /** Fleet watchers: a client they may see changed (name, endpoint, status, credentials, members). */
  clientUpdated: { client: Client };
  /** Fleet watchers: a client was deleted, or they lost access to it. */
  clientRemoved: { clientId: string };
  /**
   * Fleet watchers: the user's own access changed (role, lock, team memberships): what they were shown may no longer
   * be what they may see, so read it again (and who they are).
   */
  fleetResync: { reason: 'access_changed' };
  error: GatewayErrorPayload;
}
