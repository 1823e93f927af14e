import { ClientHealth } from '@agent-controller/shared-contracts';

export interface ClientCheck {
  clientId: string;
  health: ClientHealth;
}

/** How long routine checks gather before they are told: live enough for "checked 3 s ago", few events. */
export const CHECKS_FLUSH_AFTER_MS = 1000;
/** Below PostgreSQL NOTIFY's 8000-byte payload with room for the event's envelope. */
const MAX_BATCH_BYTES = 6000;

/**
 * Gathers routine health checks (those that changed no state) into few small events: a fleet of thousands
 * probed every 30 s would otherwise send an event per client. Each client is in a batch once, with its latest
 * check; a batch goes out after {@link CHECKS_FLUSH_AFTER_MS} or as soon as it would not fit one event.
 */
export class ClientChecksBatch {
  private readonly pending = new Map<string, { check: ClientCheck; bytes: number }>();
  private bytes = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly send: (checks: ClientCheck[]) => void,
    private readonly flushAfterMs = CHECKS_FLUSH_AFTER_MS,
  ) {}

  add(check: ClientCheck): void {
    this.drop(check.clientId);
    const bytes = Buffer.byteLength(JSON.stringify(check)) + 1;
    if (this.bytes + bytes > MAX_BATCH_BYTES) this.flush();
    this.pending.set(check.clientId, { check, bytes });
    this.bytes += bytes;
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushAfterMs);
      this.timer.unref();
    }
  }

  /** Forgets a client's waiting check: a state change told since is newer, and must not be overtaken. */
  drop(clientId: string): void {
    const waiting = this.pending.get(clientId);
    if (!waiting) return;
    this.pending.delete(clientId);
    this.bytes -= waiting.bytes;
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const checks = [...this.pending.values()].map(({ check }) => check);
    this.pending.clear();
    this.bytes = 0;
    this.send(checks);
  }
}
