import { JOB_STATUSES, ProvisioningJob } from '@agent-controller/shared-contracts';
import { Command, Option } from 'commander';
import { action, CliIo } from '../context';
import { EXIT, ExitCode } from '../exit-codes';
import { Column, formatTable } from '../output/table';
import { asJob, followJob } from '../jobs/follow-job';
import { outcomeLine, progressLine } from '../jobs/progress';
import { addPagingOptions, countLine, onePage, PagingOptions, readPages } from '../paging';
import { integerIn } from '../parsers';

interface ListOptions extends PagingOptions {
  status?: (typeof JOB_STATUSES)[number];
}

export const JOB_COLUMNS: Column<ProvisioningJob>[] = [
  { header: 'id', cell: (job) => job.id },
  { header: 'status', cell: (job) => job.status },
  { header: 'provider', cell: (job) => job.providerType },
  { header: 'client', cell: (job) => job.clientName },
  { header: 'progress', cell: (job) => progressLine(job) },
  { header: 'created', cell: (job) => job.createdAt },
];

/** Writes progress lines: redrawn in place on a terminal, one line per change otherwise (logs, pipes). */
function progressWriter(stream: NodeJS.WritableStream & { isTTY?: boolean }) {
  let last = '';
  return {
    show(line: string) {
      if (line === last) return;
      last = line;
      stream.write(stream.isTTY ? `\r${line}\u001b[K` : `${line}\n`);
    },
    end() {
      if (stream.isTTY && last) stream.write('\n');
    },
  };
}

export function registerJobCommands(program: Command, io: CliIo, setExitCode: (code: ExitCode) => void): void {
  const jobs = program.command('jobs').description('Provisioning jobs (cloud servers made into clients)');

  addPagingOptions(jobs.command('ls'), 'job')
    .description('List provisioning jobs, newest first')
    .addOption(new Option('--status <status>').choices(JOB_STATUSES))
    .action(
      action<ListOptions>(io, setExitCode, async ({ options, session, printer }) => {
        const { api } = session();
        const fetchPage = (offset: number | undefined, limit: number | undefined) =>
          onePage(api.GET('/api/provisioning/jobs', { params: { query: { status: options.status, offset, limit } } }));
        const page = await readPages(options, fetchPage);
        printer.result(
          page.rows,
          () => `${formatTable(JOB_COLUMNS, page.rows.map(asJob))}\n${countLine(page, 'jobs')}`,
        );
      }),
    );

  jobs
    .command('watch')
    .description(
      'Show a job live (gateway events, polling when the gateway cannot be reached) until it ends; exit 6 if it ' +
        'failed. With --json only the finished job is printed (progress goes to stderr)',
    )
    .argument('<id>', 'job id')
    .option('--interval <ms>', 'polling interval when the gateway cannot be used', integerIn(100, 600_000), 1000)
    .action(
      action<{ interval: number }>(io, setExitCode, async ({ options, session, printer }, jobId) => {
        const { api, baseUrl, token } = session();
        const progress = progressWriter(printer.json ? io.stderr : io.stdout);
        const job = await followJob({
          api,
          baseUrl,
          token,
          jobId,
          onUpdate: (update) => progress.show(progressLine(update)),
          onMode: (mode, reason) =>
            printer.note(
              mode === 'gateway' ? 'Following over the gateway.' : `${reason}; polling every ${options.interval} ms.`,
            ),
          pollMs: options.interval,
          safetyPollMs: Math.max(options.interval, 5000),
          connectTimeoutMs: 5000,
        }).finally(() => progress.end());
        printer.result(job, () => outcomeLine(job));
        return job.status === 'succeeded' ? EXIT.OK : EXIT.FAILED;
      }),
    );
}
