import { SimulatedInternalError } from '../http-errors';

/**
 * The real manager has no ValidationPipe: the parsed JSON goes straight into the service. A missing body
 * (no JSON content type) makes the service read a property of `undefined` → 500. Arrays behave like an
 * object without the expected keys.
 */
export function readBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) {
    throw new SimulatedInternalError(`Cannot read properties of ${String(body)}`);
  }
  return body as Record<string, unknown>;
}
