import { createInterface } from 'node:readline';
import { CliIo } from './context';

/** Reads one line from stdin (a TTY): the answer to `question`, hidden when `secret` (a password). */
export function ask(io: CliIo, question: string, secret = false): Promise<string> {
  const output = io.stderr as NodeJS.WritableStream & { write: (text: string) => boolean };
  const readline = createInterface({ input: io.stdin, output, terminal: true });
  if (secret) {
    // Echo nothing of what is typed: readline writes through _writeToOutput.
    (readline as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text) => {
      if (text.includes(question)) output.write(text);
    };
  }
  return new Promise((resolve) => {
    readline.question(question, (answer) => {
      readline.close();
      if (secret) output.write('\n');
      resolve(answer);
    });
  });
}

/** All of stdin, for `--password-stdin` and ids piped to `clients bulk`. */
export async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
