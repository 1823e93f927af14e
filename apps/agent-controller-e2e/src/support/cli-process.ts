import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './controller-process';

/** The file npm links as node_modules/.bin/agentctl (`npx agentctl`): the real CLI, run as a process. */
const AGENTCTL = join(WORKSPACE_ROOT, 'apps/agentctl/bin/agentctl.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs agentctl with `args` and only the given environment (plus PATH), feeding `stdin`; resolves when it exits. */
export function runAgentctl(args: string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
  const child = spawn(process.execPath, [AGENTCTL, ...args], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
