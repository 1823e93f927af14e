import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openedDialog } from '../support/browser';
import { RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, simulatorClient, startSimulator } from '../support/simulator-process';

const MEMBER = 'watcher@example.com';
const PASSWORD = 'correct horse battery';
/** What the issue asks: a change made in one browser shows in the other within 2 s, without a reload. */
const LIVE_DEADLINE_MS = 2_000;

/**
 * Two browsers on one controller: the administrator changes a client in one, and a member of that client sees it
 * in the other without reloading (clients list and client detail), within 2 s of the click.
 */
describe('live fleet in two browsers', () => {
  let controller: RunningController;
  let remote: RunningSimulator;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let api: Api;
  let admin: string;
  let clientId: string;
  let adminPage: Page;
  let memberPage: Page;
  const consoleErrors: string[] = [];
  /** How long each change took to show in the other browser, for the closing note. */
  const timings: string[] = [];

  async function signedIn(token: string): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    // The console keeps its credential in sessionStorage.
    await context.addInitScript(
      (credential) => sessionStorage.setItem('agent-controller.credential', credential),
      token,
    );
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    return page;
  }

  /** Runs `change` in one browser, then waits for `seen` in the other and checks it took under 2 s. */
  async function showsWithinDeadline(what: string, change: () => Promise<void>, seen: () => Promise<void>) {
    const startedAt = Date.now();
    await change();
    await seen();
    const tookMs = Date.now() - startedAt;
    timings.push(`${what}: ${tookMs} ms`);
    expect(tookMs).toBeLessThan(LIVE_DEADLINE_MS);
  }

  beforeAll(async () => {
    [controller, remote, browser] = await Promise.all([
      // Only the browsers' actions check the remote here.
      startController({ env: { CLIENT_HEALTH_INTERVAL: '86400' } }),
      startSimulator({ apiKey: 'live-fleet-remote-key' }),
      launchChromium(),
    ]);
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    const created = await api.post('/api/clients', simulatorClient(remote, 'Build farm'), { token: admin });
    if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
    clientId = created.body.id;
    const user = await api.post('/api/users', { email: MEMBER, password: PASSWORD }, { token: admin });
    if (user.status !== 201) throw new Error(`user failed: ${user.status} ${user.text}`);
    await api.post(`/api/clients/${clientId}/users`, { email: MEMBER, role: 'user' }, { token: admin });
    const member = (await api.post('/api/auth/login', { email: MEMBER, password: PASSWORD })).body.accessToken;
    adminPage = await signedIn(admin);
    memberPage = await signedIn(member);
  }, 90_000);

  afterAll(async () => {
    console.log(`Seen in the other browser after: ${timings.join(', ')}`);
    for (const context of contexts) await context.close();
    await browser?.close();
    await Promise.all([controller?.stop(), remote?.stop()]);
  });

  afterEach(async () => {
    await remote.setFaults({ status5xx: null, pathPattern: null });
  });

  it("shows the administrator's rename and deactivation in the member's clients list", async () => {
    await memberPage.goto(`${controller.baseUrl}/clients`);
    await memberPage.locator('ac-paged-table[data-live="true"]').waitFor();
    const row = memberPage
      .getByRole('row')
      .filter({ has: memberPage.getByRole('link', { name: 'Build farm', exact: true }) });
    await row.waitFor();
    // Times read relatively, with the exact time on hover.
    const lastSeen = row.locator('time').first();
    expect(await lastSeen.textContent()).toMatch(/just now|\d+ s ago|\d+ min ago/);
    expect(await lastSeen.getAttribute('title')).toMatch(/\d{4}/);

    await adminPage.goto(`${controller.baseUrl}/clients/${clientId}`);
    await adminPage.getByRole('heading', { name: 'Build farm', level: 1 }).waitFor();
    await adminPage.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = await openedDialog(adminPage);
    await dialog.getByLabel('Name').fill('Renamed farm');
    await showsWithinDeadline(
      'rename',
      () => dialog.getByRole('button', { name: 'Save' }).click(),
      () => memberPage.getByRole('link', { name: 'Renamed farm', exact: true }).waitFor({ timeout: LIVE_DEADLINE_MS }),
    );
    await adminPage.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await adminPage.getByRole('switch', { name: /Active/ }).click();
    const confirm = await openedDialog(adminPage);
    const renamedRow = memberPage
      .getByRole('row')
      .filter({ has: memberPage.getByRole('link', { name: 'Renamed farm', exact: true }) });
    await showsWithinDeadline(
      'deactivate',
      () => confirm.getByRole('button', { name: 'Deactivate' }).click(),
      () => renamedRow.getByText('inactive', { exact: true }).first().waitFor({ timeout: LIVE_DEADLINE_MS }),
    );
    // Same page, no reload: the row changed in place.
    expect(await memberPage.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);

    await adminPage.getByRole('switch', { name: /Inactive/ }).click();
    await renamedRow.getByText('active', { exact: true }).first().waitFor({ timeout: LIVE_DEADLINE_MS });
  });

  it("shows a failing health check made in the administrator's browser on the member's client detail", async () => {
    await memberPage.goto(`${controller.baseUrl}/clients/${clientId}`);
    await memberPage.locator('header[data-live="true"]').waitFor();
    const badge = memberPage.locator('header .badge').first();
    expect(await badge.textContent()).toContain('healthy');

    await remote.setFaults({ status5xx: 503, pathPattern: '^/api/health' });
    await adminPage.goto(`${controller.baseUrl}/clients/${clientId}`);
    const verify = adminPage.getByRole('button', { name: 'Verify now' });
    await verify.waitFor();
    await showsWithinDeadline(
      'health check failed',
      () => verify.click(),
      () => memberPage.locator('header .badge.degraded').waitFor({ timeout: LIVE_DEADLINE_MS }),
    );
    expect(await memberPage.getByRole('tabpanel').textContent()).toContain('HTTP 503');
  });

  it("adds a client registered elsewhere to the member's list, and takes a deleted one off", async () => {
    await memberPage.goto(`${controller.baseUrl}/clients`);
    await memberPage.locator('ac-paged-table[data-live="true"]').waitFor();
    await memberPage.getByRole('link', { name: 'Renamed farm', exact: true }).waitFor();

    let spareId = '';
    await showsWithinDeadline(
      'client added',
      async () => {
        const spare = await api.post('/api/clients', simulatorClient(remote, 'Spare farm'), { token: admin });
        spareId = spare.body.id;
        await api.post(`/api/clients/${spareId}/users`, { email: MEMBER, role: 'user' }, { token: admin });
      },
      () => memberPage.getByRole('link', { name: 'Spare farm', exact: true }).waitFor({ timeout: LIVE_DEADLINE_MS }),
    );

    await showsWithinDeadline(
      'client deleted',
      async () => {
        expect((await api.delete(`/api/clients/${spareId}`, { token: admin })).status).toBe(204);
      },
      () =>
        memberPage
          .getByRole('link', { name: 'Spare farm', exact: true })
          .waitFor({ state: 'detached', timeout: LIVE_DEADLINE_MS }),
    );
    expect(consoleErrors).toEqual([]);
  });
});
