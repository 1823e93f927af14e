import { parseCli, USAGE } from './cli';
import { startCloudSimulators } from './simulators';

/**
 * CLI entry point. Prints one JSON line per simulator to stdout once listening (human-readable lines go to
 * stderr), then runs until SIGTERM/SIGINT, which delete every server, stop the agent-managers and exit 0.
 */
async function main(): Promise<void> {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (cli.help) {
    process.stdout.write(USAGE);
    return;
  }

  const log = (line: string): void => {
    process.stderr.write(`[cloud-simulators] ${line}\n`);
  };
  const simulators = await startCloudSimulators({ ...cli.options, log });
  for (const simulator of simulators.simulators) {
    process.stdout.write(
      `${JSON.stringify({
        event: 'listening',
        provider: simulator.provider,
        url: simulator.url,
        controlUrl: simulator.controlUrl,
        token: simulator.token,
        ...(simulator.readOnlyToken ? { readOnlyToken: simulator.readOnlyToken } : {}),
        controlToken: simulator.controlToken,
        pid: process.pid,
      })}\n`,
    );
    log(`${simulator.provider} API on ${simulator.url} (control API: ${simulator.controlUrl})`);
  }
  log('Ctrl+C to stop');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: closing`);
    simulators.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stdout.write(`${JSON.stringify({ event: 'error', message })}\n`);
  process.stderr.write(`[cloud-simulators] failed to start: ${message}\n`);
  process.exit(1);
});
