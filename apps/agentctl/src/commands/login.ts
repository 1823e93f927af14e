import { createAgentControllerClient, dataOf } from '@agent-controller/sdk';
import { Command } from 'commander';
import { configPath, readLogin, removeLogin, writeLogin } from '../config-store';
import { action, CliIo } from '../context';
import { ExitCode, usageError } from '../exit-codes';
import { ask, readAll } from '../prompt';
import { normaliseUrl } from '../session';

interface LoginOptions {
  email?: string;
  password?: string;
  passwordStdin?: boolean;
}

async function password(io: CliIo, options: LoginOptions): Promise<string> {
  if (options.password !== undefined) return options.password;
  if (options.passwordStdin) return (await readAll(io.stdin)).replace(/\r?\n$/, '');
  if (io.stdin.isTTY) return ask(io, 'Password: ', true);
  throw usageError('no password: pass --password-stdin (or --password), or run on a terminal to be asked');
}

export function registerLoginCommands(program: Command, io: CliIo, setExitCode: (code: ExitCode) => void): void {
  program
    .command('login')
    .description(
      'Log in (users mode) with an e-mail and password, or check a token (--token / AGENTCTL_TOKEN), and store ' +
        'the URL and token (mode 0600) for the next commands',
    )
    .option('--email <email>', 'e-mail address (asked when on a terminal)')
    .option('--password <password>', 'password (visible to other local users: prefer the prompt or --password-stdin)')
    .option('--password-stdin', 'read the password from stdin')
    .action(
      action<LoginOptions>(io, setExitCode, async ({ options, printer }) => {
        const url = options.url ?? io.env['AGENTCTL_URL'] ?? readLogin(configPath(io.env))?.url;
        if (!url) throw usageError('no controller URL: pass --url or set AGENTCTL_URL');
        const baseUrl = normaliseUrl(url);
        const token = options.token ?? io.env['AGENTCTL_TOKEN'];
        if (token !== undefined) {
          // A token from elsewhere (an API key, a token made for scripts): checked before it is kept.
          const me = await dataOf(createAgentControllerClient({ baseUrl, token }).GET('/api/auth/me'));
          writeLogin(configPath(io.env), { url: baseUrl, token, email: me.user?.email ?? null, expiresAt: null });
          printer.result(me, () => `Logged in to ${baseUrl} with a token (${me.user?.email ?? me.kind}).`);
          return;
        }
        const email = options.email ?? (io.stdin.isTTY ? await ask(io, 'E-mail: ') : undefined);
        if (!email) throw usageError('no e-mail: pass --email, or run on a terminal to be asked');
        const api = createAgentControllerClient({ baseUrl });
        const login = await dataOf(
          api.POST('/api/auth/login', { body: { email, password: await password(io, options) } }),
        );
        const expiresAt = new Date(Date.now() + login.expiresIn * 1000).toISOString();
        writeLogin(configPath(io.env), { url: baseUrl, token: login.accessToken, email: login.user.email, expiresAt });
        printer.result(
          login,
          () =>
            `Logged in to ${baseUrl} as ${login.user.email} (${login.user.role}); the token expires at ${expiresAt} ` +
            `(stored in ${configPath(io.env)}).`,
        );
      }),
    );

  program
    .command('logout')
    .description('Forget the stored URL and token')
    .action(
      action(io, setExitCode, async ({ printer }) => {
        const removed = removeLogin(configPath(io.env));
        printer.note(removed ? `Removed ${configPath(io.env)}.` : 'Not logged in.');
      }),
    );

  program
    .command('whoami')
    .description('Who the token acts as (GET /api/auth/me)')
    .action(
      action(io, setExitCode, async ({ session, printer }) => {
        const { api, baseUrl } = session();
        const me = await dataOf(api.GET('/api/auth/me'));
        printer.result(me, () => `${me.user?.email ?? me.kind} (${me.isGlobalAdmin ? 'admin' : 'user'}) at ${baseUrl}`);
      }),
    );
}
