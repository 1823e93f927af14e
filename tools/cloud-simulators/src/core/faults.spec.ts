import { Faults, validateFaultPatch } from './faults';
import { ApiError } from './http';
import { resolveProviderOptions } from '../options';

describe('fault switches', () => {
  it('validates patches, naming the bad key', () => {
    expect(validateFaultPatch({ rateLimitNext: 2, serverErrorStatus: 503, bootMs: 100 })).toEqual({
      rateLimitNext: 2,
      serverErrorStatus: 503,
      bootMs: 100,
    });
    for (const patch of [{ rateLimitNext: -1 }, { serverErrorStatus: 404 }, { bootMs: 1.5 }, { nope: 1 }, [], 'x']) {
      expect(() => validateFaultPatch(patch)).toThrow(ApiError);
    }
    expect(() => validateFaultPatch({ lockedNext: 1 }, ['lockedNext'])).toThrow('not supported by this provider');
    // A lost create answer is a closed connection (0) or a 5xx, nothing else.
    expect(validateFaultPatch({ createAnswerLostNext: 1, createAnswerLostStatus: 0 })).toEqual({
      createAnswerLostNext: 1,
      createAnswerLostStatus: 0,
    });
    expect(validateFaultPatch({ createAnswerLostStatus: 504 })).toEqual({ createAnswerLostStatus: 504 });
    for (const status of [1, 200, 499, 600]) {
      expect(() => validateFaultPatch({ createAnswerLostStatus: status })).toThrow(ApiError);
    }
  });

  it('counts armed faults down and resets to the start options', () => {
    const faults = new Faults(resolveProviderOptions('hetzner', { faults: { deleteFailNext: 1 } }).initialFaults);
    faults.patch({ rateLimitNext: 2 });
    expect([faults.take('rateLimitNext'), faults.take('rateLimitNext'), faults.take('rateLimitNext')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(faults.take('deleteFailNext')).toBe(true);
    expect(faults.reset()).toMatchObject({ rateLimitNext: 0, deleteFailNext: 1, bootMs: 3000, deleteMs: 1000 });
  });
});
