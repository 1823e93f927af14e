import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Api } from '../support/http';
import { RunningController, startController, WORKSPACE_ROOT } from '../support/controller-process';

const COMMITTED_OPENAPI = join(WORKSPACE_ROOT, 'apps/agent-controller/openapi.json');

describe('health, request ids, headers and API docs', () => {
  let controller: RunningController;
  let api: Api;

  beforeAll(async () => {
    controller = await startController();
    api = new Api(controller.baseUrl);
  });

  afterAll(() => controller?.stop());

  it('answers liveness without credentials', async () => {
    const response = await api.get('/api/health');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
  });

  it('keeps idle connections open longer than a load balancer does (HTTP_KEEP_ALIVE_TIMEOUT, 65 s)', async () => {
    // Node's own 5 s made a balancer (or a busy client) reuse a connection just as Node closed it.
    const response = await api.get('/api/health');
    expect(response.headers.get('keep-alive')).toBe('timeout=65');
  });

  it('answers readiness with the database state', async () => {
    const response = await api.get('/api/health/ready');
    expect(response.status).toBe(200);
    expect(response.body.details.database.status).toBe('up');
  });

  it('echoes a caller-supplied request id and puts it in error bodies', async () => {
    const response = await api.get('/api/users', { headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toBe('trace-42.a:b');
    expect(response.body).toEqual({
      statusCode: 401,
      code: 'UNAUTHORIZED',
      message: expect.any(String),
      requestId: 'trace-42.a:b',
    });
  });

  it('replaces an unacceptable request id with its own', async () => {
    const response = await api.get('/api/health', { headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers and no CORS grant by default', async () => {
    const response = await api.get('/api/health', { headers: { origin: 'https://evil.example' } });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const response = await api.get('/api/no-such-thing', { headers: { authorization: 'Bearer x' } });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('NOT_FOUND');
  });

  it('never writes Authorization headers or passwords to the log', async () => {
    await api.get('/api/users', { headers: { authorization: 'Bearer leaked-secret-value-123' } });
    await api.post('/api/auth/login', { email: 'nobody@example.com', password: 'leaked-password-456' });
    await new Promise((wait) => setTimeout(wait, 200));
    expect(controller.output()).not.toContain('leaked-secret-value-123');
    expect(controller.output()).not.toContain('leaked-password-456');
  });

  it('serves the OpenAPI UI and document', async () => {
    const ui = await api.get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
    const document = await api.get('/api/docs/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body.paths['/api/auth/login']).toBeDefined();
  });

  it('matches the committed OpenAPI document (run with UPDATE_OPENAPI=1 to refresh it)', async () => {
    const served = `${JSON.stringify((await api.get('/api/docs/openapi.json')).body, null, 2)}\n`;
    if (process.env['UPDATE_OPENAPI'] === '1') writeFileSync(COMMITTED_OPENAPI, served);
    expect(existsSync(COMMITTED_OPENAPI)).toBe(true);
    // Compared as data, so formatting the file cannot fail the test; any change of content does.
    expect(JSON.parse(served)).toEqual(JSON.parse(readFileSync(COMMITTED_OPENAPI, 'utf8')));
  });
});
