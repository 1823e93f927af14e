import { ApiError, isPlainObject } from './http';

/**
 * Fault switches of one provider simulator (`POST /_simulator/faults`). Counters (`…Next`) arm the next N
 * occurrences and count down as they fire; the other keys are settings.
 */
export interface FaultSettings {
  /** The next N API requests answer 429 (DigitalOcean with `retry-after`; Hetzner with `RateLimit-Reset`). */
  rateLimitNext: number;
  /** Seconds a simulated 429 asks the client to wait (`retry-after`, or `RateLimit-Reset` − now). */
  retryAfterSeconds: number;
  /** The next N API requests answer `serverErrorStatus`. */
  serverErrorNext: number;
  /** Status of simulated server errors and failed deletes (500–599). */
  serverErrorStatus: number;
  /** The next N creates fail: Hetzner 412 `resource_unavailable`, DigitalOcean 422 `unprocessable_entity`. */
  createFailNext: number;
  /**
   * The next N creates store the server (it boots as usual) but their answer is lost: the connection is closed
   * without a response, or `createAnswerLostStatus` is answered. The client cannot tell it was created.
   */
  createAnswerLostNext: number;
  /** How a lost create answer looks: 0 = connection closed without a response; 500–599 = that status. */
  createAnswerLostStatus: number;
  /** The next N created servers' create actions end in `error` (Hetzner) / `errored` (DigitalOcean). */
  actionErrorNext: number;
  /** The next N created servers boot, but no agent-manager starts on them. */
  neverHealthyNext: number;
  /** The next N deletes answer `serverErrorStatus` and delete nothing. */
  deleteFailNext: number;
  /** Hetzner only: the next N mutating requests answer 423 `locked`. */
  lockedNext: number;
  /** Boot time of servers created from now on: create → running/active. */
  bootMs: number;
  /** Hetzner: how long a deleted server shows `deleting` before it is gone. */
  deleteMs: number;
  /** Delay before every API response. */
  latencyMs: number;
}

export type FaultPatch = Partial<FaultSettings>;

const LIMITS: Record<keyof FaultSettings, [number, number]> = {
  rateLimitNext: [0, 1_000_000],
  retryAfterSeconds: [0, 3600],
  serverErrorNext: [0, 1_000_000],
  serverErrorStatus: [500, 599],
  createFailNext: [0, 1_000_000],
  createAnswerLostNext: [0, 1_000_000],
  createAnswerLostStatus: [0, 599],
  actionErrorNext: [0, 1_000_000],
  neverHealthyNext: [0, 1_000_000],
  deleteFailNext: [0, 1_000_000],
  lockedNext: [0, 1_000_000],
  bootMs: [0, 3_600_000],
  deleteMs: [0, 3_600_000],
  latencyMs: [0, 600_000],
};

export const FAULT_KEYS = Object.keys(LIMITS) as (keyof FaultSettings)[];

/** Validates a patch from JSON or the options; throws a 400 `ApiError` naming the bad key. */
export function validateFaultPatch(input: unknown, unsupported: readonly (keyof FaultSettings)[] = []): FaultPatch {
  if (!isPlainObject(input)) {
    throw new ApiError(400, 'bad_request', 'Fault settings must be a JSON object');
  }
  const patch: FaultPatch = {};
  for (const [key, value] of Object.entries(input)) {
    const limits = LIMITS[key as keyof FaultSettings];
    if (!limits) {
      throw new ApiError(400, 'bad_request', `Unknown fault setting '${key}'. Known: ${FAULT_KEYS.join(', ')}`);
    }
    if (unsupported.includes(key as keyof FaultSettings)) {
      throw new ApiError(400, 'bad_request', `Fault setting '${key}' is not supported by this provider`);
    }
    const [min, max] = limits;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new ApiError(400, 'bad_request', `${key} must be an integer between ${min} and ${max}`);
    }
    if (key === 'createAnswerLostStatus' && value !== 0 && value < 500) {
      throw new ApiError(400, 'bad_request', `${key} must be 0 (connection closed) or between 500 and 599`);
    }
    patch[key as keyof FaultSettings] = value;
  }
  return patch;
}

/** The live fault settings of one simulator. */
export class Faults {
  private settings: FaultSettings;

  constructor(private readonly initial: FaultSettings) {
    this.settings = { ...initial };
  }

  get current(): FaultSettings {
    return { ...this.settings };
  }

  patch(patch: FaultPatch): FaultSettings {
    this.settings = { ...this.settings, ...patch };
    return this.current;
  }

  /** Back to the start options. */
  reset(): FaultSettings {
    this.settings = { ...this.initial };
    return this.current;
  }

  /** Consumes one armed occurrence of a counter; true when the fault fires. */
  take(counter: FaultCounter): boolean {
    if (this.settings[counter] <= 0) {
      return false;
    }
    this.settings[counter]--;
    return true;
  }
}

export type FaultCounter =
  | 'rateLimitNext'
  | 'serverErrorNext'
  | 'createFailNext'
  | 'createAnswerLostNext'
  | 'actionErrorNext'
  | 'neverHealthyNext'
  | 'deleteFailNext'
  | 'lockedNext';
