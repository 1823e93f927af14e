import type { ErrorCode, FieldError } from '@agent-controller/shared-contracts';
import { RunningController, startController } from '../support/controller-process';
import { expectErrorBody, settleLogs } from '../support/error-body';
import { Api, setUpFirstAdmin } from '../support/http';

/**
 * Every route that takes input, fed input it must refuse. Each row is one request, sent as the first
 * admin; `{admin}` in a path is that admin's id. A row passes when the answer has the expected 4xx status
 * and code, a request id, and (where a field is at fault) a `details.fields` entry naming it.
 */
interface BadInputCase {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as-is, as `application/json` unless `headers` say otherwise. */
  rawBody?: string;
  headers?: Record<string, string>;
  expectStatus: number;
  expectCode: ErrorCode;
  /** The field at fault, as named in `details.fields`. */
  expectField?: string;
  /** Where the field is; `body` unless given. */
  expectLocation?: FieldError['location'];
  /** The field entry's exact message, where it is fixed (unknown fields). */
  expectFieldMessage?: string;
}

const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PASSWORD = 'correct horse battery';
const ADMIN = '{admin}';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const UNKNOWN = 'unknown field';

const GOOD_PASSWORD = 'a long enough password';
const SHORT_PASSWORD = 'x'.repeat(11); // one below the 12-character minimum
const LONG_PASSWORD = 'x'.repeat(257); // one above the 256-character maximum
const LONG_TOKEN = 't'.repeat(513); // one above the 512-character maximum
/** A well-formed address of 268 characters (the maximum is 254). */
const LONG_EMAIL = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example.com`;
/** Just over the 1 MB body limit. */
const HUGE_STRING = 'x'.repeat(1_100_000);
const TEXT_PLAIN = { 'content-type': 'text/plain' };

const SETUP_BODY = { token: 'not-the-real-token', email: 'second@example.com', password: GOOD_PASSWORD };
const LOGIN_BODY = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };
const PASSWORD_BODY = { currentPassword: 'not the current one', newPassword: GOOD_PASSWORD };
const CREATE_BODY = { email: 'new.user@example.com', password: GOOD_PASSWORD };

/** Requests whose body is wrong as a whole; the same for every route that reads a body. */
function wholeBodyCases(method: BadInputCase['method'], path: string, validBody: object): BadInputCase[] {
  const route = `${method} ${path}`;
  return [
    {
      name: `${route}: malformed JSON`,
      method,
      path,
      rawBody: '{"email":',
      expectStatus: 400,
      expectCode: 'MALFORMED_JSON',
    },
    {
      name: `${route}: a JSON array`,
      method,
      path,
      body: [validBody],
      expectStatus: 400,
      expectCode: 'VALIDATION_FAILED',
      expectField: 'body',
    },
    {
      name: `${route}: a bare JSON string`,
      method,
      path,
      rawBody: '"hello"',
      expectStatus: 400,
      expectCode: 'VALIDATION_FAILED',
      expectField: 'body',
    },
    {
      name: `${route}: a bare JSON number`,
      method,
      path,
      rawBody: '42',
      expectStatus: 400,
      expectCode: 'VALIDATION_FAILED',
      expectField: 'body',
    },
    {
      name: `${route}: JSON null`,
      method,
      path,
      rawBody: 'null',
      expectStatus: 400,
      expectCode: 'VALIDATION_FAILED',
      expectField: 'body',
    },
    {
      name: `${route}: no body at all`,
      method,
      path,
      expectStatus: 400,
      expectCode: 'VALIDATION_FAILED',
      expectField: 'body',
    },
    {
      name: `${route}: a valid body sent as text/plain`,
      method,
      path,
      rawBody: JSON.stringify(validBody),
      headers: TEXT_PLAIN,
      expectStatus: 415,
      expectCode: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: `${route}: a body over 1 MB`,
      method,
      path,
      body: { ...validBody, padding: HUGE_STRING },
      expectStatus: 413,
      expectCode: 'PAYLOAD_TOO_LARGE',
    },
  ];
}

/** Ids that are not UUIDs, for every `/api/users/:id...` route. */
function badIdCases(method: BadInputCase['method'], suffix = '', body?: object): BadInputCase[] {
  const ids: Array<[string, string]> = [
    ['a word', 'not-a-uuid'],
    ['a number', '1'],
    ['a UUID with trailing characters', `${UNKNOWN_ID}x`],
    ['a UUID without dashes', UNKNOWN_ID.replace(/-/g, '')],
    ['a UUID with a trailing slash-encoded segment', `${UNKNOWN_ID}%2Fx`],
    ['a NUL byte', '%00'],
  ];
  return ids.map(([what, id]) => ({
    name: `${method} /api/users/:id${suffix}: id is ${what}`,
    method,
    path: `/api/users/${id}${suffix}`,
    body,
    expectStatus: 400,
    expectCode: 'VALIDATION_FAILED',
    expectField: 'id',
    expectLocation: 'param',
  }));
}

/** Body-field cases shared by `POST /api/users/:id` and `PATCH /api/users/:id` (both update a user). */
function updateCases(method: 'POST' | 'PATCH'): BadInputCase[] {
  const path = `/api/users/${ADMIN}`;
  const route = `${method} /api/users/:id`;
  const invalid = (name: string, body: unknown, field: string, fieldMessage?: string): BadInputCase => ({
    name: `${route}: ${name}`,
    method,
    path,
    body,
    expectStatus: 400,
    expectCode: 'VALIDATION_FAILED',
    expectField: field,
    expectFieldMessage: fieldMessage,
  });
  return [
    invalid('an empty body {}', {}, 'body'),
    invalid('locked as a string', { locked: 'true' }, 'locked'),
    invalid('locked as a number', { locked: 1 }, 'locked'),
    invalid('locked null', { locked: null }, 'locked'),
    invalid('email as a number', { email: 42 }, 'email'),
    invalid('email null', { email: null }, 'email'),
    invalid('email not an address', { email: 'not-an-email' }, 'email'),
    invalid('email over 254 characters', { email: LONG_EMAIL }, 'email'),
    invalid('password too short', { password: SHORT_PASSWORD }, 'password'),
    invalid('password over 256 characters', { password: LONG_PASSWORD }, 'password'),
    invalid('password as a number', { password: 123456789012 }, 'password'),
    invalid('role not a role', { role: 'owner' }, 'role'),
    invalid('role null', { role: null }, 'role'),
    invalid('unknown field tokenVersion', { tokenVersion: 0 }, 'tokenVersion', UNKNOWN),
    invalid(
      'unknown field passwordHash beside a valid one',
      { role: 'admin', passwordHash: 'x' },
      'passwordHash',
      UNKNOWN,
    ),
    invalid('unknown field id', { id: UNKNOWN_ID, locked: false }, 'id', UNKNOWN),
    ...badIdCases(method, '', { role: 'admin' }),
    {
      name: `${route}: an unknown (well-formed) id`,
      method,
      path: `/api/users/${UNKNOWN_ID}`,
      body: { role: 'admin' },
      expectStatus: 404,
      expectCode: 'NOT_FOUND',
    },
    {
      name: `${route}: demoting the last admin`,
      method,
      path,
      body: { role: 'user' },
      expectStatus: 409,
      expectCode: 'LAST_ADMIN',
    },
    {
      name: `${route}: locking the last admin`,
      method,
      path,
      body: { locked: true },
      expectStatus: 409,
      expectCode: 'LAST_ADMIN',
    },
    ...wholeBodyCases(method, path, { role: 'admin' }),
  ];
}

// One row per line, as a table: keep it that way.
// prettier-ignore
const CASES: BadInputCase[] = [
  // ── POST /api/auth/setup (public; setup is already done, so only validation can answer before 409) ──
  { name: 'setup: empty object', method: 'POST', path: '/api/auth/setup', body: {}, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'token' },
  { name: 'setup: token missing', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, token: undefined }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'token' },
  { name: 'setup: token null', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, token: null }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'token' },
  { name: 'setup: token as a number', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, token: 12345 }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'token' },
  { name: 'setup: token empty', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, token: '' }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'token' },
  { name: 'setup: token over 512 characters', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, token: LONG_TOKEN }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'token' },
  { name: 'setup: email as a number', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, email: 42 }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'setup: email null', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, email: null }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'setup: email not an address', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, email: 'admin' }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'setup: email over 254 characters', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, email: LONG_EMAIL }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'setup: password missing', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, password: undefined }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'setup: password too short', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, password: SHORT_PASSWORD }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'setup: password over 256 characters', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, password: LONG_PASSWORD }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'setup: unknown field role', method: 'POST', path: '/api/auth/setup', body: { ...SETUP_BODY, role: 'admin' }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'role', expectFieldMessage: UNKNOWN },
  { name: 'setup: a valid body after setup is done', method: 'POST', path: '/api/auth/setup', body: SETUP_BODY, expectStatus: 409, expectCode: 'SETUP_ALREADY_COMPLETED' },
  ...wholeBodyCases('POST', '/api/auth/setup', SETUP_BODY),

  // ── POST /api/auth/login (public) ──
  { name: 'login: empty object', method: 'POST', path: '/api/auth/login', body: {}, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'login: email missing', method: 'POST', path: '/api/auth/login', body: { password: ADMIN_PASSWORD }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'login: email as a number', method: 'POST', path: '/api/auth/login', body: { ...LOGIN_BODY, email: 42 }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'login: email null', method: 'POST', path: '/api/auth/login', body: { ...LOGIN_BODY, email: null }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'login: email as an array', method: 'POST', path: '/api/auth/login', body: { ...LOGIN_BODY, email: [ADMIN_EMAIL] }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'login: email over 254 characters', method: 'POST', path: '/api/auth/login', body: { ...LOGIN_BODY, email: LONG_EMAIL }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'login: password missing', method: 'POST', path: '/api/auth/login', body: { email: ADMIN_EMAIL }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'login: password null', method: 'POST', path: '/api/auth/login', body: { ...LOGIN_BODY, password: null }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'login: password empty', method: 'POST', path: '/api/auth/login', body: { ...LOGIN_BODY, password: '' }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'login: password as an object', method: 'POST', path: '/api/auth/login', body: { ...LOGIN_BODY, password: { $ne: '' } }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'login: password over 256 characters', method: 'POST', path: '/api/auth/login', body: { ...LOGIN_BODY, password: LONG_PASSWORD }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'login: unknown field remember', method: 'POST', path: '/api/auth/login', body: { ...LOGIN_BODY, remember: true }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'remember', expectFieldMessage: UNKNOWN },
  { name: 'login: a wrong password', method: 'POST', path: '/api/auth/login', body: { ...LOGIN_BODY, password: 'not the password' }, expectStatus: 401, expectCode: 'INVALID_CREDENTIALS' },
  { name: 'login: an unknown user', method: 'POST', path: '/api/auth/login', body: { ...LOGIN_BODY, email: 'nobody@example.com' }, expectStatus: 401, expectCode: 'INVALID_CREDENTIALS' },
  ...wholeBodyCases('POST', '/api/auth/login', LOGIN_BODY),

  // ── POST /api/auth/password (as the admin, always with a wrong current password: no row may change it) ──
  { name: 'password: empty object', method: 'POST', path: '/api/auth/password', body: {}, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'currentPassword' },
  { name: 'password: newPassword missing', method: 'POST', path: '/api/auth/password', body: { currentPassword: PASSWORD_BODY.currentPassword }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'newPassword' },
  { name: 'password: currentPassword null', method: 'POST', path: '/api/auth/password', body: { ...PASSWORD_BODY, currentPassword: null }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'currentPassword' },
  { name: 'password: currentPassword as a number', method: 'POST', path: '/api/auth/password', body: { ...PASSWORD_BODY, currentPassword: 42 }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'currentPassword' },
  { name: 'password: currentPassword empty', method: 'POST', path: '/api/auth/password', body: { ...PASSWORD_BODY, currentPassword: '' }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'currentPassword' },
  { name: 'password: currentPassword over 256 characters', method: 'POST', path: '/api/auth/password', body: { ...PASSWORD_BODY, currentPassword: LONG_PASSWORD }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'currentPassword' },
  { name: 'password: newPassword null', method: 'POST', path: '/api/auth/password', body: { ...PASSWORD_BODY, newPassword: null }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'newPassword' },
  { name: 'password: newPassword too short', method: 'POST', path: '/api/auth/password', body: { ...PASSWORD_BODY, newPassword: SHORT_PASSWORD }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'newPassword' },
  { name: 'password: newPassword over 256 characters', method: 'POST', path: '/api/auth/password', body: { ...PASSWORD_BODY, newPassword: LONG_PASSWORD }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'newPassword' },
  { name: 'password: unknown field password', method: 'POST', path: '/api/auth/password', body: { currentPassword: PASSWORD_BODY.currentPassword, password: GOOD_PASSWORD }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password', expectFieldMessage: UNKNOWN },
  { name: 'password: a valid body with an unknown extra field', method: 'POST', path: '/api/auth/password', body: { ...PASSWORD_BODY, confirm: GOOD_PASSWORD }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'confirm', expectFieldMessage: UNKNOWN },
  { name: 'password: a wrong current password', method: 'POST', path: '/api/auth/password', body: PASSWORD_BODY, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'currentPassword' },
  ...wholeBodyCases('POST', '/api/auth/password', PASSWORD_BODY),

  // ── GET /api/users (query) ──
  { name: 'list users: limit=0', method: 'GET', path: '/api/users?limit=0', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'limit', expectLocation: 'query' },
  { name: 'list users: limit=101', method: 'GET', path: '/api/users?limit=101', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'limit', expectLocation: 'query' },
  { name: 'list users: limit=-1', method: 'GET', path: '/api/users?limit=-1', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'limit', expectLocation: 'query' },
  { name: 'list users: limit=abc', method: 'GET', path: '/api/users?limit=abc', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'limit', expectLocation: 'query' },
  { name: 'list users: limit=1.5', method: 'GET', path: '/api/users?limit=1.5', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'limit', expectLocation: 'query' },
  { name: 'list users: limit= (empty)', method: 'GET', path: '/api/users?limit=', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'limit', expectLocation: 'query' },
  { name: 'list users: limit given twice', method: 'GET', path: '/api/users?limit=1&limit=2', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'limit', expectLocation: 'query' },
  { name: 'list users: offset=-5', method: 'GET', path: '/api/users?offset=-5', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'offset', expectLocation: 'query' },
  { name: 'list users: offset=1e99', method: 'GET', path: '/api/users?offset=1e99', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'offset', expectLocation: 'query' },
  { name: 'list users: offset=abc', method: 'GET', path: '/api/users?offset=abc', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'offset', expectLocation: 'query' },
  { name: 'list users: offset=0.5', method: 'GET', path: '/api/users?offset=0.5', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'offset', expectLocation: 'query' },
  { name: 'list users: unknown query key page', method: 'GET', path: '/api/users?page=2', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'page', expectLocation: 'query', expectFieldMessage: UNKNOWN },
  { name: 'list users: unknown query key beside valid paging', method: 'GET', path: '/api/users?limit=10&offset=0&sort=email', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'sort', expectLocation: 'query', expectFieldMessage: UNKNOWN },
  { name: 'list users: bracketed key limit[a]', method: 'GET', path: '/api/users?limit[a]=1', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'limit[a]', expectLocation: 'query', expectFieldMessage: UNKNOWN },
  { name: 'list users: query key __proto__', method: 'GET', path: '/api/users?__proto__=1', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: '__proto__', expectLocation: 'query', expectFieldMessage: UNKNOWN },

  // ── POST /api/users ──
  { name: 'create user: empty object', method: 'POST', path: '/api/users', body: {}, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'create user: email missing', method: 'POST', path: '/api/users', body: { password: GOOD_PASSWORD }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'create user: email as a number', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, email: 42 }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'create user: email null', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, email: null }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'create user: email not an address', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, email: 'new.user' }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'create user: email with surrounding blanks', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, email: ' new.user@example.com ' }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'create user: email over 254 characters', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, email: LONG_EMAIL }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'create user: password missing', method: 'POST', path: '/api/users', body: { email: CREATE_BODY.email }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'create user: password null', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, password: null }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'create user: password as a number', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, password: 123456789012 }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'create user: password too short', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, password: SHORT_PASSWORD }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'create user: password over 256 characters', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, password: LONG_PASSWORD }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'create user: role not a role', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, role: 'superuser' }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'role' },
  { name: 'create user: role null', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, role: null }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'role' },
  { name: 'create user: role upper-case', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, role: 'ADMIN' }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'role' },
  { name: 'create user: unknown field locked', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, locked: false }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'locked', expectFieldMessage: UNKNOWN },
  { name: 'create user: unknown field id', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, id: UNKNOWN_ID }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'id', expectFieldMessage: UNKNOWN },
  { name: 'create user: unknown field isGlobalAdmin', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, isGlobalAdmin: true }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'isGlobalAdmin', expectFieldMessage: UNKNOWN },
  { name: 'create user: key __proto__', method: 'POST', path: '/api/users', rawBody: `{"email":"${CREATE_BODY.email}","password":"${GOOD_PASSWORD}","__proto__":{"role":"admin"}}`, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: '__proto__', expectFieldMessage: UNKNOWN },
  { name: "create user: the admin's e-mail in other case", method: 'POST', path: '/api/users', body: { ...CREATE_BODY, email: ADMIN_EMAIL.toUpperCase() }, expectStatus: 409, expectCode: 'EMAIL_TAKEN', expectField: 'email' },
  ...wholeBodyCases('POST', '/api/users', CREATE_BODY),

  // ── GET /api/users/:id ──
  ...badIdCases('GET'),
  { name: 'GET /api/users/:id: an unknown (well-formed) id', method: 'GET', path: `/api/users/${UNKNOWN_ID}`, expectStatus: 404, expectCode: 'NOT_FOUND' },

  // ── POST /api/users/:id and PATCH /api/users/:id ──
  ...updateCases('POST'),
  ...updateCases('PATCH'),

  // ── POST /api/users/:id/lock and /unlock ──
  ...badIdCases('POST', '/lock'),
  { name: 'POST /api/users/:id/lock: an unknown (well-formed) id', method: 'POST', path: `/api/users/${UNKNOWN_ID}/lock`, expectStatus: 404, expectCode: 'NOT_FOUND' },
  { name: 'POST /api/users/:id/lock: the last admin', method: 'POST', path: `/api/users/${ADMIN}/lock`, expectStatus: 409, expectCode: 'LAST_ADMIN' },
  ...badIdCases('POST', '/unlock'),
  { name: 'POST /api/users/:id/unlock: an unknown (well-formed) id', method: 'POST', path: `/api/users/${UNKNOWN_ID}/unlock`, expectStatus: 404, expectCode: 'NOT_FOUND' },

  // ── DELETE /api/users/:id ──
  ...badIdCases('DELETE'),
  { name: 'DELETE /api/users/:id: an unknown (well-formed) id', method: 'DELETE', path: `/api/users/${UNKNOWN_ID}`, expectStatus: 404, expectCode: 'NOT_FOUND' },
  { name: 'DELETE /api/users/:id: the last admin', method: 'DELETE', path: `/api/users/${ADMIN}`, expectStatus: 409, expectCode: 'LAST_ADMIN' },

  // ── NUL, lone surrogates and control characters, anywhere (PostgreSQL cannot store the first two: they answered 500) ──
  { name: 'unsafe: list clients, search with a NUL', method: 'GET', path: '/api/clients?search=%00', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'search', expectLocation: 'query' },
  { name: 'unsafe: list clients, search with an escape character', method: 'GET', path: '/api/clients?search=a%1Bb', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'search', expectLocation: 'query' },
  { name: 'unsafe: audit, actor with a NUL', method: 'GET', path: '/api/audit?actor=a%00', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'actor', expectLocation: 'query' },
  { name: 'unsafe: audit, action with a NUL', method: 'GET', path: '/api/audit?action=client.%00', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'action', expectLocation: 'query' },
  { name: 'unsafe: audit, targetId with a NUL', method: 'GET', path: '/api/audit?targetId=%00', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'targetId', expectLocation: 'query' },
  { name: 'unsafe: audit, unknown query key with a NUL', method: 'GET', path: '/api/audit?a%00=1', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'a\\u0000', expectLocation: 'query' },
  { name: 'unsafe: create client, name with a NUL', method: 'POST', path: '/api/clients', body: { name: 'night\u0000builds', endpoint: 'http://127.0.0.1:9', authenticationType: 'api_key', apiKey: 'k'.repeat(32) }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'name' },
  { name: 'unsafe: create client, description with a lone surrogate', method: 'POST', path: '/api/clients', rawBody: '{"name":"night builds","description":"a\\ud800b","endpoint":"http://127.0.0.1:9","authenticationType":"api_key"}', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'description' },
  { name: 'unsafe: create client, a lone low surrogate in a key', method: 'POST', path: '/api/clients', rawBody: '{"name":"night builds","\\udc00":1}', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: '\\udc00' },
  { name: 'unsafe: update user, email with a NUL', method: 'PATCH', path: `/api/users/${ADMIN}`, body: { email: 'admin\u0000@example.com' }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'unsafe: login, password with a lone surrogate', method: 'POST', path: '/api/auth/login', rawBody: `{"email":"${ADMIN_EMAIL}","password":"\\ud83d"}`, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'password' },
  { name: 'unsafe: create user, email with DEL', method: 'POST', path: '/api/users', body: { ...CREATE_BODY, email: 'new\u007f@example.com' }, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'email' },
  { name: 'unsafe: client path id with a NUL', method: 'GET', path: '/api/clients/%00', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'id', expectLocation: 'param' },
  { name: 'unsafe: client users path id with a NUL', method: 'GET', path: '/api/clients/a%00b/users', expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'id', expectLocation: 'param' },

  // ── Found by the API fuzzer (api-fuzz.e2e-spec.ts) ──
  { name: 'fuzz: login, a JSON array nested 10,000 deep (the string check overflowed the stack: 500)', method: 'POST', path: '/api/auth/login', rawBody: `${'['.repeat(10_000)}${']'.repeat(10_000)}`, expectStatus: 400, expectCode: 'VALIDATION_FAILED', expectField: 'body' },
];

describe('bad input on every route that takes input (users mode)', () => {
  let controller: RunningController;
  let api: Api;
  let token: string;
  let admin: Record<string, unknown>;
  /** Where the output stood before the table ran, so later checks see only its requests. */
  let outputBefore: number;

  beforeAll(async () => {
    controller = await startController();
    api = new Api(controller.baseUrl);
    token = await setUpFirstAdmin(api, controller.setupToken(), ADMIN_EMAIL, ADMIN_PASSWORD);
    admin = (await api.get('/api/auth/me', { token })).body.user;
    await settleLogs();
    outputBefore = controller.output().length;
  });

  afterAll(() => controller?.stop());

  it('has unique case names', () => {
    const names = CASES.map((entry) => entry.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it.each(CASES)('$name → $expectStatus $expectCode', async (row) => {
    const response = await api.request(row.method, row.path.replace(ADMIN, String(admin['id'])), {
      token,
      body: row.body,
      rawBody: row.rawBody,
      headers: row.headers,
    });
    expectErrorBody(response, {
      status: row.expectStatus,
      code: row.expectCode,
      field: row.expectField
        ? { name: row.expectField, location: row.expectLocation ?? 'body', message: row.expectFieldMessage }
        : undefined,
    });
  });

  it('wrote nothing: the one admin is still the only user, unchanged, with the same password', async () => {
    const list = await api.get('/api/users?limit=100', { token });
    expect(list.status).toBe(200);
    expect(list.headers.get('x-total-count')).toBe('1');
    expect(list.body).toEqual([admin]);
    expect(admin).toMatchObject({ email: ADMIN_EMAIL, role: 'admin', locked: false });

    // The token from setup still works (no session was ended) and the password is unchanged.
    expect((await api.get('/api/auth/me', { token })).status).toBe(200);
    expect((await api.post('/api/auth/login', LOGIN_BODY)).status).toBe(200);
    // The setup attempts after setup did not create a second admin under the e-mail they used.
    expect((await api.post('/api/auth/login', { email: SETUP_BODY.email, password: SETUP_BODY.password })).status).toBe(
      401,
    );
  });

  it('logged no server error for any of these requests', async () => {
    await settleLogs();
    const output = controller.output();
    const lines = output
      .slice(output.lastIndexOf('\n', outputBefore - 1) + 1)
      .split('\n')
      .filter((line) => line.trim() !== '');
    // The table's 4xx answers were logged (so the check below looks at real request lines).
    expect(lines.some((line) => line.includes('"statusCode":400'))).toBe(true);
    expect(lines.filter((line) => line.includes('"statusCode":500'))).toEqual([]);
    const errors = lines.filter((line) => {
      try {
        return (JSON.parse(line).level ?? 0) >= 50;
      } catch {
        // Not a pino line (nothing else should print): report it as suspicious.
        return true;
      }
    });
    expect(errors).toEqual([]);
  });
});
