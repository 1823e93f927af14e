import type { ErrorCode, FieldError } from '@agent-controller/shared-contracts';
import type { ApiResponse } from './http';

/** What a spec expects of one error answer. */
export interface ExpectedError {
  status: number;
  code: ErrorCode;
  /** A `details.fields` entry must name this field (and, when given, this location and message). */
  field?: { name: string; location: FieldError['location']; message?: string };
}

/**
 * Asserts an answer is the API's error body (`libs/shared/contracts/src/lib/errors.ts`) with the
 * expected status and code, carrying the request id it was sent under.
 */
export function expectErrorBody(response: ApiResponse, expected: ExpectedError): void {
  // Status and code together, so a failure shows both (and the body) at once.
  expect({ status: response.status, code: response.body?.code, text: response.text }).toEqual({
    status: expected.status,
    code: expected.code,
    text: expect.any(String),
  });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.body).toEqual({
    statusCode: expected.status,
    code: expected.code,
    message: expect.any(String),
    ...(response.body.details === undefined ? {} : { details: expect.any(Object) }),
    requestId: expect.any(String),
  });
  expect(response.body.requestId).not.toBe('');
  expect(response.headers.get('x-request-id')).toBe(response.body.requestId);
  if (expected.field) {
    const { name, location, message } = expected.field;
    expect(response.body.details?.fields).toEqual(
      expect.arrayContaining([
        { field: name, location, message: message === undefined ? expect.any(String) : message },
      ]),
    );
  }
}

/** Gives pino a moment to flush the lines of requests just answered. */
export function settleLogs(ms = 250): Promise<void> {
  return new Promise((resolveWait) => setTimeout(resolveWait, ms));
}
