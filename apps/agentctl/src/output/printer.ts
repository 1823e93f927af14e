/** Where a command's results go: stdout for results (exactly the API's JSON with --json), stderr for the rest. */
export interface Printer {
  json: boolean;
  /** A result: the API's JSON with --json, else the human text. */
  result(data: unknown, human: () => string): void;
  /** Progress and notes for people: stderr, so stdout stays parseable. */
  note(text: string): void;
}

export function createPrinter(
  json: boolean,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Printer {
  return {
    json,
    result: (data, human) => {
      stdout.write(`${json ? JSON.stringify(data, null, 2) : human()}\n`);
    },
    note: (text) => {
      stderr.write(`${text}\n`);
    },
  };
}
