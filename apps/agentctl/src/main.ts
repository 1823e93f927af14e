import { runAgentctl } from './agentctl';

// The exit code is set, not forced: stdout is flushed before the process ends (a piped `--json` stays whole).
void runAgentctl(process.argv.slice(2)).then((code) => (process.exitCode = code));
