import { SETUP_TOKEN_LIFETIME_HOURS } from './setup-token.repository';

/** Where a person at this machine opens the console: a wildcard bind address is reached as localhost. */
export function consoleUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}/`;
}

export function setupBanner(token: string, url: string): string {
  return [
    '',
    '  First run: no user exists yet.',
    `  Open ${url} and create the first admin with this one-time setup token:`,
    '',
    `      ${token}`,
    '',
    `  It is valid until used, for ${SETUP_TOKEN_LIFETIME_HOURS} hours.`,
    '',
    '',
  ].join('\n');
}

/**
 * Shows the setup token plainly to a person at a terminal. Only there: when the output is collected (a container,
 * a log shipper) the structured log line already carries it, and a second copy would be one more place to leak.
 */
export function printSetupBanner(out: NodeJS.WriteStream, token: string, url: string): boolean {
  if (!out.isTTY) return false;
  out.write(setupBanner(token, url));
  return true;
}
