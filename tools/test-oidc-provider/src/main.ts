import { startTestOidcProvider, TestOidcProviderOptions } from './server';

export const USAGE = `Usage: node dist/tools/test-oidc-provider/main.js [options]

A test OpenID provider (oidc-provider) with Keycloak's URL layout: /realms/{realm}/...

  --port <n>              Listen port (default 0: any free port)
  --host <addr>           Bind address (default 127.0.0.1)
  --realm <name>          A realm to serve; repeatable (default: agents)
  --control-token <tok>   Bearer token of the /_control API (default: random, printed)
  --public-url <url>      Base URL of the issuers when reached through another address
  --redirect-uri <uri>    A redirect URI of the public client agent-console-spa; repeatable
                          (default: http://localhost:3100/auth/callback, http://localhost:4200/auth/callback)
  --post-logout-redirect-uri <uri>
                          A post-logout redirect URI of agent-console-spa; repeatable
                          (default: http://localhost:3100/login, http://localhost:4200/login)
  --help                  This text
`;

function absoluteUrl(flag: string, value: string): string {
  try {
    return new URL(value).href;
  } catch {
    throw new Error(`bad ${flag} ${value}`);
  }
}

export function parseArgs(argv: string[]): TestOidcProviderOptions | 'help' {
  const options: TestOidcProviderOptions = {};
  const realms: string[] = [];
  const redirectUris: string[] = [];
  const postLogoutRedirectUris: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help') return 'help';
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    i++;
    switch (flag) {
      case '--port': {
        const port = Number(value);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${value}`);
        options.port = port;
        break;
      }
      case '--host':
        options.host = value;
        break;
      case '--realm':
        realms.push(value);
        break;
      case '--control-token':
        options.controlToken = value;
        break;
      case '--public-url':
        options.publicUrl = value;
        break;
      case '--redirect-uri':
        redirectUris.push(absoluteUrl(flag, value));
        break;
      case '--post-logout-redirect-uri':
        postLogoutRedirectUris.push(absoluteUrl(flag, value));
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  if (realms.length > 0) options.realms = realms;
  if (redirectUris.length > 0) options.redirectUris = redirectUris;
  if (postLogoutRedirectUris.length > 0) options.postLogoutRedirectUris = postLogoutRedirectUris;
  return options;
}

/** Prints one JSON line to stdout once listening, then runs until SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const provider = await startTestOidcProvider(options);
  const [firstRealm] = Object.keys(provider.issuers);
  process.stdout.write(
    `${JSON.stringify({
      event: 'listening',
      issuer: provider.issuers[firstRealm],
      url: provider.url,
      issuers: provider.issuers,
      controlUrl: `${provider.url}/_control`,
      controlToken: provider.controlToken,
      pid: process.pid,
    })}\n`,
  );
  process.stderr.write(
    `[test-oidc-provider] listening on ${provider.url} (realms: ${Object.keys(provider.issuers)})\n`,
  );
  const stop = () => {
    provider.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stdout.write(`${JSON.stringify({ event: 'error', message })}\n`);
  process.exit(1);
});
