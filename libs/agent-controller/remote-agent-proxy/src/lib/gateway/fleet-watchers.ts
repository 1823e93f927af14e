import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { FleetView, FleetVisibility } from '@agent-controller/clients';
import { FleetEventOf, FleetEvents, RequestPrincipal } from '@agent-controller/core';
import { GatewayEvents } from '@agent-controller/shared-contracts';
import { Subscription } from 'rxjs';
import type { Socket } from 'socket.io';
import { clientRoom } from './gateway-rooms';

/** A console watching the fleet: its socket, and its caller as last checked (the gateway re-checks it). */
interface Watcher {
  socket: Socket;
  principal: () => RequestPrincipal;
}

/**
 * Consoles looking at the fleet (`watchFleet`) on this replica, told of client changes they may see: health,
 * routine checks, creates, updates (name, endpoint, status …) and removals. Every replica hears each fleet event
 * on the bus, reads once what it needs (who may see the client, and its row), and tells its own watchers that
 * the permission policy lets see the client. Events are handled one after another, so a console never gets an
 * older view of a client after a newer one.
 */
@Injectable()
export class FleetWatchers implements OnModuleDestroy {
  private readonly logger = new Logger('FleetWatchers');
  private readonly watchers = new Map<string, Watcher>();
  private readonly subscriptions: Subscription[];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly visibility: FleetVisibility,
    events: FleetEvents,
  ) {
    this.subscriptions = [
      events.on('clientHealthChanged').subscribe((event) => this.enqueue(() => this.healthChanged(event))),
      events.on('clientsChecked').subscribe((event) => this.enqueue(() => this.checked(event))),
      events.on('clientCreated').subscribe(({ clientId }) => this.enqueue(() => this.created(clientId))),
      events.on('clientChanged').subscribe(({ clientId }) => this.enqueue(() => this.changed(clientId))),
      events.on('accessChanged').subscribe((event) => this.enqueue(() => this.accessChanged(event))),
    ];
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.watchers.clear();
  }

  watch(socket: Socket, principal: () => RequestPrincipal): void {
    this.watchers.set(socket.id, { socket, principal });
  }

  unwatch(socketId: string): void {
    this.watchers.delete(socketId);
  }

  watches(socketId: string): boolean {
    return this.watchers.has(socketId);
  }

  /** How many sockets watch on this replica (for tests and metrics). */
  get size(): number {
    return this.watchers.size;
  }

  /** Runs after the events before it; a failure is logged and the next event is still handled. */
  private enqueue(handle: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.watchers.size === 0) return;
      try {
        await handle();
      } catch (error) {
        this.logger.warn({ err: error }, 'Could not tell watching consoles of a fleet event');
      }
    });
  }

  private async healthChanged({ clientId, from, health }: FleetEventOf<'clientHealthChanged'>): Promise<void> {
    const view = await this.visibility.view([clientId], { withRows: false });
    for (const watcher of this.watchers.values()) {
      // A socket linked to the client was told already, by the gateway's own client room.
      if (watcher.socket.rooms.has(clientRoom(clientId))) continue;
      if (view.sees(watcher.principal(), clientId)) emit(watcher, 'clientHealth', { clientId, from, health });
    }
  }

  private async checked({ checks }: FleetEventOf<'clientsChecked'>): Promise<void> {
    const view = await this.visibility.view(
      checks.map((check) => check.clientId),
      { withRows: false },
    );
    for (const watcher of this.watchers.values()) {
      const principal = watcher.principal();
      const visible = checks.filter((check) => view.sees(principal, check.clientId));
      if (visible.length > 0) emit(watcher, 'clientsChecked', { checks: visible });
    }
  }

  private async created(clientId: string): Promise<void> {
    const view = await this.visibility.view([clientId], { withRows: true });
    this.tellRow(view, clientId, 'clientAdded', () => true);
  }

  private async changed(clientId: string): Promise<void> {
    const view = await this.visibility.view([clientId], { withRows: true });
    this.tellRow(view, clientId, 'clientUpdated', () => true);
  }

  /**
   * Deleted: every affected watcher hears of the removal (an id tells nothing, and the caller's access to it went
   * with the row). Otherwise those who still see it get the row: as an update (deactivated), or as an addition
   * for the one member whose access was granted or changed; a member who lost it hears of its removal.
   */
  private async accessChanged({ clientId, userId }: FleetEventOf<'accessChanged'>): Promise<void> {
    const affected = (principal: RequestPrincipal) => userId === undefined || principal.userId === userId;
    const view = await this.visibility.view([clientId], { withRows: true });
    this.tellRow(view, clientId, userId === undefined ? 'clientUpdated' : 'clientAdded', affected);
    for (const watcher of this.watchers.values()) {
      const principal = watcher.principal();
      if (!affected(principal) || view.sees(principal, clientId)) continue;
      if (!view.exists(clientId) || userId !== undefined) emit(watcher, 'clientRemoved', { clientId });
    }
  }

  /** The client's row to the affected watchers who may see it. */
  private tellRow(
    view: FleetView,
    clientId: string,
    event: 'clientAdded' | 'clientUpdated',
    affected: (principal: RequestPrincipal) => boolean,
  ): void {
    for (const watcher of this.watchers.values()) {
      const principal = watcher.principal();
      if (!affected(principal) || !view.sees(principal, clientId)) continue;
      // Each watcher gets the row as it would read it: what they may do to it differs.
      const client = view.client(principal, clientId);
      if (client) emit(watcher, event, { client });
    }
  }
}

function emit<E extends keyof GatewayEvents>(watcher: Watcher, event: E, payload: GatewayEvents[E]): void {
  watcher.socket.emit(event, payload);
}
