import { AgentControllerClient, createAgentControllerClient } from '@agent-controller/sdk';
import { configPath, readLogin } from './config-store';
import { CliError, EXIT, usageError } from './exit-codes';

/** The options every command takes. */
export interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

/** A controller to talk to, and how. */
export interface Session {
  baseUrl: string;
  token: string;
  api: AgentControllerClient;
}

export function normaliseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`--url: not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw usageError(`--url: not http(s): ${url}`);
  return url.replace(/\/+$/, '');
}

/**
 * The controller URL and token, from the flags, else the environment (AGENTCTL_URL, AGENTCTL_TOKEN), else what
 * `agentctl login` stored. A stored token is only sent to the URL it was stored for.
 */
export function resolveSession(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Session {
  const stored = readLogin(configPath(env));
  const explicitUrl = options.url ?? env['AGENTCTL_URL'];
  const baseUrl = explicitUrl ? normaliseUrl(explicitUrl) : stored?.url;
  if (!baseUrl)
    throw new CliError(
      'NOT_LOGGED_IN',
      'no controller: run agentctl login --url <url>, or pass --url / set AGENTCTL_URL',
      EXIT.NOT_AUTHENTICATED,
    );
  const token = options.token ?? env['AGENTCTL_TOKEN'] ?? (stored?.url === baseUrl ? stored.token : undefined);
  if (!token)
    throw new CliError(
      'NOT_LOGGED_IN',
      `no token for ${baseUrl}: run agentctl login, or pass --token / set AGENTCTL_TOKEN`,
      EXIT.NOT_AUTHENTICATED,
    );
  return { baseUrl, token, api: createAgentControllerClient({ baseUrl, token }) };
}
