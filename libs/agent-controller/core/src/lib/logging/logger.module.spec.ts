import type { IncomingMessage, ServerResponse } from 'node:http';
import { assignRequestId, REDACTED_LOG_PATHS, REQUEST_ID_HEADER } from './logger.module';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function call(incoming: string | string[] | undefined): { id: string; header: unknown } {
  const headers: Record<string, unknown> = {};
  const request = {
    headers: incoming === undefined ? {} : { [REQUEST_ID_HEADER]: incoming },
  } as unknown as IncomingMessage;
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = value;
    },
  } as unknown as ServerResponse;
  const id = assignRequestId(request, response);
  return { id, header: headers['x-request-id'] };
}

describe('assignRequestId', () => {
  it.each(['abc-123', 'trace_01.span:02', '7f9c2b1e-0c44-4a53-9e0f-5c5a1f3e2d10', 'x', 'a'.repeat(128)])(
    'accepts the sane incoming id %p and echoes it',
    (incoming) => {
      expect(call(incoming)).toEqual({ id: incoming, header: incoming });
    },
  );

  it.each([
    ['200 characters', 'a'.repeat(200)],
    ['129 characters', 'a'.repeat(129)],
    ['a space', 'abc def'],
    ['a newline', 'abc\ndef'],
    ['a trailing newline', 'abc\n'],
    ['a carriage return', 'abc\r\nX-Injected: 1'],
    ['markup', '<script>'],
    ['non-ASCII letters', 'trace-é'],
    ['nothing', ''],
  ])('replaces an incoming id with %s by a UUID', (_label, incoming) => {
    const { id, header } = call(incoming);

    expect(id).toMatch(UUID);
    expect(header).toBe(id);
  });

  it('replaces a repeated header (array value) by a UUID', () => {
    expect(call(['a', 'b']).id).toMatch(UUID);
  });

  it('makes a fresh UUID per request when none is given', () => {
    const first = call(undefined);
    const second = call(undefined);

    expect(first.id).toMatch(UUID);
    expect(first.header).toBe(first.id);
    expect(second.id).not.toBe(first.id);
  });
});

describe('REDACTED_LOG_PATHS', () => {
  it('keeps credentials out of the logs', () => {
    expect(REDACTED_LOG_PATHS).toEqual(
      expect.arrayContaining([
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.token',
        '*.accessToken',
      ]),
    );
  });
});
