import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openedDialog, screenshots, seriousViolations } from '../support/browser';
import { freePort, RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

const HEALTHY = 12;
const UNREACHABLE = 2;
const TOTAL = HEALTHY + UNREACHABLE;

/**
 * The clients table in Chromium: server-side sort by column headers (the order the API gives), filters, order
 * and page kept in the URL across a reload, first/last page, "select all N matching" with the bulk dry run, and
 * bulk verify with each remote's answer; the client detail's tab in the URL.
 */
describe('clients table in a browser', () => {
  let controller: RunningController;
  let remote: RunningSimulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: Api;
  let admin: string;
  let firstId: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [controller, remote, browser] = await Promise.all([
      startController({ env: { CLIENT_HEALTH_INTERVAL: '86400' } }),
      startSimulator({ apiKey: 'table-remote-key-1234' }),
      launchChromium(),
    ]);
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    const closedPort = await freePort();
    for (let index = 0; index < TOTAL; index++) {
      const healthy = index < HEALTHY;
      const created = await api.post(
        '/api/clients',
        {
          // Names out of creation order, so sorting by name differs from the default newest-first.
          name: `farm ${String.fromCharCode(97 + ((index * 5) % TOTAL))}`,
          endpoint: healthy ? remote.url : `http://127.0.0.1:${closedPort}`,
          authenticationType: 'api_key',
          apiKey: remote.apiKey,
          agentWsPort: remote.wsPort,
        },
        { token: admin },
      );
      if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
      firstId ??= created.body.id;
    }
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.addInitScript((token) => sessionStorage.setItem('agent-controller.credential', token), admin);
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([controller?.stop(), remote?.stop()]);
  });

  /** The names the API lists for a query, in its order. */
  async function apiNames(query: string): Promise<string[]> {
    const response = await api.get(`/api/clients?${query}`, { token: admin });
    return response.body.map((client: { name: string }) => client.name);
  }

  /** Waits until the table shows exactly these names, in this order. */
  async function expectRows(expected: string[]): Promise<void> {
    const names = page.locator('table[aria-label="Clients"] tbody td.mat-column-name a:first-child');
    const deadline = Date.now() + 10_000;
    let shown: string[] = [];
    while (Date.now() < deadline) {
      shown = (await names.allTextContents()).map((name) => name.trim());
      if (JSON.stringify(shown) === JSON.stringify(expected)) return;
      await page.waitForTimeout(100);
    }
    expect(shown).toEqual(expected);
  }

  it('serves the 24-hour health strips of a page in one request, and names a bad id', async () => {
    const listed = await api.get('/api/clients?limit=10', { token: admin });
    const ids = listed.body.map((client: { id: string }) => client.id);
    const strips = await api.get(`/api/clients/health/strips?ids=${ids.join(',')}`, { token: admin });
    expect(strips.status).toBe(200);
    expect(strips.body.hours).toBe(24);
    expect(strips.body.strips.map((strip: { id: string }) => strip.id)).toEqual(ids);
    // Added minutes ago: the earlier hours are empty, the current one shows what the check on creation found.
    const current = strips.body.strips.map((strip: { hours: (string | null)[] }) => strip.hours[23]).sort();
    expect(current).toEqual([...Array(10 - UNREACHABLE).fill('healthy'), ...Array(UNREACHABLE).fill('unreachable')]);
    for (const strip of strips.body.strips) expect(strip.hours.slice(0, 22)).toEqual(Array(22).fill(null));
    const refused = await api.get(`/api/clients/health/strips?ids=${ids[0]},not-an-id`, { token: admin });
    expect(refused.status).toBe(400);
    expect(refused.body.details.fields.map((entry: { field: string }) => entry.field)).toEqual(['ids.1']);
  });

  it('sorts by a column header on the server, both ways, and keeps the order in the URL', async () => {
    await page.goto(`${controller.baseUrl}/clients`);
    await expectRows(await apiNames('limit=25'));
    await page.getByRole('button', { name: 'Name' }).click();
    await page.waitForURL(/[?&]sort=name\b/);
    const byName = await apiNames('limit=25&sort=name');
    expect(byName).toEqual([...byName].sort());
    await expectRows(byName);
    await page.getByRole('button', { name: 'Name' }).click();
    await page.waitForURL(/[?&]sort=-name\b/);
    await expectRows(await apiNames('limit=25&sort=-name'));
    await page.getByRole('button', { name: 'Latency' }).click();
    await page.waitForURL(/[?&]sort=latency\b/);
    await expectRows(await apiNames('limit=25&sort=latency'));
    // Unreachable clients have no latency: last, as the API orders them.
    const unreachable = page.getByRole('row', { name: /unreachable/ });
    expect(await unreachable.count()).toBe(UNREACHABLE);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, '40-clients-sorted');
  });

  it('keeps filters, order and page across a reload, with first and last page buttons', async () => {
    await page.goto(`${controller.baseUrl}/clients?health=healthy&sort=name&pageSize=10&page=2`);
    const secondPage = await apiNames('health=healthy&sort=name&limit=10&offset=10');
    expect(secondPage).toHaveLength(HEALTHY - 10);
    await expectRows(secondPage);
    await page.reload();
    await expectRows(secondPage);
    expect(page.url()).toContain('health=healthy');
    await page.getByRole('button', { name: 'First page' }).click();
    await page.waitForURL((url) => !url.searchParams.has('page'));
    await expectRows(await apiNames('health=healthy&sort=name&limit=10&offset=0'));
    expect(new URL(page.url()).searchParams.get('sort')).toBe('name');
    await page.getByRole('button', { name: 'Last page' }).click();
    await page.waitForURL(/[?&]page=2\b/);
    await expectRows(secondPage);
    // Back goes to the first page again: each page is a step in the history.
    await page.goBack();
    await expectRows(await apiNames('health=healthy&sort=name&limit=10&offset=0'));
  });

  it('selects all N matching clients across pages and previews a bulk action for each', async () => {
    await page.goto(`${controller.baseUrl}/clients?pageSize=10`);
    await expectRows(await apiNames('limit=10'));
    await page.getByRole('checkbox', { name: 'Select all clients on this page' }).check();
    await page.getByText('10 selected').waitFor();
    await page.getByRole('button', { name: `Select all ${TOTAL} matching` }).click();
    await page.getByText(`${TOTAL} selected`).waitFor();
    await page.getByRole('button', { name: 'Bulk actions' }).click();
    await page.getByRole('menuitem', { name: 'Deactivate' }).click();
    const dialog = await openedDialog(page);
    await dialog.getByText('Nothing has changed yet').waitFor();
    expect(await dialog.getByRole('listitem').count()).toBe(TOTAL);
    expect(await dialog.getByText('would be deactivated').count()).toBe(TOTAL);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    const active = await api.get('/api/clients?status=active&limit=1', { token: admin });
    expect(active.headers.get('x-total-count')).toBe(String(TOTAL));
  });

  it('verifies the selected clients in bulk and shows what each remote answered', async () => {
    await page.getByRole('button', { name: 'Bulk actions' }).click();
    await page.getByRole('menuitem', { name: 'Verify' }).click();
    const dialog = await openedDialog(page);
    await dialog.getByText('Nothing has changed yet').waitFor();
    expect(await dialog.getByText('would be verified').count()).toBe(TOTAL);
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await dialog.getByText('Done. This is what happened:').waitFor();
    expect(await dialog.locator('.badge.healthy').count()).toBe(HEALTHY);
    expect(await dialog.locator('.badge.unreachable').count()).toBe(UNREACHABLE);
    expect(await dialog.textContent()).toMatch(/refused/i);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, '41-clients-bulk-verify');
    await dialog.getByRole('button', { name: 'Close' }).click();
    const audit = await api.get('/api/audit?action=client.verify&limit=100', { token: admin });
    expect(audit.body).toHaveLength(TOTAL);
  });

  it('keeps the client detail tab in the URL', async () => {
    await page.goto(`${controller.baseUrl}/clients/${firstId}`);
    await page.getByRole('tab', { name: 'Health' }).click();
    await page.waitForURL(/[?&]tab=health\b/);
    await page.reload();
    await page.getByRole('tab', { name: 'Health', selected: true }).waitFor();
    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.waitForURL((url) => !url.searchParams.has('tab'));
    expect(consoleErrors).toEqual([]);
  });
});
