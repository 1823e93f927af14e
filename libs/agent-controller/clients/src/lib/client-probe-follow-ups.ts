import { Injectable, Logger } from '@nestjs/common';
import { ClientEntity } from './client.entity';

/** Work for a client the background prober has just found healthy (the client row carries its secrets). */
export type HealthyClientFollowUp = (client: ClientEntity, signal: AbortSignal) => Promise<void>;

/**
 * Lets modules that build on the client registry (and so cannot be imported by it) do more per probed client,
 * in the prober's own lane: the prober's concurrency cap then bounds their remote calls too.
 */
@Injectable()
export class ClientProbeFollowUps {
  private readonly logger = new Logger('ClientProbeFollowUps');
  private readonly followUps: { name: string; run: HealthyClientFollowUp }[] = [];

  register(name: string, run: HealthyClientFollowUp): void {
    this.followUps.push({ name, run });
  }

  /** Runs each follow-up in turn; one that throws is logged and does not stop the others or the round. */
  async afterHealthy(client: ClientEntity, signal: AbortSignal): Promise<void> {
    for (const { name, run } of this.followUps) {
      if (signal.aborted) return;
      try {
        await run(client, signal);
      } catch (error) {
        this.logger.error({ err: error, clientId: client.id }, `${name} for client ${client.id} failed`);
      }
    }
  }
}
