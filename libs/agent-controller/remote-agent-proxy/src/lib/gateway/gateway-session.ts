import type { ClientRelation } from '@agent-controller/clients';
import { RequestPrincipal } from '@agent-controller/core';
import { RemoteAgentLink } from './remote-agent-link';

/** The state of one browser socket. Nothing here outlives the socket: `end()` releases all of it. */
export class GatewaySession {
  link: RemoteAgentLink | null = null;
  /** The caller's relation to the linked client, from the last access check. */
  relation: ClientRelation | null = null;
  ended = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    public principal: RequestPrincipal,
    /** The handshake's credentials, checked again periodically (a locked user loses the stream). */
    readonly authorization: string | undefined,
  ) {}

  /** Runs calls of this socket one after another (a `forward` never overtakes the `setClient` before it). */
  serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  closeLink(): void {
    this.link?.close();
    this.link = null;
    this.relation = null;
  }

  end(): void {
    this.ended = true;
    this.closeLink();
  }
}
