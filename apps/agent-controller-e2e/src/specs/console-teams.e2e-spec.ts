import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openedDialog, screenshots, seriousViolations } from '../support/browser';
import { freePort, RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';

const ADMIN = 'admin@example.com';
const BOB = 'bob@example.com';
const BOB_PASSWORD = 'bob horse battery staple';
const TEAM = 'Build team';
const TEAM_PORT = '9123';

/**
 * Teams in Debian's Chromium against the built controller (users mode): a global admin creates a team with a
 * default port, adds a member by e-mail, adds a client in the team from the client form (the team's port filled
 * in), sees the team column and filters the list by team (kept in the URL); the member, in a browser of their
 * own, sees that client and no other. axe on each screen, screenshots at desktop and phone widths.
 */
describe('teams in a browser', () => {
  let controller: RunningController;
  let browser: Browser;
  let adminContext: BrowserContext;
  let page: Page;
  let api: Api;
  let admin: string;
  let bob: string;
  let teamId: string;
  let unreachable: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [controller, browser] = await Promise.all([
      startController({ env: { CLIENT_HEALTH_INTERVAL: '86400' } }),
      launchChromium(),
    ]);
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken(), ADMIN);
    const created = await api.post(
      '/api/users',
      { email: BOB, password: BOB_PASSWORD, role: 'user' },
      { token: admin },
    );
    if (created.status !== 201) throw new Error(`user create failed: ${created.status} ${created.text}`);
    const login = await api.post('/api/auth/login', { email: BOB, password: BOB_PASSWORD });
    bob = login.body.accessToken;
    // No remote answers here: the clients are stored unreachable, which is all the list needs.
    unreachable = `http://127.0.0.1:${await freePort()}`;
    const outside = await api.post(
      '/api/clients',
      { name: 'outside farm', endpoint: unreachable, authenticationType: 'api_key' },
      { token: admin },
    );
    if (outside.status !== 201) throw new Error(`client create failed: ${outside.status} ${outside.text}`);

    adminContext = await browser.newContext();
    await adminContext.addInitScript((token) => sessionStorage.setItem('agent-controller.credential', token), admin);
    page = await adminContext.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await controller?.stop();
  });

  async function expectAccessible(tab: Page = page): Promise<void> {
    await tab.waitForFunction(() => !document.querySelector('.mat-mdc-snack-bar-label > [aria-hidden="true"]'));
    await tab.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'));
    expect(await seriousViolations(tab)).toEqual([]);
  }

  it('creates a team with a default port from the teams page', async () => {
    await page.goto(`${controller.baseUrl}/clients`);
    await page.getByRole('link', { name: 'Teams', exact: true }).click();
    await page.waitForURL('**/teams');
    await page.getByRole('heading', { name: 'Teams', level: 1 }).waitFor();
    await page.getByText('No teams yet.').waitFor();

    await page.getByRole('button', { name: 'Create team' }).click();
    const dialog = await openedDialog(page, { name: 'Create a team' });
    await dialog.getByLabel('Name').fill(TEAM);
    await dialog.getByLabel('Description').fill('Night builds');
    await dialog.getByLabel('Agent WebSocket port').fill(TEAM_PORT);
    await expectAccessible();
    await dialog.getByRole('button', { name: 'Create team' }).click();
    await dialog.waitFor({ state: 'detached' });

    const table = page.getByRole('table', { name: 'Teams' });
    await table.getByRole('link', { name: TEAM, exact: true }).waitFor();
    const teams = await api.get('/api/teams', { token: admin });
    expect(teams.body).toMatchObject([{ name: TEAM, description: 'Night builds', defaults: { agentWsPort: 9123 } }]);
    teamId = teams.body[0].id;
    await expectAccessible();
    await screenshots(page, '50-teams');
  });

  it("adds a member by e-mail on the team's page", async () => {
    await page.getByRole('table', { name: 'Teams' }).getByRole('link', { name: TEAM, exact: true }).click();
    await page.waitForURL(`**/teams/${teamId}`);
    await page.getByRole('heading', { name: TEAM, level: 1 }).waitFor();
    await page.getByText('No members yet.').waitFor();

    const form = page.locator('form.add-member');
    await form.getByLabel('E-mail').fill(BOB);
    await form.getByRole('button', { name: 'Add member' }).click();
    const members = page.getByRole('table', { name: 'Members' });
    await members.getByRole('cell', { name: BOB, exact: true }).waitFor();
    // A global admin changes roles and removes anyone.
    await members.getByRole('combobox', { name: `Role of ${BOB}` }).waitFor();
    await members.getByRole('button', { name: `Remove ${BOB}` }).waitFor();
    // The emptied field is ready for the next e-mail, not flagged as missing one.
    expect(await form.getByLabel('E-mail').inputValue()).toBe('');
    expect(await form.getByLabel('E-mail').getAttribute('aria-invalid')).not.toBe('true');
    const listed = await api.get(`/api/teams/${teamId}/members`, { token: admin });
    expect(listed.body).toMatchObject([{ email: BOB, role: 'member' }]);
    await expectAccessible();
    await screenshots(page, '51-team-detail');
  });

  it("adds a client in the team from the client form, with the team's port filled in", async () => {
    await page.goto(`${controller.baseUrl}/clients`);
    await page.getByRole('button', { name: 'Add client' }).click();
    const dialog = await openedDialog(page, { name: 'Add a client' });
    await dialog.getByLabel('Name').fill('team farm');
    await dialog.getByLabel('Endpoint').fill(unreachable);
    await dialog.getByRole('combobox', { name: 'Team' }).click();
    await page.getByRole('option', { name: TEAM }).click();
    await page.waitForFunction(
      (port) => (document.querySelector('input[formcontrolname=agentWsPort]') as HTMLInputElement)?.value === port,
      TEAM_PORT,
    );
    await expectAccessible();
    await dialog.getByRole('button', { name: 'Add and check' }).click();
    // The dialog is named by its title, which says what happened once the client is stored.
    const added = page.getByRole('dialog', { name: 'Client added' });
    await added.waitFor();
    await added.getByRole('button', { name: 'Done' }).click();
    await added.waitFor({ state: 'detached' });

    const clients = await api.get(`/api/clients?teamId=${teamId}`, { token: admin });
    expect(clients.body).toMatchObject([{ name: 'team farm', teamId, agentWsPort: 9123 }]);
  });

  it('shows the team column and filters the list by team, kept in the URL', async () => {
    const table = page.getByRole('table', { name: 'Clients' });
    const row = (name: string) => table.getByRole('row').filter({ hasText: name });
    await row('team farm').locator('td.mat-column-team', { hasText: TEAM }).waitFor();
    expect((await row('outside farm').locator('td.mat-column-team').textContent())?.trim()).toBe('—');

    await page.getByRole('combobox', { name: 'Team' }).click();
    await page.getByRole('option', { name: TEAM }).click();
    await page.waitForURL(`**/clients?teamId=${teamId}`);
    await row('outside farm').waitFor({ state: 'detached' });
    await row('team farm').waitFor();
    await page.reload();
    await row('team farm').waitFor();
    expect(await row('outside farm').count()).toBe(0);
    await expectAccessible();
    await screenshots(page, '52-clients-by-team');
  });

  it("lets the member see the team's client, and no other, in a browser of their own", async () => {
    const memberContext = await browser.newContext();
    await memberContext.addInitScript((token) => sessionStorage.setItem('agent-controller.credential', token), bob);
    const tab = await memberContext.newPage();
    await tab.goto(`${controller.baseUrl}/clients`);
    const table = tab.getByRole('table', { name: 'Clients' });
    await table.getByRole('link', { name: 'team farm', exact: true }).waitFor();
    await table.locator('td.mat-column-team', { hasText: TEAM }).waitFor();
    expect(await table.getByRole('link', { name: 'outside farm' }).count()).toBe(0);

    // Their teams page shows their role; no create or delete for a member.
    await tab.getByRole('link', { name: 'Teams', exact: true }).click();
    const teams = tab.getByRole('table', { name: 'Teams' });
    await teams.getByRole('row').filter({ hasText: TEAM }).filter({ hasText: 'member' }).waitFor();
    expect(await tab.getByRole('button', { name: 'Create team' }).count()).toBe(0);
    expect(await tab.getByRole('button', { name: /^Delete / }).count()).toBe(0);
    await expectAccessible(tab);

    // A member administers no team: no Webhooks in the navigation, and its address leads to the clients.
    expect(await tab.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
    await tab.goto(`${controller.baseUrl}/webhooks`);
    await tab.waitForURL('**/clients');
    // Made the team's admin, they find Webhooks once their console reads their teams again (here: a reload).
    const [membership] = (await api.get(`/api/teams/${teamId}/members`, { token: admin })).body;
    const promoted = await api.post(
      `/api/teams/${teamId}/members/${membership.id}`,
      { role: 'admin' },
      { token: admin },
    );
    expect(promoted.status).toBe(200);
    await tab.reload();
    await tab.getByRole('link', { name: 'Webhooks' }).first().click();
    await tab.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await memberContext.close();
    expect(consoleErrors.filter((message) => !message.startsWith('Failed to load resource'))).toEqual([]);
  });
});
