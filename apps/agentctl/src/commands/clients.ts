import {
  BULK_CLIENT_ACTIONS,
  CLIENT_AUTHENTICATION_TYPES,
  CLIENT_SORTS,
  CLIENT_STATUSES,
  HEALTH_STATES,
  MAX_BULK_IDS,
  SERVER_ON_DELETE,
} from '@agent-controller/shared-contracts';
import { BulkClientBody, ClientResponse, CreateClientBody, dataOf } from '@agent-controller/sdk';
import { Argument, Command, Option } from 'commander';
import { action, CliIo } from '../context';
import { EXIT, ExitCode, usageError } from '../exit-codes';
import { Column, formatDetails, formatTable } from '../output/table';
import { addPagingOptions, countLine, onePage, PagingOptions, readPages } from '../paging';
import { collect, collectLabel, integerIn, invalidIds, parseIds } from '../parsers';
import { readAll } from '../prompt';

/** The list's filters, which also select the clients of a bulk action. */
interface FilterOptions {
  search?: string;
  environment?: string;
  selector?: string;
  status?: (typeof CLIENT_STATUSES)[number];
  health?: (typeof HEALTH_STATES)[number];
  team?: string;
}

interface ListOptions extends PagingOptions, FilterOptions {
  sort?: (typeof CLIENT_SORTS)[number];
}

interface BulkOptions extends FilterOptions {
  dryRun?: boolean;
  toEnvironment?: string;
  label?: Record<string, string>;
  labelKey?: string[];
  server?: (typeof SERVER_ON_DELETE)[number];
}

function addFilterOptions(command: Command): Command {
  return command
    .option('--search <text>', 'match name, description or endpoint')
    .option('--environment <env>', 'only clients in this environment')
    .option('--selector <selector>', 'Kubernetes label selector, e.g. "tier=web,region in (eu,us),!deprecated"')
    .addOption(new Option('--status <status>').choices(CLIENT_STATUSES))
    .addOption(new Option('--health <state>').choices(HEALTH_STATES))
    .option('--team <id>', "only clients in this team ('none': in no team)");
}

const filtersOf = ({ search, environment, selector, status, health, team }: FilterOptions) =>
  ({ search, environment, selector, status, health, teamId: team }) as const;
const hasFilter = (options: FilterOptions) => Object.values(filtersOf(options)).some((value) => value !== undefined);

interface AddOptions {
  name: string;
  endpoint: string;
  auth: (typeof CLIENT_AUTHENTICATION_TYPES)[number];
  apiKey?: string;
  agentWsPort?: number;
  description?: string;
  environment?: string;
  label?: Record<string, string>;
  keycloakClientId?: string;
  keycloakClientSecret?: string;
  keycloakRealm?: string;
  keycloakAuthServerUrl?: string;
}

const labelsText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

const latency = (client: ClientResponse) => (client.health.latencyMs === null ? null : `${client.health.latencyMs} ms`);

export const CLIENT_COLUMNS: Column<ClientResponse>[] = [
  { header: 'id', cell: (client) => client.id },
  { header: 'name', cell: (client) => client.name },
  { header: 'env', cell: (client) => client.environment },
  { header: 'status', cell: (client) => client.status },
  { header: 'health', cell: (client) => client.health.state },
  { header: 'latency', cell: latency },
  { header: 'endpoint', cell: (client) => client.endpoint },
];

function clientDetails(client: ClientResponse & { apiKey?: string }): string {
  return formatDetails([
    ['id', client.id],
    ['name', client.name],
    ['description', client.description],
    ['endpoint', client.endpoint],
    ['authentication', client.authenticationType],
    ['environment', client.environment],
    ['labels', labelsText(client.labels)],
    ['agent ws port', client.agentWsPort],
    ['status', client.status],
    ['health', client.health.state],
    ['health reason', client.health.reason],
    ['latency', latency(client)],
    ['last seen', client.health.lastSeenAt],
    ['weak api key', client.weakApiKey],
    ['created', client.createdAt],
    ...(client.apiKey === undefined ? [] : ([['api key', client.apiKey]] as [string, unknown][])),
  ]);
}

async function bulkIds(io: CliIo, given: string[], byFilter: boolean): Promise<string[] | undefined> {
  if (byFilter) {
    if (given.length > 0) throw usageError('give client ids or filters, not both');
    return undefined;
  }
  const ids = given.length === 1 && given[0] === '-' ? parseIds(await readAll(io.stdin)) : given.flatMap(parseIds);
  if (ids.length === 0)
    throw usageError('no clients: give their ids (- reads them from stdin) or filters (--selector …)');
  if (ids.length > MAX_BULK_IDS) throw usageError(`at most ${MAX_BULK_IDS} ids at once (got ${ids.length})`);
  const invalid = invalidIds(ids);
  if (invalid.length > 0) throw usageError(`not client ids: ${invalid.join(', ')}`);
  return ids;
}

export function registerClientCommands(program: Command, io: CliIo, setExitCode: (code: ExitCode) => void): void {
  const clients = program.command('clients').description('Remote agent-managers registered with the controller');

  addFilterOptions(addPagingOptions(clients.command('ls'), 'client'))
    .description('List clients (newest first unless --sort)')
    .addOption(new Option('--sort <field>', 'a field, or -field for descending').choices(CLIENT_SORTS))
    .action(
      action<ListOptions>(io, setExitCode, async ({ options, session, printer }) => {
        const { api } = session();
        const query = { ...filtersOf(options), sort: options.sort };
        const fetchPage = (offset: number | undefined, limit: number | undefined) =>
          onePage(api.GET('/api/clients', { params: { query: { ...query, offset, limit } } }));
        const page = await readPages(options, fetchPage);
        printer.result(page.rows, () => `${formatTable(CLIENT_COLUMNS, page.rows)}\n${countLine(page, 'clients')}`);
      }),
    );

  clients
    .command('get')
    .description('Show one client')
    .argument('<id>', 'client id')
    .action(
      action(io, setExitCode, async ({ session, printer }, id) => {
        const client = await dataOf(session().api.GET('/api/clients/{id}', { params: { path: { id } } }));
        printer.result(client, () => clientDetails(client));
      }),
    );

  clients
    .command('add')
    .description('Register a remote agent-manager (its API key is shown once)')
    .requiredOption('--name <name>', 'unique name')
    .requiredOption('--endpoint <url>', "the remote's HTTP base URL, without /api")
    .addOption(
      new Option('--auth <type>', 'how the controller authenticates to it')
        .choices(CLIENT_AUTHENTICATION_TYPES)
        .default('api_key'),
    )
    .option('--api-key <key>', "the remote's API key (generated when omitted)")
    .option('--agent-ws-port <port>', "the remote's Socket.IO port (default 8080)", integerIn(1, 65535))
    .option('--description <text>')
    .option('--environment <env>', 'one of the configured environments (default: the first)')
    .option('--label <key=value>', 'a label (repeat for more)', collectLabel)
    .option('--keycloak-client-id <id>')
    .option('--keycloak-client-secret <secret>')
    .option('--keycloak-realm <realm>')
    .option('--keycloak-auth-server-url <url>')
    .action(
      action<AddOptions>(io, setExitCode, async ({ options, session, printer }) => {
        const body: CreateClientBody = {
          name: options.name,
          endpoint: options.endpoint,
          authenticationType: options.auth,
          apiKey: options.apiKey,
          agentWsPort: options.agentWsPort,
          description: options.description,
          environment: options.environment,
          labels: options.label,
          keycloakClientId: options.keycloakClientId,
          keycloakClientSecret: options.keycloakClientSecret,
          keycloakRealm: options.keycloakRealm,
          keycloakAuthServerUrl: options.keycloakAuthServerUrl,
        };
        const client = await dataOf(session().api.POST('/api/clients', { body }));
        printer.result(client, () => clientDetails(client));
      }),
    );

  clients
    .command('verify')
    .description("Check a client's remote now and show its health (exit 0 whatever the health)")
    .argument('<id>', 'client id')
    .action(
      action(io, setExitCode, async ({ session, printer }, id) => {
        const verdict = await dataOf(session().api.POST('/api/clients/{id}/verify', { params: { path: { id } } }));
        printer.result(verdict, () =>
          formatDetails([
            ['health', verdict.health.state],
            ['reason', verdict.health.reason],
            ['latency', verdict.health.latencyMs === null ? null : `${verdict.health.latencyMs} ms`],
            ['checked', verdict.health.checkedAt],
            ['agent types', verdict.config?.agentTypes.map((type) => type.type)],
          ]),
        );
      }),
    );

  clients
    .command('rm')
    .description('Delete a client')
    .argument('<id>', 'client id')
    .addOption(
      new Option('--server <what>', 'a provisioned client: delete or keep its cloud server').choices(SERVER_ON_DELETE),
    )
    .action(
      action<{ server?: (typeof SERVER_ON_DELETE)[number] }>(
        io,
        setExitCode,
        async ({ options, session, printer }, id) => {
          await session().api.DELETE('/api/clients/{id}', {
            params: { path: { id }, query: { server: options.server } },
          });
          // 204: nothing to print as JSON but an empty object, so `--json` output always parses.
          printer.result({}, () => `Deleted client ${id}.`);
        },
      ),
    );

  addFilterOptions(clients.command('bulk'))
    .description(
      `Run one action on clients given by id (up to ${MAX_BULK_IDS}) or selected by the list's filters; exit 6 when ` +
        'it did not succeed for every client',
    )
    .addArgument(new Argument('<action>').choices(BULK_CLIENT_ACTIONS))
    .argument('[ids...]', 'client ids, or - to read them from stdin (e.g. from clients ls --json | jq)')
    .option('--to-environment <env>', 'set_environment: the environment to put them in')
    .option('--label <key=value>', 'add_labels: a label to add (repeat for more)', collectLabel)
    .option('--label-key <key>', 'remove_labels: a label key to remove (repeat for more)', collect)
    .addOption(
      new Option('--server <what>', 'delete: delete or keep the cloud servers of provisioned clients').choices(
        SERVER_ON_DELETE,
      ),
    )
    .option('--dry-run', 'say what would happen, change nothing')
    .action(
      action<BulkOptions, [BulkClientBody['action'], string[]]>(
        io,
        setExitCode,
        async ({ options, session, printer }, bulkAction, given) => {
          const byFilter = hasFilter(options);
          const body: BulkClientBody = {
            action: bulkAction,
            ids: await bulkIds(io, given, byFilter),
            ...(byFilter ? filtersOf(options) : {}),
            targetEnvironment: options.toEnvironment,
            labels: options.label,
            labelKeys: options.labelKey,
            server: options.server,
            dryRun: options.dryRun,
          };
          const outcome = await dataOf(session().api.POST('/api/clients/bulk', { body }));
          printer.result(outcome, () =>
            formatTable(
              [
                { header: 'id', cell: (row) => row.id },
                { header: 'result', cell: (row) => row.result },
                { header: 'health', cell: (row) => row.health?.state },
                { header: 'message', cell: (row) => row.message },
              ],
              outcome.results,
            ),
          );
          return outcome.results.every((row) => row.result === 'ok') ? EXIT.OK : EXIT.FAILED;
        },
      ),
    );
}
