import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openedDialog, screenshots, seriousViolations } from '../support/browser';
import { RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';

const ADMIN = 'admin@example.com';
const ADMIN_PASSWORD = 'correct horse battery';
const NEW_ADMIN_PASSWORD = 'a brand new staple battery';
const ALICE = 'alice@example.com';
const ALICE_PASSWORD = 'alice horse battery';

/**
 * User administration in Debian's Chromium against the built controller (users mode): the users list, creating a
 * user (with the API's field errors), role changes, lock and unlock, the last-admin refusal, deletion after a
 * confirmation, and "Change my password"; axe on the page and every dialog, screenshots at desktop and phone widths.
 */
describe('user administration in a browser', () => {
  let controller: RunningController;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: Api;
  let admin: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [controller, browser] = await Promise.all([
      startController({ env: { CLIENT_HEALTH_INTERVAL: '86400' } }),
      launchChromium(),
    ]);
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken(), ADMIN, ADMIN_PASSWORD);

    context = await browser.newContext();
    // Signed in as the administrator; only when the tab has no credential yet, so a changed password's token stays.
    await context.addInitScript((token) => {
      if (!sessionStorage.getItem('agent-controller.credential')) {
        sessionStorage.setItem('agent-controller.credential', token);
      }
    }, admin);
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
    // A refused change is also announced in a snack bar: checked too, once it has settled (while it enters, its
    // text sits in an aria-hidden element before it moves into the live region, and it overlaps what it covers).
    await page.waitForFunction(() => !document.querySelector('.mat-mdc-snack-bar-label > [aria-hidden="true"]'));
    // Dialogs fade in: check the colours once they have settled.
    await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'));
    expect(await seriousViolations(page)).toEqual([]);
  }

  async function storedUser(email: string): Promise<{ id: string; role: string; locked: boolean } | undefined> {
    const listed = await api.get('/api/users?limit=100', { token: admin });
    expect(listed.status).toBe(200);
    return listed.body.find((user: { email: string }) => user.email === email);
  }

  async function until(check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the API to agree');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('opens the users page from the navigation', async () => {
    await page.goto(`${controller.baseUrl}/clients`);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.waitForURL('**/users');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.waitForFunction(() => document.title === 'Users · Agent Controller');
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByRole('cell', { name: `${ADMIN} (you)`, exact: true }).waitFor();
    expect(await table.textContent()).toContain('active');
    await expectAccessible();
    await screenshots(page, '40-users');
  });

  it('creates a user, showing the API refusal beside the e-mail field first', async () => {
    await page.getByRole('button', { name: 'Create user' }).click();
    const dialog = await openedDialog(page, { name: 'Create a user' });
    await dialog.waitFor();
    await dialog.getByLabel('E-mail').fill(ADMIN.toUpperCase());
    await dialog.getByLabel('Password').fill(ALICE_PASSWORD);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByText('already in use', { exact: true }).waitFor();
    // Shown once, beside the field: no second copy of the refusal above the buttons.
    expect(await dialog.locator('p.error[role="alert"]').count()).toBe(0);
    expect(await dialog.getByLabel('E-mail').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible();
    await screenshots(page, '41-user-create');

    await dialog.getByLabel('E-mail').fill(ALICE);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: ALICE, exact: true }).waitFor();
    expect(await storedUser(ALICE)).toMatchObject({ role: 'user', locked: false });
    const login = await api.post('/api/auth/login', { email: ALICE, password: ALICE_PASSWORD });
    expect(login.status).toBe(200);
  });

  it('changes the role of a user', async () => {
    await page.getByRole('combobox', { name: `Role of ${ALICE}` }).click();
    await page.getByRole('option', { name: 'admin' }).click();
    await until(async () => (await storedUser(ALICE))?.role === 'admin');
    await page.getByRole('combobox', { name: `Role of ${ALICE}` }).click();
    await page.getByRole('option', { name: 'user' }).click();
    await until(async () => (await storedUser(ALICE))?.role === 'user');
  });

  it('locks a user, whose login is then refused, and unlocks them', async () => {
    await page.getByRole('button', { name: `Lock ${ALICE}`, exact: true }).click();
    await page.getByRole('row', { name: new RegExp(`${ALICE}.*locked`) }).waitFor();
    expect(await storedUser(ALICE)).toMatchObject({ locked: true });
    const refused = await api.post('/api/auth/login', { email: ALICE, password: ALICE_PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ACCOUNT_LOCKED');

    await page.getByRole('button', { name: `Unlock ${ALICE}`, exact: true }).click();
    await page.getByRole('button', { name: `Lock ${ALICE}`, exact: true }).waitFor();
    const accepted = await api.post('/api/auth/login', { email: ALICE, password: ALICE_PASSWORD });
    expect(accepted.status).toBe(200);
  });

  it("shows each user's last sign-in, and offers no lock or delete of my own account", async () => {
    const bob = await api.post(
      '/api/users',
      { email: 'bob@example.com', password: ALICE_PASSWORD, role: 'user' },
      { token: admin },
    );
    expect(bob.status).toBe(201);
    await page.reload();
    const table = page.getByRole('table', { name: 'Users' });
    const row = (email: string) => table.getByRole('row').filter({ hasText: email });
    await row('bob@example.com').waitFor();
    // Alice signed in (after her unlock); Bob never has.
    expect((await storedUser(ALICE)) as unknown).toMatchObject({ lastSignInAt: expect.any(String) });
    expect((await row(ALICE).locator('.last-sign-in').textContent())?.trim()).not.toBe('never');
    expect((await row('bob@example.com').locator('.last-sign-in').textContent())?.trim()).toBe('never');

    expect(
      await row(ADMIN)
        .getByRole('button', { name: /^(Lock|Unlock|Delete) / })
        .count(),
    ).toBe(0);
    expect(
      await row(ALICE)
        .getByRole('button', { name: /^(Lock|Delete) / })
        .count(),
    ).toBe(2);
    expect((await api.delete(`/api/users/${bob.body.id}`, { token: admin })).status).toBe(204);
    await page.reload();
    await row(ALICE).waitFor();
  });

  it('refuses to demote the last admin with a readable message', async () => {
    await page.getByRole('combobox', { name: `Role of ${ADMIN}` }).click();
    await page.getByRole('option', { name: 'user' }).click();
    const alert = page.getByRole('main').getByRole('alert').filter({ hasText: 'last active admin' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain(
      `Could not change the role of ${ADMIN}: This is the last active admin; promote another user first`,
    );
    // The page shows what is stored again.
    await page
      .getByRole('combobox', { name: `Role of ${ADMIN}` })
      .filter({ hasText: 'admin' })
      .waitFor();
    expect(await storedUser(ADMIN)).toMatchObject({ role: 'admin', locked: false });
    await expectAccessible();
    await alert.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('deletes a user after a confirmation naming them', async () => {
    await page.getByRole('button', { name: `Delete ${ALICE}` }).click();
    const dialog = await openedDialog(page, { name: 'Delete user' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`Delete ${ALICE}?`);
    await expectAccessible();
    await dialog.getByRole('button', { name: 'Delete user' }).click();
    // While a dialog is open the page is hidden from the accessibility tree: wait for it to close first.
    await dialog.waitFor({ state: 'detached' });
    await page.getByText(`Deleted ${ALICE}`).waitFor();
    await page.getByRole('cell', { name: ALICE, exact: true }).waitFor({ state: 'detached' });
    expect(await storedUser(ALICE)).toBeUndefined();
  });

  it('changes my password, stays signed in, and signs in with the new one', async () => {
    // Changing the password is in the account menu under my name.
    await page.getByRole('button', { name: ADMIN, exact: true }).click();
    await page.getByRole('menuitem', { name: 'Change password' }).click();
    const dialog = await openedDialog(page, { name: 'Change my password' });
    await dialog.waitFor();
    await dialog.getByLabel('Current password').fill('not my password');
    await dialog.getByLabel('New password', { exact: true }).fill(NEW_ADMIN_PASSWORD);
    await dialog.getByLabel('Repeat the new password').fill(NEW_ADMIN_PASSWORD);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('wrong password', { exact: true }).waitFor();
    await expectAccessible();

    await dialog.getByLabel('Current password').fill(ADMIN_PASSWORD);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Password changed').waitFor();

    // The old token (another session) has ended; this tab continues with the new one, also after a reload.
    expect((await api.get('/api/auth/me', { token: admin })).status).toBe(401);
    await page.reload();
    await page
      .getByRole('table', { name: 'Users' })
      .getByRole('cell', { name: `${ADMIN} (you)`, exact: true })
      .waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.getByLabel('E-mail').fill(ADMIN);
    await page.getByLabel('Password').fill(NEW_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${controller.baseUrl}/`);
    await page.getByRole('link', { name: 'Users', exact: true }).waitFor();
    const oldPassword = await api.post('/api/auth/login', { email: ADMIN, password: ADMIN_PASSWORD });
    expect(oldPassword.status).toBe(401);
    // Refused requests (409, 400) are logged by the browser itself; nothing else may be.
    expect(consoleErrors.filter((message) => !message.startsWith('Failed to load resource'))).toEqual([]);
  });

  it('returns to the page that sent me to sign in, and never to another site', async () => {
    const signIn = async (tab: Page) => {
      await tab.getByLabel('E-mail').fill(ADMIN);
      await tab.getByLabel('Password').fill(NEW_ADMIN_PASSWORD);
      await tab.getByRole('button', { name: 'Sign in' }).click();
    };
    // A tab without a session opens a deep link: sign in, then that page.
    const fresh = await browser.newContext();
    const tab = await fresh.newPage();
    await tab.goto(`${controller.baseUrl}/users`);
    await tab.waitForURL(/\/login\?returnTo=/);
    expect(new URL(tab.url()).searchParams.get('returnTo')).toBe('/users');
    await signIn(tab);
    await tab.waitForURL(`${controller.baseUrl}/users`);
    await tab.getByRole('heading', { name: 'Users', level: 1 }).waitFor();

    // A return address on another site is ignored: the console opens its own home page.
    const other = await browser.newContext();
    const lured = await other.newPage();
    await lured.goto(`${controller.baseUrl}/login?returnTo=${encodeURIComponent('//evil.example/steal')}`);
    await signIn(lured);
    await lured.waitForURL(`${controller.baseUrl}/`);
    expect(new URL(lured.url()).origin).toBe(new URL(controller.baseUrl).origin);
    await Promise.all([fresh.close(), other.close()]);
  });
});
