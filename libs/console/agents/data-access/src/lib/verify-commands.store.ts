import { computed, inject, Injectable, signal } from '@angular/core';
import { RemoteValue } from '@agent-controller/console-clients-data-access';
import { AutomationApi, VerifyCommandResult } from './automation.api';

/** The remote runs at most this many commands per request (contract §5). */
export const MAX_VERIFY_COMMANDS = 32;

/** One command per non-blank line, trimmed. */
export function parseCommands(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** Verify commands (build, test, lint …) run in the agent's workspace, and each one's exit code and output. */
@Injectable()
export class VerifyCommandsStore {
  private readonly api = inject(AutomationApi);
  private clientId = '';
  private agentId = '';

  readonly text = signal('');
  readonly commands = computed(() => parseCommands(this.text()));
  /** Why the commands cannot be run as written, or `null`. */
  readonly problem = computed(() => {
    const count = this.commands().length;
    if (count === 0) return 'Enter at least one command.';
    if (count > MAX_VERIFY_COMMANDS) return `At most ${MAX_VERIFY_COMMANDS} commands, one per line (${count} given).`;
    return null;
  });
  readonly results = new RemoteValue<VerifyCommandResult[]>();
  readonly failed = computed(() => (this.results.value() ?? []).filter((result) => result.exitCode !== 0).length);

  init(clientId: string, agentId: string): void {
    this.clientId = clientId;
    this.agentId = agentId;
  }

  /** Runs the commands in order; `timeoutSeconds` applies to the whole run when given. */
  async run(timeoutSeconds?: number): Promise<boolean> {
    if (this.problem() || this.results.loading()) return false;
    const commands = this.commands().map((cmd) => ({ cmd }));
    const timeoutMs = timeoutSeconds && timeoutSeconds > 0 ? Math.round(timeoutSeconds * 1000) : undefined;
    await this.results.load(() =>
      this.api.verifyCommands(this.clientId, this.agentId, { commands, ...(timeoutMs ? { timeoutMs } : {}) }),
    );
    return this.results.error() === null;
  }
}
