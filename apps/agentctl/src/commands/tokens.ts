import { TOKEN_ACCESS_LEVELS, TokenAccess } from '@agent-controller/shared-contracts';
import { ApiTokenResponse, dataOf } from '@agent-controller/sdk';
import { Command, Option } from 'commander';
import { action, CliIo } from '../context';
import { ExitCode } from '../exit-codes';
import { Column, formatTable } from '../output/table';
import { collect, integerIn } from '../parsers';

const DAY_MS = 24 * 60 * 60 * 1000;

interface CreateOptions {
  name: string;
  access: TokenAccess;
  expiresInDays: number;
  client?: string[];
  team?: string[];
  selector?: string;
  cidr?: string[];
}

const TOKEN_COLUMNS: Column<ApiTokenResponse>[] = [
  { header: 'id', cell: (token) => token.id },
  { header: 'name', cell: (token) => token.name },
  { header: 'prefix', cell: (token) => token.prefix },
  { header: 'access', cell: (token) => token.access },
  { header: 'expires', cell: (token) => token.expiresAt },
  {
    header: 'state',
    cell: (token) => (token.revokedAt ? 'revoked' : Date.parse(token.expiresAt) <= Date.now() ? 'expired' : 'active'),
  },
  { header: 'last used', cell: (token) => token.lastUsedAt ?? '-' },
];

export function registerTokenCommands(program: Command, io: CliIo, setExitCode: (code: ExitCode) => void): void {
  const tokens = program
    .command('tokens')
    .description('Scoped API tokens for scripts (sign in as the owner to manage them)');

  tokens
    .command('create')
    .description('Create a token; it is printed once (with --json: the whole answer, `token` included)')
    .requiredOption('--name <name>', 'what the token is for')
    .addOption(
      new Option('--access <level>', 'read, operate or manage').choices(TOKEN_ACCESS_LEVELS).makeOptionMandatory(),
    )
    .option('--expires-in-days <days>', 'lifetime in days (1–366)', integerIn(1, 366), 30)
    .option('--client <id>', 'only this client (repeatable)', collect)
    .option('--team <id>', "only this team's clients (repeatable)", collect)
    .option('--selector <selector>', 'only clients whose labels match')
    .option('--cidr <block>', 'only from these addresses (repeatable)', collect)
    .action(
      action<CreateOptions>(io, setExitCode, async ({ options, session, printer }) => {
        const created = await dataOf(
          session().api.POST('/api/tokens', {
            body: {
              name: options.name,
              access: options.access,
              expiresAt: new Date(Date.now() + options.expiresInDays * DAY_MS).toISOString(),
              clientIds: options.client,
              teamIds: options.team,
              selector: options.selector,
              allowedCidrs: options.cidr,
            },
          }),
        );
        printer.result(
          created,
          () => `${created.token}\n(shown only now; expires ${created.expiresAt}; id ${created.id})`,
        );
      }),
    );

  tokens
    .command('ls')
    .description('Your tokens, newest first (global admins: everyone’s)')
    .action(
      action(io, setExitCode, async ({ session, printer }) => {
        const rows = await dataOf(session().api.GET('/api/tokens'));
        printer.result(rows, () => `${formatTable(TOKEN_COLUMNS, rows)}\n${rows.length} tokens`);
      }),
    );

  tokens
    .command('revoke')
    .description('Revoke a token at once')
    .argument('<id>', 'token id')
    .action(
      action(io, setExitCode, async ({ session, printer }, id) => {
        await session().api.DELETE('/api/tokens/{id}', { params: { path: { id } } });
        printer.result({}, () => `Revoked token ${id}.`);
      }),
    );
}
