import type { RequestHandler } from 'express';

import { badRequest } from './http-errors';

/**
 * Fault switches. They apply to every request under `/api` (health included, so a controller's health
 * check sees them; unknown routes too), never to the `/_simulator` control API. Order per request:
 *
 * 1. `latencyMs` (+ up to `jitterMs`) delay: every matching request, whatever `failRate` says.
 * 2. One failure, chosen by precedence `dropConnections` > `status5xx` > `garbage` (or, when only
 *    `failRate` is set, a 500), applied to a fraction `failRate` of the matching requests (default: all).
 *    - drop: the socket is destroyed without an answer (client: "socket hang up" / ECONNRESET).
 *    - status: `status5xx` with a JSON body (500 gets the exact NestJS body).
 *    - garbage: 200 with a body a client cannot use (`invalid-json`, `html` or `wrong-shape`).
 * 3. Otherwise the request is handled normally.
 *
 * `pathPattern` (a regular expression on the path, e.g. `^/api/agents`) narrows which requests match.
 */
export type GarbageMode = 'invalid-json' | 'html' | 'wrong-shape';
export const GARBAGE_MODES: readonly GarbageMode[] = ['invalid-json', 'html', 'wrong-shape'];

export interface FaultSettings {
  latencyMs: number;
  jitterMs: number;
  status5xx: number | null;
  failRate: number | null;
  garbage: GarbageMode | null;
  dropConnections: boolean;
  pathPattern: string | null;
}

/** Partial update: an absent key keeps its value, `null` resets it. `garbage: true` means `invalid-json`. */
export interface FaultPatch {
  latencyMs?: number | null;
  jitterMs?: number | null;
  status5xx?: number | null;
  failRate?: number | null;
  garbage?: boolean | GarbageMode | null;
  dropConnections?: boolean | null;
  pathPattern?: string | null;
  /** Handled by the config store (`/api/config` override); accepted here for convenience. */
  configOverride?: Record<string, unknown> | null;
}

export const NO_FAULTS: Readonly<FaultSettings> = Object.freeze({
  latencyMs: 0,
  jitterMs: 0,
  status5xx: null,
  failRate: null,
  garbage: null,
  dropConnections: false,
  pathPattern: null,
});

const FAULT_KEYS = new Set<string>([
  'latencyMs',
  'jitterMs',
  'status5xx',
  'failRate',
  'garbage',
  'dropConnections',
  'pathPattern',
  'configOverride',
]);

const MAX_LATENCY_MS = 600_000;

function nonNegativeInt(name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw badRequest(`${name} must be an integer between 0 and ${max}`);
  }
  return value;
}

/** Validates a patch (from JSON or the CLI) without applying it; throws a 400 `HttpException` when invalid. */
export function validateFaultPatch(input: unknown): FaultPatch {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw badRequest('Fault settings must be a JSON object');
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!FAULT_KEYS.has(key)) {
      throw badRequest(`Unknown fault setting '${key}'. Known: ${[...FAULT_KEYS].join(', ')}`);
    }
  }
  const patch: FaultPatch = {};
  if (raw['latencyMs'] !== undefined) {
    patch.latencyMs = raw['latencyMs'] === null ? null : nonNegativeInt('latencyMs', raw['latencyMs'], MAX_LATENCY_MS);
  }
  if (raw['jitterMs'] !== undefined) {
    patch.jitterMs = raw['jitterMs'] === null ? null : nonNegativeInt('jitterMs', raw['jitterMs'], MAX_LATENCY_MS);
  }
  if (raw['status5xx'] !== undefined) {
    const status = raw['status5xx'];
    if (status !== null && (typeof status !== 'number' || !Number.isInteger(status) || status < 500 || status > 599)) {
      throw badRequest('status5xx must be an integer between 500 and 599, or null');
    }
    patch.status5xx = status;
  }
  if (raw['failRate'] !== undefined) {
    const rate = raw['failRate'];
    if (rate !== null && (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1)) {
      throw badRequest('failRate must be a number between 0 and 1, or null');
    }
    patch.failRate = rate;
  }
  if (raw['garbage'] !== undefined) {
    const garbage = raw['garbage'];
    if (
      garbage !== null &&
      typeof garbage !== 'boolean' &&
      !(typeof garbage === 'string' && (GARBAGE_MODES as readonly string[]).includes(garbage))
    ) {
      throw badRequest(`garbage must be a boolean, null or one of ${GARBAGE_MODES.join(', ')}`);
    }
    patch.garbage = garbage as FaultPatch['garbage'];
  }
  if (raw['dropConnections'] !== undefined) {
    const drop = raw['dropConnections'];
    if (drop !== null && typeof drop !== 'boolean') {
      throw badRequest('dropConnections must be a boolean or null');
    }
    patch.dropConnections = drop;
  }
  if (raw['pathPattern'] !== undefined) {
    const pattern = raw['pathPattern'];
    if (pattern !== null) {
      if (typeof pattern !== 'string') {
        throw badRequest('pathPattern must be a regular expression string or null');
      }
      try {
        new RegExp(pattern);
      } catch (err) {
        throw badRequest(`pathPattern is not a valid regular expression: ${(err as Error).message}`);
      }
    }
    patch.pathPattern = pattern;
  }
  if (raw['configOverride'] !== undefined) {
    const override = raw['configOverride'];
    if (override !== null && (typeof override !== 'object' || Array.isArray(override))) {
      throw badRequest('configOverride must be an object or null');
    }
    patch.configOverride = override as Record<string, unknown> | null;
  }
  return patch;
}

export function applyFaultPatch(current: FaultSettings, patch: FaultPatch): FaultSettings {
  const next: FaultSettings = { ...current };
  if (patch.latencyMs !== undefined) next.latencyMs = patch.latencyMs ?? 0;
  if (patch.jitterMs !== undefined) next.jitterMs = patch.jitterMs ?? 0;
  if (patch.status5xx !== undefined) next.status5xx = patch.status5xx;
  if (patch.failRate !== undefined) next.failRate = patch.failRate;
  if (patch.garbage !== undefined) {
    next.garbage = patch.garbage === true ? 'invalid-json' : patch.garbage === false ? null : patch.garbage;
  }
  if (patch.dropConnections !== undefined) next.dropConnections = patch.dropConnections ?? false;
  if (patch.pathPattern !== undefined) next.pathPattern = patch.pathPattern;
  return next;
}

export type FailurePlan =
  | { kind: 'none' }
  | { kind: 'drop' }
  | { kind: 'status'; status: number }
  | { kind: 'garbage'; mode: GarbageMode };

export interface FaultPlan {
  delayMs: number;
  failure: FailurePlan;
}

/** Holds the live fault settings and decides, per request, what to do. */
export class FaultController {
  private settings: FaultSettings;
  private pattern: RegExp | null = null;

  constructor(
    initial: FaultSettings = NO_FAULTS,
    private readonly random: () => number = Math.random,
  ) {
    this.settings = { ...initial };
    this.compile();
  }

  get current(): FaultSettings {
    return { ...this.settings };
  }

  set(settings: FaultSettings): void {
    this.settings = { ...settings };
    this.compile();
  }

  patch(patch: FaultPatch): FaultSettings {
    this.set(applyFaultPatch(this.settings, patch));
    return this.current;
  }

  plan(path: string): FaultPlan | null {
    const s = this.settings;
    if (this.pattern && !this.pattern.test(path)) {
      return null;
    }
    const delayMs = s.latencyMs + (s.jitterMs > 0 ? Math.floor(this.random() * (s.jitterMs + 1)) : 0);
    let failure: FailurePlan = { kind: 'none' };
    if (s.dropConnections) {
      failure = { kind: 'drop' };
    } else if (s.status5xx !== null) {
      failure = { kind: 'status', status: s.status5xx };
    } else if (s.garbage !== null) {
      failure = { kind: 'garbage', mode: s.garbage };
    } else if (s.failRate !== null && s.failRate > 0) {
      failure = { kind: 'status', status: 500 };
    }
    if (failure.kind !== 'none' && s.failRate !== null && this.random() >= s.failRate) {
      failure = { kind: 'none' };
    }
    if (delayMs === 0 && failure.kind === 'none') {
      return null;
    }
    return { delayMs, failure };
  }

  private compile(): void {
    this.pattern = this.settings.pathPattern === null ? null : new RegExp(this.settings.pathPattern);
  }
}

/** Timers that must not outlive `close()` (latency faults). */
export class TimerRegistry {
  private readonly timers = new Set<NodeJS.Timeout>();

  schedule(delayMs: number, callback: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, delayMs);
    this.timers.add(timer);
  }

  clearAll(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }
}

const STATUS_TEXT: Record<number, string> = {
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function faultStatusBody(status: number): Record<string, unknown> {
  if (status === 500) {
    return { statusCode: 500, message: 'Internal server error' };
  }
  return { statusCode: status, message: STATUS_TEXT[status] ?? 'Simulated server error' };
}

export function createFaultMiddleware(faults: FaultController, timers: TimerRegistry): RequestHandler {
  return (req, res, next) => {
    const plan = faults.plan(req.originalUrl.split('?')[0] ?? req.originalUrl);
    if (!plan) {
      next();
      return;
    }
    const act = (): void => {
      if (res.writableEnded || req.socket.destroyed) {
        return;
      }
      const failure = plan.failure;
      switch (failure.kind) {
        case 'none':
          next();
          return;
        case 'drop':
          req.socket.destroy();
          return;
        case 'status':
          res.setHeader('X-Simulator-Fault', `status-${failure.status}`);
          res.status(failure.status).json(faultStatusBody(failure.status));
          return;
        case 'garbage':
          res.setHeader('X-Simulator-Fault', `garbage-${failure.mode}`);
          sendGarbage(res, failure.mode);
          return;
      }
    };
    if (plan.delayMs > 0) {
      timers.schedule(plan.delayMs, act);
    } else {
      act();
    }
  };
}

function sendGarbage(res: Parameters<RequestHandler>[1], mode: GarbageMode): void {
  res.status(200);
  switch (mode) {
    case 'invalid-json':
      res.type('application/json').send('{"status":"ok","data":[{"id":"3f1c');
      return;
    case 'html':
      res.type('text/html').send('<!DOCTYPE html><html><head><title>502</title></head><body>upstream</body></html>');
      return;
    case 'wrong-shape':
      res.type('application/json').send('{"unexpected":true,"items":"not what you asked for"}');
      return;
  }
}
