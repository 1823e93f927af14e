import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshots, seriousViolations } from '../support/browser';
import { freePort, RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

const ADMIN = { email: 'fleet.admin@example.com', password: 'a long enough password' };
const REMOTE_KEY = 'overview-remote-key-1234';
const HEALTH_LABELS: Record<string, string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  unreachable: 'unreachable',
  auth_failed: 'auth failed',
  incompatible: 'incompatible',
  unknown: 'not checked yet',
};

interface Summary {
  total: number;
  byHealth: Record<string, number>;
  byStatus: Record<string, number>;
}

/**
 * The fleet overview as an operator meets it in Debian's Chromium: signing in lands on it, its counts are the
 * API's, the failing and busiest clients are named, and a count opens the clients list filtered the same way.
 */
describe('fleet overview in a browser', () => {
  let controller: RunningController;
  let remote: RunningSimulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: Api;
  let token: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [controller, remote, browser] = await Promise.all([
      startController({
        env: {
          CLIENT_HEALTH_INTERVAL: '86400',
          CLIENT_HEALTH_DEGRADED_LATENCY_MS: '15000',
          USAGE_FLUSH_INTERVAL_MS: '200',
        },
      }),
      startSimulator({ apiKey: REMOTE_KEY }),
      launchChromium(),
    ]);
    api = new Api(controller.baseUrl);
    token = await setUpFirstAdmin(api, controller.setupToken(), ADMIN.email, ADMIN.password);
    const create = async (name: string, endpoint: string) => {
      const created = await api.post(
        '/api/clients',
        { name, endpoint, authenticationType: 'api_key', apiKey: REMOTE_KEY, agentWsPort: remote.wsPort },
        { token },
      );
      if (created.status !== 201) throw new Error(`client create answered ${created.status}: ${created.text}`);
      return created.body.id as string;
    };
    const busy = await create('Busy farm', remote.url);
    await create('Lost farm', `http://127.0.0.1:${await freePort()}`);
    const parked = await create('Parked farm', remote.url);
    expect((await api.post(`/api/clients/${parked}/status`, { status: 'inactive' }, { token })).status).toBe(200);
    // Proxied calls, so the busiest list has a client; wait until the recorder has stored them.
    for (let call = 0; call < 3; call++) {
      expect((await api.get(`/api/clients/${busy}/agents`, { token })).status).toBe(200);
    }
    const deadline = Date.now() + 10_000;
    while ((await api.get(`/api/clients/${busy}/usage`, { token })).body.totals.requests < 3) {
      if (Date.now() > deadline) throw new Error('usage was not flushed');
      await new Promise((wait) => setTimeout(wait, 100));
    }

    context = await browser.newContext();
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([controller?.stop(), remote?.stop()]);
  });

  it('lands on the overview after signing in, with the counts the API gives', async () => {
    await page.goto(`${controller.baseUrl}/login`);
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${controller.baseUrl}/`);
    await page.getByRole('heading', { name: 'Fleet overview', level: 1 }).waitFor();
    expect(await page.title()).toBe('Overview · Agent Controller');
    expect(await page.getByRole('link', { name: 'Overview', exact: true }).getAttribute('aria-current')).toBe('page');

    const summary = (await api.get('/api/clients/summary', { token })).body as Summary;
    expect(summary).toMatchObject({ total: 3, byStatus: { active: 2, inactive: 1 } });
    const byHealth = page.getByRole('list', { name: 'Clients by health' });
    await byHealth.getByRole('link', { name: `${summary.total} total`, exact: true }).waitFor();
    for (const [state, count] of Object.entries(summary.byHealth)) {
      const tile = byHealth.getByRole('link', { name: `${count} ${HEALTH_LABELS[state]}`, exact: true });
      expect(await tile.getAttribute('href')).toBe(`/clients?health=${state}`);
    }
    const byStatus = page.getByRole('list', { name: 'Clients by status' });
    for (const [status, count] of Object.entries(summary.byStatus)) {
      const tile = byStatus.getByRole('link', { name: `${count} ${status}`, exact: true });
      expect(await tile.getAttribute('href')).toBe(`/clients?status=${status}`);
    }
  });

  it('names the failing, recently changed and busiest clients, and says no job is in flight', async () => {
    const failing = page.getByRole('region', { name: /Failing clients/ });
    await failing.getByRole('link', { name: 'Lost farm' }).waitFor();
    expect(await failing.getByRole('link').count()).toBe(1);

    const changed = page.getByRole('region', { name: /Health changed in the last hour/ });
    await changed.getByRole('link', { name: 'Busy farm' }).waitFor();
    await changed.getByRole('link', { name: 'Lost farm' }).waitFor();

    await page
      .getByRole('region', { name: 'Provisioning in flight (0)' })
      .getByText('No server is being provisioned')
      .waitFor();

    const byRequests = page.getByRole('region', { name: 'Busiest clients by requests' });
    const busiest = byRequests.getByRole('listitem').first();
    await busiest.getByRole('link', { name: 'Busy farm' }).waitFor();
    expect(await busiest.textContent()).toMatch(/\b3 calls · 0 errors \(0(\.0)?%\)/);
    await page
      .getByRole('region', { name: 'Busiest clients by errors' })
      .getByText('No errors in this time.')
      .waitFor();

    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, '20-fleet-overview');
  });

  it('opens the clients list filtered by the count that was followed', async () => {
    const summary = (await api.get('/api/clients/summary', { token })).body as Summary;
    await page
      .getByRole('list', { name: 'Clients by health' })
      .getByRole('link', { name: `${summary.byHealth['unreachable']} unreachable`, exact: true })
      .click();
    await page.waitForURL(`${controller.baseUrl}/clients?health=unreachable`);
    await page.getByRole('row', { name: /Lost farm/ }).waitFor();
    expect(await page.getByRole('row', { name: /Busy farm/ }).count()).toBe(0);

    await page.goBack();
    await page.getByRole('heading', { name: 'Fleet overview', level: 1 }).waitFor();
    await page
      .getByRole('list', { name: 'Clients by status' })
      .getByRole('link', { name: '1 inactive', exact: true })
      .click();
    await page.waitForURL(`${controller.baseUrl}/clients?status=inactive`);
    await page.getByRole('row', { name: /Parked farm/ }).waitFor();
    expect(await page.getByRole('row', { name: /Busy farm/ }).count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  });
});
