import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openedDialog, screenshots, seriousViolations } from '../support/browser';
import { RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

const MEMBER = 'member@example.com';

/**
 * The client detail screen and bulk actions in Debian's Chromium against the built controller: every tab with
 * real data (overview, health history, usage, members, audit), key rotation, membership changes and a bulk
 * deactivate with its dry-run preview; axe on every screen, screenshots at desktop and phone widths.
 */
describe('client detail and bulk actions in a browser', () => {
  let controller: RunningController;
  let remote: RunningSimulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: Api;
  let admin: string;
  let clientId: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [controller, remote, browser] = await Promise.all([
      startController({ env: { CLIENT_HEALTH_INTERVAL: '86400', USAGE_FLUSH_INTERVAL_MS: '200' } }),
      startSimulator({ apiKey: 'detail-remote-key-1234' }),
      launchChromium(),
    ]);
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    const created = await api.post(
      '/api/clients',
      {
        name: 'Build farm',
        endpoint: remote.url,
        authenticationType: 'api_key',
        apiKey: remote.apiKey,
        agentWsPort: remote.wsPort,
      },
      { token: admin },
    );
    if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
    clientId = created.body.id;
    const spare = await api.post(
      '/api/clients',
      {
        name: 'Spare farm',
        endpoint: remote.url,
        authenticationType: 'api_key',
        apiKey: remote.apiKey,
        agentWsPort: remote.wsPort,
      },
      { token: admin },
    );
    if (spare.status !== 201) throw new Error(`create failed: ${spare.status} ${spare.text}`);
    const user = await api.post('/api/users', { email: MEMBER, password: 'correct horse battery' }, { token: admin });
    if (user.status !== 201) throw new Error(`user failed: ${user.status} ${user.text}`);
    // Some proxied traffic, so the usage tab has numbers; wait until the recorder has flushed it.
    for (let call = 0; call < 3; call++) await api.get(`/api/clients/${clientId}/agents`, { token: admin });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const usage = await api.get(`/api/clients/${clientId}/usage`, { token: admin });
      if (usage.body?.totals?.requests >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    context = await browser.newContext();
    // Signed in as the administrator: the console keeps its credential in sessionStorage.
    await context.addInitScript((token) => sessionStorage.setItem('agent-controller.credential', token), admin);
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([controller?.stop(), remote?.stop()]);
  });

  async function expectAccessible(): Promise<void> {
    // Dialogs and tabs fade in: check the colours once they have settled.
    await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'));
    expect(await seriousViolations(page)).toEqual([]);
  }

  async function openTab(name: string) {
    await page.getByRole('tab', { name }).click();
    const panel = page.getByRole('tabpanel');
    await panel.waitFor();
    return panel;
  }

  it('opens a client from the list by its name link', async () => {
    await page.goto(`${controller.baseUrl}/clients`);
    await page.getByRole('link', { name: 'Build farm', exact: true }).click();
    await page.waitForURL(`**/clients/${clientId}`);
    await page.getByRole('heading', { name: 'Build farm', level: 1 }).waitFor();
    await page.waitForFunction(() => document.title === 'Build farm · Agent Controller');
    const panel = page.getByRole('tabpanel');
    expect(await panel.textContent()).toContain(remote.url);
    expect(await panel.textContent()).toContain('healthy');
    await page.getByRole('button', { name: 'Verify now' }).click();
    await page.getByText('Health: healthy').waitFor();
    await expectAccessible();
    await screenshots(page, '10-client-overview');
  });

  it('shows the health history', async () => {
    const panel = await openTab('Health');
    await panel.getByRole('list', { name: /Health changes/ }).waitFor();
    expect(await panel.textContent()).toContain('healthy');
    await expectAccessible();
    await screenshots(page, '11-client-health');
  });

  it('shows usage totals and the hourly chart', async () => {
    const panel = await openTab('Usage');
    await panel.getByText('Requests (24 h)').waitFor();
    const chart = panel.getByRole('img');
    expect(await chart.getAttribute('aria-label')).toMatch(/^[1-9]\d* requests and \d+ errors in the last 24 hours/);
    await expectAccessible();
    await screenshots(page, '12-client-usage');
  });

  it('adds a member, changes the role and removes the member', async () => {
    const panel = await openTab('Members');
    await panel.getByRole('cell', { name: 'admin@example.com' }).waitFor();
    await panel.getByLabel('E-mail').fill(MEMBER);
    await panel.getByRole('button', { name: 'Add member' }).click();
    await panel.getByRole('cell', { name: MEMBER, exact: true }).waitFor();
    await expectAccessible();
    await screenshots(page, '13-client-members');

    await panel.getByRole('combobox', { name: `Role of ${MEMBER}` }).click();
    await page.getByRole('option', { name: 'admin' }).click();
    await page.waitForFunction(
      async ({ id, token }) => {
        const response = await fetch(`/api/clients/${id}/users`, { headers: { authorization: `Bearer ${token}` } });
        const members: { email: string; role: string }[] = await response.json();
        return members.some((member) => member.email === 'member@example.com' && member.role === 'admin');
      },
      { id: clientId, token: admin },
    );

    await panel.getByRole('button', { name: `Remove ${MEMBER}` }).click();
    const dialog = await openedDialog(page);
    expect(await dialog.textContent()).toContain(`Remove ${MEMBER} from this client?`);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await panel.getByRole('cell', { name: MEMBER, exact: true }).waitFor({ state: 'detached' });
  });

  it('shows the audit trail of the client to a global admin', async () => {
    const panel = await openTab('Audit');
    await panel.getByRole('cell', { name: 'client.create' }).waitFor();
    await expectAccessible();
    await screenshots(page, '14-client-audit');
  });

  it('edits the client: a renamed client is not checked again, a moved endpoint is', async () => {
    await openTab('Overview');
    await page.getByRole('button', { name: 'Edit' }).click();
    let dialog = await openedDialog(page, { name: 'Edit Build farm' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Endpoint').inputValue()).toBe(remote.url);
    expect(await dialog.getByLabel('API key of the remote').inputValue()).toBe('');
    await dialog.getByLabel('Description').fill('Night builds');
    await expectAccessible();
    await screenshots(page, '15-client-edit');
    await dialog.getByRole('button', { name: 'Save' }).click();
    dialog = page.getByRole('dialog', { name: 'Client saved' });
    await dialog.getByText('the remote was not checked again').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('tabpanel').getByText('Night builds').waitFor();

    // A closed port: saved, checked, and the reason shown; then back to the remote.
    for (const [endpoint, state] of [
      ['http://127.0.0.1:9', 'unreachable'],
      [remote.url, 'healthy'],
    ]) {
      await page.getByRole('button', { name: 'Edit' }).click();
      dialog = await openedDialog(page, { name: 'Edit Build farm' });
      await dialog.getByLabel('Endpoint').fill(endpoint);
      await dialog.getByRole('button', { name: 'Save' }).click();
      dialog = page.getByRole('dialog', { name: 'Client saved' });
      await dialog.getByText(`Connection check: ${state}`).waitFor();
      await dialog.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('heading', { name: 'Build farm', level: 1 }).locator('xpath=..').getByText(state).waitFor();
    }
    const saved = await api.get(`/api/clients/${clientId}`, { token: admin });
    expect(saved.body).toMatchObject({
      description: 'Night builds',
      endpoint: remote.url,
      health: { state: 'healthy' },
    });
  });

  it('rotates the key: the remote’s new key is checked first, a refused one is kept out', async () => {
    await openTab('Overview');
    await page.getByRole('button', { name: 'Rotate key' }).click();
    const dialog = await openedDialog(page, { name: 'Rotate the API key of Build farm' });
    expect(await dialog.textContent()).toContain("The key must already be the remote's");
    await dialog.getByLabel('New API key of the remote').fill('a-key-the-remote-does-not-know');
    await dialog.getByRole('button', { name: 'Check and store' }).click();
    await dialog.getByText('The remote refused the new key').waitFor();
    // The browser logs the refusal (409); it is the one error this journey expects.
    const refusal = consoleErrors.findIndex((text) => text.includes('status of 409'));
    expect(refusal).toBeGreaterThanOrEqual(0);
    consoleErrors.splice(refusal, 1);
    await expectAccessible();
    await screenshots(page, '16-client-key-refused');

    // A short key is flagged while typed and after storing, never refused; stored by force, the check's answer shows.
    const key = dialog.getByLabel('New API key of the remote');
    await key.fill('short-key');
    await dialog.getByText('flagged as weak').waitFor();
    await dialog.getByRole('checkbox', { name: 'Store the key even if the remote refuses it' }).check();
    await dialog.getByRole('button', { name: 'Check and store' }).click();
    const forced = await openedDialog(page, { name: 'Key stored' });
    await forced
      .getByRole('status')
      .filter({ hasText: 'Stored although the remote did not accept it (auth_failed' })
      .waitFor();
    await forced.getByText('Weak key', { exact: true }).waitFor();
    await expectAccessible();
    await screenshots(page, '16-client-key-forced-weak');
    await forced.getByRole('button', { name: 'Done' }).click();
    await forced.waitFor({ state: 'detached' });
    await page.getByRole('main').getByText('Weak key', { exact: true }).first().waitFor();
    expect((await api.get(`/api/clients/${clientId}`, { token: admin })).body).toMatchObject({
      weakApiKey: true,
      health: { state: 'auth_failed' },
    });

    // The remote's real key: accepted, with its health and latency, and no longer weak.
    await page.getByRole('button', { name: 'Rotate key' }).click();
    const again = await openedDialog(page, { name: 'Rotate the API key of Build farm' });
    await again.getByLabel('New API key of the remote').fill(remote.apiKey);
    await again.getByRole('button', { name: 'Check and store' }).click();
    const accepted = await openedDialog(page, { name: 'Key stored' });
    const verdict = accepted.getByRole('status').filter({ hasText: 'The remote accepted the new key (healthy' });
    await verdict.waitFor();
    expect(await verdict.textContent()).toMatch(/\d+ ms\)/);
    expect(await accepted.getByText('Weak key', { exact: true }).count()).toBe(0);
    await accepted.getByRole('button', { name: 'Done' }).click();
    await accepted.waitFor({ state: 'detached' });
    expect((await api.get(`/api/clients/${clientId}`, { token: admin })).body).toMatchObject({
      weakApiKey: false,
      keyRotatedAt: expect.any(String),
      health: { state: 'healthy' },
    });
  });

  it('deactivates clients in bulk after a dry-run preview', async () => {
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Clients' }).click();
    await page.waitForURL('**/clients');
    await page.getByRole('checkbox', { name: 'Select Spare farm' }).check();
    await page.getByRole('button', { name: 'Bulk actions' }).click();
    await page.getByRole('menuitem', { name: 'Deactivate' }).click();
    const dialog = await openedDialog(page);
    await dialog.getByText('Spare farm: would be deactivated').waitFor();
    expect(await dialog.textContent()).toContain('Nothing has changed yet');
    await expectAccessible();
    await screenshots(page, '17-clients-bulk-preview');
    await dialog.getByRole('button', { name: 'Deactivate' }).click();
    await dialog.getByText('Spare farm: deactivated').waitFor();
    // The run button is gone; focus moved to Close instead of falling to the page behind the dialog.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Close');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('row', { name: /Spare farm.*inactive/ }).waitFor();
    const listed = await api.get('/api/clients?status=inactive', { token: admin });
    expect(listed.body.map((client: { name: string }) => client.name)).toEqual(['Spare farm']);
    expect(consoleErrors).toEqual([]);
  });
});
