import { Command } from 'commander';
import { ExitCode } from './exit-codes';
import { createPrinter, Printer } from './output/printer';
import { GlobalOptions, resolveSession, Session } from './session';

/** What a command runs with: the process's streams and environment (tests pass their own). */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export interface CommandContext<Options> {
  options: Options & GlobalOptions;
  printer: Printer;
  io: CliIo;
  /** The controller and token (flags, environment or stored login); throws "not logged in" when there is none. */
  session(): Session;
}

/** Commander action for `run`: the context is built from the command's own and global options. */
export function action<Options, Args extends unknown[] = string[]>(
  io: CliIo,
  setExitCode: (code: ExitCode) => void,
  run: (context: CommandContext<Options>, ...args: Args) => Promise<ExitCode | void>,
) {
  return async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const args = received.slice(0, command.registeredArguments.length) as Args;
    const options = command.optsWithGlobals<Options & GlobalOptions>();
    const context: CommandContext<Options> = {
      options,
      printer: createPrinter(options.json === true, io.stdout, io.stderr),
      io,
      session: () => resolveSession(options, io.env),
    };
    const code = await run(context, ...args);
    if (code !== undefined) setExitCode(code);
  };
}
