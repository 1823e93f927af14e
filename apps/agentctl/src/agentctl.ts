import { Command, CommanderError } from 'commander';
import { registerAgentCommands } from './commands/agents';
import { registerClientCommands } from './commands/clients';
import { registerJobCommands } from './commands/jobs';
import { registerLoginCommands } from './commands/login';
import { registerTeamCommands } from './commands/teams';
import { registerTokenCommands } from './commands/tokens';
import { registerWebhookCommands } from './commands/webhooks';
import { CliIo } from './context';
import { describeError, EXIT, EXIT_CODES_HELP, ExitCode, exitCodeFor } from './exit-codes';

const ENVIRONMENT_HELP = `Environment:
  AGENTCTL_URL    the controller's URL (instead of --url)
  AGENTCTL_TOKEN  a bearer token (instead of --token): an access token or the api-key mode's key
  XDG_CONFIG_HOME where agentctl login keeps its file (agentctl/config.json; default ~/.config)`;

const EXAMPLES = `Examples:
  npx agentctl login --url https://controller.example.com --email ops@example.com
  npx agentctl clients ls --json
  AGENTCTL_URL=https://controller.example.com AGENTCTL_TOKEN=... npx agentctl jobs watch <job-id>`;

/** The command tree; every command writes through `io` and reports its exit status with `setExitCode`. */
export function buildProgram(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const program = new Command('agentctl')
    .description(
      "The Agent Controller's command-line tool: clients, agents, teams, tokens, webhooks and provisioning jobs from scripts",
    )
    .version('1.0.0')
    .option('--url <url>', "the controller's URL (else AGENTCTL_URL, else the stored login)")
    .option('--token <token>', 'a bearer token (else AGENTCTL_TOKEN, else the stored login)')
    .option('--json', "print the API's JSON (and nothing else) on stdout")
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\n${ENVIRONMENT_HELP}\n\n${EXAMPLES}`)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  registerLoginCommands(program, io, setExitCode);
  registerClientCommands(program, io, setExitCode);
  registerAgentCommands(program, io, setExitCode);
  registerJobCommands(program, io, setExitCode);
  registerTeamCommands(program, io, setExitCode);
  registerTokenCommands(program, io, setExitCode);
  registerWebhookCommands(program, io, setExitCode);
  // Every command, however deep, throws instead of exiting (tests run it in-process) and rejects stray arguments.
  const strict = (command: Command) => {
    command.exitOverride().allowExcessArguments(false);
    command.commands.forEach(strict);
  };
  strict(program);
  return program;
}

/** Runs agentctl with `argv` (without node and the script) and resolves with its exit status. */
export async function runAgentctl(argv: string[], io: CliIo = processIo()): Promise<ExitCode> {
  let code: ExitCode = EXIT.OK;
  const program = buildProgram(io, (set) => (code = set));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with 0; commander has already printed the usage problem.
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    io.stderr.write(`${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}

function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}
