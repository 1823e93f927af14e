import { parseCli, USAGE } from './cli';
import { startSimulator } from './simulator';

/**
 * CLI entry point. Prints exactly one JSON line to stdout once listening (a human-readable line goes to
 * stderr), then runs until SIGTERM/SIGINT, which close the server and exit 0.
 */
async function main(): Promise<void> {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (cli.help) {
    process.stdout.write(USAGE);
    return;
  }

  const log = (line: string): void => {
    process.stderr.write(`[agent-manager-simulator] ${line}\n`);
  };
  const simulator = await startSimulator({ ...cli.options, log });
  process.stdout.write(
    `${JSON.stringify({
      event: 'listening',
      url: simulator.url,
      apiUrl: simulator.apiUrl,
      controlUrl: simulator.controlUrl,
      wsUrl: simulator.wsUrl,
      apiKey: simulator.apiKey,
      controlToken: simulator.controlToken,
      pid: process.pid,
    })}\n`,
  );
  log(
    `listening on ${simulator.apiUrl} (Socket.IO: ${simulator.wsUrl}, control API: ${simulator.controlUrl}); Ctrl+C to stop`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: closing`);
    simulator.close().then(
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
  process.stderr.write(`[agent-manager-simulator] failed to start: ${message}\n`);
  process.exit(1);
});
