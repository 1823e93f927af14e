import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openedDialog, screenshots, seriousViolations } from '../support/browser';
import { freePort, RunningController, startController } from '../support/controller-process';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

const ADMIN = { email: 'operator@example.com', password: 'a long enough password' };

/**
 * The console as an operator uses it, in Debian's Chromium against the built controller (which serves it):
 * first-run setup, the clients list, adding a healthy and an unreachable client, sign-out and sign-in; axe on
 * every screen, screenshots at desktop and phone widths.
 */
describe('operator console in a browser', () => {
  let controller: RunningController;
  let remote: RunningSimulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [controller, remote, browser] = await Promise.all([
      // A loaded CI machine may answer a first check slowly: this journey is about the screens, not latency.
      startController({ env: { CLIENT_HEALTH_INTERVAL: '86400', CLIENT_HEALTH_DEGRADED_LATENCY_MS: '15000' } }),
      startSimulator({ apiKey: 'console-remote-key-1234' }),
      launchChromium(),
    ]);
    context = await browser.newContext();
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([controller?.stop(), remote?.stop()]);
  });

  async function expectAccessible(): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
  }

  it('serves the console at / and sends a deep link to sign-in first', async () => {
    await page.goto(`${controller.baseUrl}/clients`);
    await page.waitForURL('**/login?returnTo=%2Fclients');
    await page.getByText('No administrator exists yet').waitFor();
    expect(await page.title()).toBe('Sign in · Agent Controller');
    await expectAccessible();
    await screenshots(page, '01-setup');
  });

  it('creates the first administrator with the setup token and lands on the empty clients list', async () => {
    await page.getByLabel('Setup token').fill(controller.setupToken());
    await page.getByLabel('Administrator e-mail').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.waitForURL('**/clients');
    await page.getByText('No clients yet').waitFor();
    await expectAccessible();
    await screenshots(page, '02-clients-empty');
  });

  it('adds a healthy client, shows the check result, and lists it with its health', async () => {
    await page.getByRole('button', { name: 'Add client' }).click();
    const dialog = await openedDialog(page);
    await dialog.getByLabel('Name').fill('Build farm');
    await dialog.getByLabel('Endpoint').fill(remote.url);
    await dialog.getByLabel('API key of the remote').fill(remote.apiKey);
    await dialog.getByLabel('Agent WebSocket port').fill(String(remote.wsPort));
    await expectAccessible();
    await screenshots(page, '03-client-create');
    await dialog.getByRole('button', { name: 'Add and check' }).click();
    await dialog.getByText('Connection check:').waitFor();
    expect(await dialog.textContent()).toContain('Connection check: healthy');
    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row', { name: /Build farm/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('healthy');
    await expectAccessible();
    await screenshots(page, '04-clients');
  });

  it('adds an unreachable client and says why it failed', async () => {
    const closedPort = await freePort();
    await page.getByRole('button', { name: 'Add client' }).click();
    const dialog = await openedDialog(page);
    await dialog.getByLabel('Name').fill('Switched off');
    await dialog.getByLabel('Endpoint').fill(`http://127.0.0.1:${closedPort}`);
    await dialog.getByRole('button', { name: 'Add and check' }).click();
    await dialog.getByText('Connection check:').waitFor();
    expect(await dialog.textContent()).toContain('Connection check: unreachable');
    expect(await dialog.textContent()).toMatch(/refused/i);
    // A generated key is shown once, with the warning.
    expect(await dialog.textContent()).toContain('you will not see it again');
    await expectAccessible();
    await screenshots(page, '05-client-unreachable');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('row', { name: /Switched off/ }).waitFor();
  });

  it('filters by health and searches', async () => {
    await page.getByLabel('Search').fill('farm');
    await page.getByRole('row', { name: /Switched off/ }).waitFor({ state: 'detached' });
    expect(await page.getByRole('row', { name: /Build farm/ }).count()).toBe(1);
    await page.getByLabel('Search').fill('');
    await page.getByRole('row', { name: /Switched off/ }).waitFor();
  });

  it('signs out, and signs in again with e-mail and password', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expectAccessible();
    await screenshots(page, '06-login');
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The console's home is the fleet overview.
    await page.waitForURL(`${controller.baseUrl}/`);
    await page.getByRole('heading', { name: 'Fleet overview' }).waitFor();
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByRole('row', { name: /Build farm/ }).waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
