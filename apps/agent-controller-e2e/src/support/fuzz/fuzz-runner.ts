import fc from 'fast-check';
import { planArbitrary, RequestPlan, urlText } from './arbitraries';
import type { Operation } from './openapi-operations';

/** Real things the requests point at: one entry per fixture client (all on agent-manager simulators). */
export interface FixtureClient {
  id: string;
  agentId: string;
  envVarId: string;
  relationshipId: string;
}

export interface Fixtures {
  token: string;
  userId: string;
  clients: FixtureClient[];
}

export interface FuzzOptions {
  baseUrl: string;
  operations: Operation[];
  seed: number;
  runs: number;
  fixtures: Fixtures;
  /** Makes fixture client `index` anew (after a request changed or deleted it); `user` remakes the user too. */
  repair(index: number | 'user'): Promise<void>;
  /** False once the controller process has exited. */
  isAlive(): boolean;
  /** Requests in flight at once (1 replays a seed exactly, answers included). */
  concurrency: number;
}

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Failure {
  index: number;
  problem: string;
  plan: RequestPlan;
  request: SentRequest;
  status?: number;
  responseText?: string;
}

export interface FuzzReport {
  seed: number;
  runs: number;
  durationMs: number;
  statuses: Record<string, number>;
  perOperation: Record<string, number>;
  forbiddenRequests: number;
  repairs: number;
  failures: Failure[];
}

/** A random, well-formed id for routes whose real ids the fixtures do not have (jobs, bootstrap). */
const UNKNOWN_ID = '00000000-0000-4000-8000-00000000f022';
const ERROR_KEYS = new Set(['statusCode', 'code', 'message', 'details', 'requestId']);
const FIELD_LOCATIONS = new Set(['body', 'query', 'param']);
const MAX_FAILURES = 25;
const REQUEST_TIMEOUT_MS = 20_000;

/** Routes that relay a remote's (or a cloud's) failure: 502/504 is a correct answer there. */
/** Agenstra's autonomy settings are not stored here: writing them is answered 501 NOT_SUPPORTED by design. */
function declinesOnPurpose(op: Operation, status: number): boolean {
  return status === 501 && op.method.toLowerCase() === 'put' && op.path.endsWith('/autonomy');
}

function relaysRemote(op: Operation): boolean {
  return /\/agents|\/verify$|\/provisioning\/providers|\/rotate-key$/.test(op.path);
}

/** A stable 32-bit hash, so each operation has its own sequence for a seed (adding a route changes no other). */
function hash(text: string): number {
  let value = 2166136261;
  for (let i = 0; i < text.length; i++) value = Math.imul(value ^ text.charCodeAt(i), 16777619);
  return value | 0;
}

function realValue(op: Operation, name: string, fixtures: Fixtures, fixture: FixtureClient): string {
  if (name === 'id') {
    if (op.path.startsWith('/api/users/')) return fixtures.userId;
    if (op.path.startsWith('/api/clients/{id}')) return fixture.id;
    return UNKNOWN_ID;
  }
  if (name === 'agentId' || name === 'envVarId' || name === 'relationshipId') return fixture[name];
  if (name === 'path') return 'README.md';
  if (name === 'type') return 'hetzner';
  if (name === 'branch') return 'main';
  return urlText('1');
}

export function toRequest(
  op: Operation,
  plan: RequestPlan,
  options: Pick<FuzzOptions, 'baseUrl' | 'fixtures'>,
): SentRequest {
  const fixture = options.fixtures.clients[plan.fixture % options.fixtures.clients.length];
  const path = op.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = plan.pathValues[name];
    return value && 'raw' in value ? value.raw : realValue(op, name, options.fixtures, fixture);
  });
  const query = plan.query.map(([key, value]) => `${key}=${value}`).join('&');
  const headers: Record<string, string> = { authorization: `Bearer ${options.fixtures.token}` };
  if (plan.contentType) headers['content-type'] = plan.contentType;
  Object.assign(headers, plan.headers);
  return { method: op.method, url: `${options.baseUrl}${path}${query ? `?${query}` : ''}`, headers, body: plan.body };
}

/** What is wrong with an error answer's body, if anything (libs/shared/contracts/src/lib/errors.ts). */
export function errorModelProblem(status: number, headers: Headers, text: string): string | undefined {
  if (!/^application\/json/.test(headers.get('content-type') ?? ''))
    return `content-type ${headers.get('content-type')}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'not an object';
  const extra = Object.keys(body).filter((key) => !ERROR_KEYS.has(key));
  if (extra.length) return `unexpected keys ${extra.join(', ')}`;
  if (body['statusCode'] !== status) return `statusCode ${body['statusCode']} on a ${status}`;
  if (typeof body['code'] !== 'string' || body['code'] === '') return 'no code';
  if (typeof body['message'] !== 'string') return 'no message';
  if (typeof body['requestId'] !== 'string' || body['requestId'] === '') return 'no requestId';
  if (headers.get('x-request-id') !== body['requestId']) return 'requestId differs from X-Request-Id';
  if (body['code'] === 'VALIDATION_FAILED') {
    const fields = (body['details'] as { fields?: unknown } | undefined)?.fields;
    if (!Array.isArray(fields) || fields.length === 0) return 'VALIDATION_FAILED without details.fields';
    for (const field of fields as Array<Record<string, unknown>>) {
      if (typeof field['field'] !== 'string' || typeof field['message'] !== 'string')
        return 'a field entry without field/message';
      if (!FIELD_LOCATIONS.has(field['location'] as string)) return `field location ${field['location']}`;
    }
  }
  return undefined;
}

/** The collection a create operation adds to (`POST X` beside `GET X`), to count its rows around a refusal. */
function collectionOf(op: Operation, operations: Operation[]): Operation | undefined {
  if (op.method !== 'POST') return undefined;
  if (op.path === '/api/clients/provisioning/provision')
    return operations.find((other) => other.key === 'GET /api/provisioning/jobs');
  return operations.find((other) => other.method === 'GET' && other.path === op.path);
}

async function countRows(request: SentRequest, token: string): Promise<number | undefined> {
  const url = new URL(request.url);
  url.search = '';
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!response.ok) return undefined;
  const total = response.headers.get('x-total-count');
  if (total !== null) return Number(total);
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    return Array.isArray(body) ? body.length : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a successful request may have changed or deleted a fixture (so the next ones would find it gone). */
function touchedFixture(op: Operation, request: SentRequest, fixtures: Fixtures): number | 'user' | undefined {
  if (op.method === 'GET') return undefined;
  if (request.url.includes(fixtures.userId)) return 'user';
  if (op.path === '/api/clients/bulk') return 'user'; // may have touched any client: remake them all
  const index = fixtures.clients.findIndex((client) => request.url.includes(client.id));
  return index >= 0 ? index : undefined;
}

/** Plans for every request of the run: request i is operation i mod n, each operation with its own stream. */
export function planRun(
  operations: Operation[],
  seed: number,
  runs: number,
  fixtureCount: number,
): Array<[Operation, RequestPlan]> {
  const perOperation = Math.ceil(runs / operations.length);
  const streams = operations.map((op) =>
    fc.sample(planArbitrary(op, fixtureCount), { seed: seed ^ hash(op.key), numRuns: perOperation }),
  );
  return Array.from({ length: runs }, (_unused, index) => {
    const which = index % operations.length;
    return [operations[which], streams[which][Math.floor(index / operations.length)]];
  });
}

/** Sends the run's requests and checks each answer. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const plans = planRun(options.operations, options.seed, options.runs, options.fixtures.clients.length);
  const report: FuzzReport = {
    seed: options.seed,
    runs: options.runs,
    durationMs: 0,
    statuses: {},
    perOperation: {},
    forbiddenRequests: 0,
    repairs: 0,
    failures: [],
  };
  /** Sends request `index` and checks its answer; returns the fixture it changed, if any. */
  const sendOne = async (index: number): Promise<number | 'user' | undefined> => {
    const [op, plan] = plans[index];
    const request = toRequest(op, plan, options);
    const fail = (problem: string, status?: number, responseText?: string) =>
      report.failures.push({ index, problem, plan, request, status, responseText: responseText?.slice(0, 600) });
    const collection = plan.forbidden ? collectionOf(op, options.operations) : undefined;
    const countUrl = collection ? toRequest(collection, { ...plan, pathValues: {}, query: [] }, options) : undefined;
    const before = countUrl ? await countRows(countUrl, options.fixtures.token) : undefined;

    report.perOperation[op.key] = (report.perOperation[op.key] ?? 0) + 1;
    if (plan.forbidden) report.forbiddenRequests++;
    let response: Response;
    let text: string;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      fail(`no answer: ${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? '')}`);
      return undefined;
    }
    const status = response.status;
    report.statuses[status] = (report.statuses[status] ?? 0) + 1;

    if (status >= 500 && !((status === 502 || status === 504) && relaysRemote(op)) && !declinesOnPurpose(op, status))
      fail(`answered ${status}`, status, text);
    else if (plan.forbidden && status < 300)
      fail(`answered ${status} to a request the schema forbids: ${plan.forbidden}`, status, text);
    else if (status >= 400) {
      const problem = errorModelProblem(status, response.headers, text);
      if (problem) fail(`error body outside the error model: ${problem}`, status, text);
    }
    if (countUrl && status >= 300) {
      const after = await countRows(countUrl, options.fixtures.token);
      if (before !== after)
        fail(`refused (${status}) but the rows of ${collection?.path} went from ${before} to ${after}`, status, text);
    }
    return status < 300 ? touchedFixture(op, request, options.fixtures) : undefined;
  };

  // Requests go in batches of `concurrency`; one whose rows are counted around it goes alone, so no
  // other request can change the count. Fixtures a batch changed are remade before the next batch.
  const exclusive = (index: number) =>
    plans[index][1].forbidden !== undefined && collectionOf(plans[index][0], options.operations) !== undefined;
  let next = 0;
  while (next < plans.length && report.failures.length < MAX_FAILURES) {
    const batch = [next++];
    if (!exclusive(batch[0])) {
      while (batch.length < options.concurrency && next < plans.length && !exclusive(next)) batch.push(next++);
    }
    const touched = new Set((await Promise.all(batch.map(sendOne))).filter((which) => which !== undefined));
    // Remaking the user remakes every client too.
    for (const which of touched.has('user') ? ['user' as const] : touched) {
      report.repairs++;
      await options.repair(which);
    }
    if (!options.isAlive()) {
      report.failures.push({
        index: batch[0],
        problem: 'the controller process exited',
        plan: plans[batch[0]][1],
        request: toRequest(plans[batch[0]][0], plans[batch[0]][1], options),
      });
      break;
    }
  }
  report.durationMs = Date.now() - started;
  return report;
}

/** A failure as a developer needs it to replay: the seed, the plan and the exact request. */
export function describeFailure(failure: Failure, seed: number, runs: number): string {
  const body =
    failure.request.body === undefined
      ? ''
      : `\n  body: ${failure.request.body.length > 300 ? `${failure.request.body.slice(0, 300)}… (${failure.request.body.length} chars)` : failure.request.body}`;
  return [
    `#${failure.index} ${failure.plan.operation}: ${failure.problem}`,
    `  what: ${failure.plan.what}`,
    `  request: ${failure.request.method} ${failure.request.url.length > 400 ? `${failure.request.url.slice(0, 400)}…` : failure.request.url}`,
    `  headers: ${JSON.stringify({ ...failure.request.headers, authorization: failure.request.headers['authorization']?.slice(0, 24) })}${body}`,
    failure.status === undefined ? '' : `  answer: ${failure.status} ${failure.responseText ?? ''}`,
    `  replay: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} (request #${failure.index})`,
  ]
    .filter(Boolean)
    .join('\n');
}
