import { AgentControllerApiError, AgentControllerUnreachableError } from '@agent-controller/sdk';

/** What agentctl's exit status means; scripts may rely on these (README, `agentctl --help`). */
export const EXIT = {
  OK: 0,
  /** The API refused the request (403, 409, 422, 429 …): see the error's code. */
  API_ERROR: 1,
  /** Bad arguments or input: refused by agentctl, or by the API's validation (400). */
  USAGE: 2,
  /** No token, or the API answered 401 (log in again). */
  NOT_AUTHENTICATED: 3,
  /** The API answered 404: no such client, agent or job (or not yours to see). */
  NOT_FOUND: 4,
  /** The controller could not be reached, or answered with a 5xx. */
  UNAVAILABLE: 5,
  /** `jobs watch`: the job failed; `clients bulk`: an id's action did not succeed; `webhooks test`: not accepted. */
  FAILED: 6,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  the API refused the request (403, 409, 422, 429 …; the error's code says why)
  2  bad arguments or input (refused by agentctl, or by the API's validation: 400)
  3  not authenticated (no token, or the API answered 401)
  4  not found (the API answered 404)
  5  controller unreachable, or it answered with a 5xx
  6  jobs watch: the job failed; clients bulk: an id's action did not succeed; webhooks test: not accepted`;

/** A refusal by agentctl itself, before any request: a code of the error model and the exit status it means. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError('USAGE', message, EXIT.USAGE);

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof AgentControllerUnreachableError) return EXIT.UNAVAILABLE;
  if (!(error instanceof AgentControllerApiError)) return EXIT.API_ERROR;
  if (error.status === 400) return EXIT.USAGE;
  if (error.status === 401) return EXIT.NOT_AUTHENTICATED;
  if (error.status === 404) return EXIT.NOT_FOUND;
  if (error.status >= 500) return EXIT.UNAVAILABLE;
  return EXIT.API_ERROR;
}

/** One line for stderr: `error: CODE: message`, then each bad field the API named. */
export function describeError(error: unknown): string {
  if (error instanceof AgentControllerApiError) {
    const fields = error.fields.map((field) => `\n  ${field.location} ${field.field}: ${field.message}`).join('');
    return `error: ${error.code}: ${error.message} (HTTP ${error.status})${fields}`;
  }
  if (error instanceof CliError) return `error: ${error.code}: ${error.message}`;
  if (error instanceof AgentControllerUnreachableError) return `error: UNREACHABLE: ${error.message}`;
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}
