import { FleetAgentResponse } from '@agent-controller/sdk';
import { Command } from 'commander';
import { action, CliIo } from '../context';
import { ExitCode } from '../exit-codes';
import { Column, formatTable } from '../output/table';
import { addPagingOptions, countLine, onePage, PagingOptions, readPages } from '../paging';

interface ListOptions extends PagingOptions {
  client?: string;
  search?: string;
  type?: string;
}

const running = (agent: FleetAgentResponse): unknown => {
  // `running` is true/false/null (never reported); the document's type for it is off, so read it as it comes.
  const value: unknown = agent.running;
  return value === null ? 'unknown' : value ? 'yes' : 'no';
};

export const AGENT_COLUMNS: Column<FleetAgentResponse>[] = [
  { header: 'id', cell: (agent) => agent.id },
  { header: 'name', cell: (agent) => agent.name },
  { header: 'type', cell: (agent) => agent.agentType },
  { header: 'client', cell: (agent) => agent.client.name },
  { header: 'running', cell: running },
];

export function registerAgentCommands(program: Command, io: CliIo, setExitCode: (code: ExitCode) => void): void {
  const agents = program.command('agents').description('Agents on the remotes, as the fleet snapshot knows them');

  addPagingOptions(agents.command('ls'), 'agent')
    .description('List the agents of every client you may see')
    .option('--client <id>', "only this client's agents")
    .option('--search <text>', 'match name or description')
    .option('--type <agentType>', 'only agents of this type')
    .action(
      action<ListOptions>(io, setExitCode, async ({ options, session, printer }) => {
        const { api } = session();
        const { search, client: clientId, type: agentType } = options;
        const fetchPage = (offset: number | undefined, limit: number | undefined) =>
          onePage(api.GET('/api/agents', { params: { query: { search, clientId, agentType, offset, limit } } }));
        const page = await readPages(options, fetchPage);
        printer.result(page.rows, () => `${formatTable(AGENT_COLUMNS, page.rows)}\n${countLine(page, 'agents')}`);
      }),
    );
}
