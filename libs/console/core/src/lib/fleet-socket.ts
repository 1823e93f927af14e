import { inject, Injectable, InjectionToken, signal } from '@angular/core';
import type { Client, ClientHealth, GatewayEvents } from '@agent-controller/shared-contracts';
import type { Socket } from 'socket.io-client';
import { SessionStore } from './session.store';

/** A change to the fleet as a console applies it. */
export type FleetChange =
  /** A client's health: a change of state, or a routine check (new check time, latency). */
  | { kind: 'health'; clientId: string; health: ClientHealth }
  /** A client the user may see was registered, or their access to it granted or changed. */
  | { kind: 'added'; client: Client }
  /** A client the user sees changed (name, endpoint, status …): the row as the API shows it. */
  | { kind: 'updated'; client: Client }
  /** Deleted, or the user's access to it removed. */
  | { kind: 'removed'; clientId: string }
  /**
   * The socket came back after a loss (what was missed is not replayed), or the user's access changed: read what is
   * shown again.
   */
  | { kind: 'resync' };

export type FleetListener = (change: FleetChange) => void;

/** The gateway's socket as this service uses it (socket.io-client's, or a fake in unit tests). */
export type FleetSocketConnection = Pick<Socket, 'on' | 'emit' | 'connect' | 'disconnect' | 'removeAllListeners'>;

/** Opens the gateway socket with a credential read at each (re)connection. */
export const FLEET_SOCKET_CONNECT = new InjectionToken<(token: () => string) => Promise<FleetSocketConnection>>(
  'FLEET_SOCKET_CONNECT',
  {
    providedIn: 'root',
    factory: () => async (token) => {
      // Loaded on first use, so socket.io-client stays out of the first load.
      const { io } = await import('socket.io-client');
      // Copied rather than imported: the contracts module would bring zod into this chunk.
      return io('/clients', {
        auth: (send) => send({ Authorization: `Bearer ${token()}` }),
        transports: ['websocket'],
      });
    },
  },
);

/** How long after the server ended the socket it is opened again (a replica shutting down hands sockets over). */
const REOPEN_AFTER_MS = 1000;

/**
 * The console's one live connection to the fleet: the gateway's `watchFleet`, shared by every view that shows
 * clients. Open while anyone listens; each listener hears the changes to clients the signed-in user may see.
 */
@Injectable({ providedIn: 'root' })
export class FleetSocket {
  private readonly session = inject(SessionStore);
  private readonly connect = inject(FLEET_SOCKET_CONNECT);
  private readonly listeners = new Set<FleetListener>();
  private socket: FleetSocketConnection | null = null;
  private opening: Promise<void> | null = null;
  private connectedBefore = false;

  /** Whether the controller confirmed the watch and changes arrive now. */
  readonly watching = signal(false);

  /** Tells `listener` of fleet changes until the returned function is called. */
  watch(listener: FleetListener): () => void {
    this.listeners.add(listener);
    if (!this.socket && !this.opening) this.opening = this.open().finally(() => (this.opening = null));
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  private async open(): Promise<void> {
    const socket = await this.connect(() => this.session.token() ?? '');
    // Everyone stopped listening while the socket was being made.
    if (this.listeners.size === 0) {
      socket.disconnect();
      return;
    }
    this.socket = socket;
    socket.on('connect', () => {
      socket.emit('watchFleet');
      if (this.connectedBefore) this.tell({ kind: 'resync' });
      this.connectedBefore = true;
    });
    socket.on('watchFleetSuccess', ({ watching }: GatewayEvents['watchFleetSuccess']) => this.watching.set(watching));
    socket.on('disconnect', (reason: string) => {
      this.watching.set(false);
      // socket.io retries a lost connection by itself, but not one the server ended.
      if (reason === 'io server disconnect') {
        setTimeout(() => {
          if (this.socket === socket) socket.connect();
        }, REOPEN_AFTER_MS);
      }
    });
    socket.on('clientHealth', ({ clientId, health }: GatewayEvents['clientHealth']) =>
      this.tell({ kind: 'health', clientId, health }),
    );
    socket.on('clientsChecked', ({ checks }: GatewayEvents['clientsChecked']) => {
      for (const { clientId, health } of checks) this.tell({ kind: 'health', clientId, health });
    });
    socket.on('clientAdded', ({ client }: GatewayEvents['clientAdded']) => this.tell({ kind: 'added', client }));
    socket.on('clientUpdated', ({ client }: GatewayEvents['clientUpdated']) => this.tell({ kind: 'updated', client }));
    socket.on('clientRemoved', ({ clientId }: GatewayEvents['clientRemoved']) =>
      this.tell({ kind: 'removed', clientId }),
    );
    // The user's own access changed: who they are first (a demoted admin's navigation shrinks), then what is shown.
    socket.on('fleetResync', async () => {
      await this.session.refresh();
      this.tell({ kind: 'resync' });
    });
  }

  private close(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.connectedBefore = false;
    this.watching.set(false);
  }

  private tell(change: FleetChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
