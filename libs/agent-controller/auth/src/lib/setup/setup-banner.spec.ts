import { PassThrough } from 'node:stream';
import { consoleUrl, printSetupBanner } from './setup-banner';

function terminal(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let written = '';
  stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, written: () => written };
}

describe('setup banner', () => {
  it('builds the console URL a person can open from the bind address', () => {
    expect(consoleUrl('0.0.0.0', 3100)).toBe('http://localhost:3100/');
    expect(consoleUrl('::', 3100)).toBe('http://localhost:3100/');
    expect(consoleUrl('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080/');
    expect(consoleUrl('::1', 3100)).toBe('http://[::1]:3100/');
    expect(consoleUrl('controller.example', 443)).toBe('http://controller.example:443/');
  });

  it('prints the token and the console URL on a terminal', async () => {
    const { stream, written } = terminal(true);
    expect(printSetupBanner(stream, 'tok_EN-123', 'http://localhost:3100/')).toBe(true);
    await new Promise(setImmediate);
    expect(written()).toContain('Open http://localhost:3100/ and create the first admin');
    expect(written()).toMatch(/^ {6}tok_EN-123$/m);
    // Plain text for a person, not one more structured log line carrying the secret.
    expect(written()).not.toMatch(/^\s*\{/m);
  });

  it('prints nothing when the output is not a terminal (the structured log line is there)', async () => {
    const { stream, written } = terminal(false);
    expect(printSetupBanner(stream, 'tok_EN-123', 'http://localhost:3100/')).toBe(false);
    await new Promise(setImmediate);
    expect(written()).toBe('');
  });
});
