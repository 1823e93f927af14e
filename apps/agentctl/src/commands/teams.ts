import { dataOf, TeamResponse } from '@agent-controller/sdk';
import { Command } from 'commander';
import { action, CliIo } from '../context';
import { ExitCode } from '../exit-codes';
import { Column, formatTable } from '../output/table';

export const TEAM_COLUMNS: Column<TeamResponse>[] = [
  { header: 'id', cell: (team) => team.id },
  { header: 'name', cell: (team) => team.name },
  { header: 'clients', cell: (team) => team.clientCount },
  { header: 'members', cell: (team) => team.memberCount },
  { header: 'my role', cell: (team) => team.myRole ?? '-' },
];

export function registerTeamCommands(program: Command, io: CliIo, setExitCode: (code: ExitCode) => void): void {
  const teams = program.command('teams').description('Teams: who reaches which clients');

  teams
    .command('ls')
    .description('List the teams you may see (global admins: all), by name')
    .action(
      action(io, setExitCode, async ({ session, printer }) => {
        const rows = await dataOf(session().api.GET('/api/teams'));
        printer.result(rows, () => `${formatTable(TEAM_COLUMNS, rows)}\n${rows.length} teams`);
      }),
    );
}
