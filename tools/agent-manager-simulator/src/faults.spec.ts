import { applyFaultPatch, FaultController, NO_FAULTS, validateFaultPatch } from './faults';
import { HttpException } from './http-errors';

describe('validateFaultPatch', () => {
  it('accepts a full patch', () => {
    const patch = {
      latencyMs: 100,
      jitterMs: 5,
      status5xx: 503,
      failRate: 0.5,
      garbage: 'html',
      dropConnections: false,
      pathPattern: '^/api/agents',
      configOverride: { gitRepositoryUrl: null },
    };
    expect(validateFaultPatch(patch)).toEqual(patch);
  });

  it.each([
    [{ latencyMs: -1 }],
    [{ latencyMs: 1.5 }],
    [{ status5xx: 404 }],
    [{ status5xx: '503' }],
    [{ failRate: 2 }],
    [{ garbage: 'xml' }],
    [{ dropConnections: 'yes' }],
    [{ pathPattern: '(' }],
    [{ configOverride: [] }],
    [{ unknown: true }],
    [[]],
    ['x'],
  ])('rejects %j with a 400', (patch) => {
    expect(() => validateFaultPatch(patch)).toThrow(HttpException);
  });
});

describe('applyFaultPatch', () => {
  it('merges, maps garbage:true to invalid-json and resets keys given null', () => {
    const on = applyFaultPatch(NO_FAULTS, { latencyMs: 10, garbage: true, status5xx: 502 });
    expect(on).toMatchObject({ latencyMs: 10, garbage: 'invalid-json', status5xx: 502 });
    const off = applyFaultPatch(on, { latencyMs: null, garbage: false });
    expect(off).toMatchObject({ latencyMs: 0, garbage: null, status5xx: 502 });
  });
});

describe('FaultController.plan', () => {
  it('does nothing without faults', () => {
    expect(new FaultController().plan('/api/health')).toBeNull();
  });

  it('applies the precedence drop > status > garbage', () => {
    const faults = new FaultController();
    faults.patch({ garbage: 'html', status5xx: 503, dropConnections: true });
    expect(faults.plan('/api/x')?.failure).toEqual({ kind: 'drop' });
    faults.patch({ dropConnections: false });
    expect(faults.plan('/api/x')?.failure).toEqual({ kind: 'status', status: 503 });
    faults.patch({ status5xx: null });
    expect(faults.plan('/api/x')?.failure).toEqual({ kind: 'garbage', mode: 'html' });
  });

  it('uses failRate alone as a 500 rate and as the fraction for other failures', () => {
    let next = 0.4;
    const faults = new FaultController(NO_FAULTS, () => next);
    faults.patch({ failRate: 0.5 });
    expect(faults.plan('/api/x')?.failure).toEqual({ kind: 'status', status: 500 });
    next = 0.6;
    expect(faults.plan('/api/x')).toBeNull();
    faults.patch({ status5xx: 504, latencyMs: 20 });
    expect(faults.plan('/api/x')).toEqual({ delayMs: 20, failure: { kind: 'none' } });
  });

  it('limits faults to matching paths', () => {
    const faults = new FaultController();
    faults.patch({ status5xx: 500, pathPattern: '^/api/agents' });
    expect(faults.plan('/api/health')).toBeNull();
    expect(faults.plan('/api/agents/1')?.failure).toEqual({ kind: 'status', status: 500 });
  });
});
