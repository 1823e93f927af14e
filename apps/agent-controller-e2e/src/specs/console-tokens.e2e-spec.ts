import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openedDialog, screenshots, seriousViolations } from '../support/browser';
import { freePort, RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';

const ADMIN = 'admin@example.com';
const NAME = 'nightly-report';

/**
 * Scoped API tokens in Debian's Chromium against the built controller (users mode): a global admin opens "API
 * tokens" from the account menu, creates a read token in the dialog and reads it from the one-time display; the
 * token reads the clients and is refused a write (403 token_access); revoked on the page, it is refused (401).
 * axe on each screen, screenshots at desktop and phone widths.
 */
describe('API tokens in a browser', () => {
  let controller: RunningController;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: Api;
  let secret: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [controller, browser] = await Promise.all([
      startController({ env: { CLIENT_HEALTH_INTERVAL: '86400' } }),
      launchChromium(),
    ]);
    api = new Api(controller.baseUrl);
    const admin = await setUpFirstAdmin(api, controller.setupToken(), ADMIN);
    context = await browser.newContext();
    await context.addInitScript((token) => sessionStorage.setItem('agent-controller.credential', token), admin);
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await controller?.stop();
  });

  async function expectAccessible(): Promise<void> {
    await page.waitForFunction(() => !document.querySelector('.mat-mdc-snack-bar-label > [aria-hidden="true"]'));
    await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'));
    expect(await seriousViolations(page)).toEqual([]);
  }

  it('creates a read token in the dialog and shows it once', async () => {
    await page.goto(`${controller.baseUrl}/clients`);
    await page.getByRole('button', { name: ADMIN }).click();
    await page.getByRole('menuitem', { name: 'API tokens' }).click();
    await page.waitForURL('**/tokens');
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await page.getByText('No API tokens yet.').waitFor();

    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = await openedDialog(page, { name: 'Create an API token' });
    await dialog.getByLabel('Name').fill(NAME);
    await dialog.getByRole('radio', { name: /^read/ }).check();
    await dialog.getByLabel('Label selector').fill('region in eu');
    await dialog.getByRole('button', { name: 'Create token' }).click();
    // The console's own check of the selector, beside the field; nothing is sent.
    await dialog.getByText(/^Not a label selector/).waitFor();
    await expectAccessible();
    await screenshots(page, '53-token-dialog');
    await dialog.getByLabel('Label selector').fill('');
    await dialog.getByRole('button', { name: 'Create token' }).click();

    const created = page.getByRole('dialog', { name: 'Token created' });
    await created.getByText('you will not see it again').waitFor();
    secret = ((await created.locator('#created-token').textContent()) ?? '').trim();
    expect(secret).toMatch(/^act_[0-9A-Za-z]{49}$/);
    expect(await created.locator('pre').textContent()).toContain(`export AGENTCTL_TOKEN=${secret}`);
    await expectAccessible();
    await screenshots(page, '54-token-created');
    await created.getByRole('button', { name: 'Done' }).click();
    await created.waitFor({ state: 'detached' });

    const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: NAME });
    await row.getByText('active').waitFor();
    await row.getByText(secret.slice(0, 10)).waitFor();
    expect(await row.textContent()).toContain('All clients');
  });

  it('reads with the token and is refused a write', async () => {
    expect((await api.get('/api/clients', { token: secret })).status).toBe(200);
    const refused = await api.post(
      '/api/clients',
      { name: 'by token', endpoint: `http://127.0.0.1:${await freePort()}`, authenticationType: 'api_key' },
      { token: secret },
    );
    expect(refused.status).toBe(403);
    expect(refused.body.details).toEqual({ reason: 'token_access' });
  });

  it('revokes the token on the page; it is then refused', async () => {
    await page.reload();
    const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: NAME });
    // The last use is written in batches; the row shows it once it is (it may still say "never").
    await row.getByRole('button', { name: `Revoke ${NAME}` }).click();
    const confirm = await openedDialog(page, { name: 'Revoke token' });
    await expectAccessible();
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await row.getByText('revoked').waitFor();
    expect(await row.getByRole('button', { name: `Revoke ${NAME}` }).count()).toBe(0);

    const refused = await api.get('/api/clients', { token: secret });
    expect(refused.status).toBe(401);
    expect(refused.body.details).toEqual({ reason: 'revoked' });
    await expectAccessible();
    await screenshots(page, '55-tokens');
    expect(consoleErrors.filter((message) => !message.startsWith('Failed to load resource'))).toEqual([]);
  });
});
