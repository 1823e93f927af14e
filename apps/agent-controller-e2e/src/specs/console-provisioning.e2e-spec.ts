import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openedDialog, screenshots, seriousViolations } from '../support/browser';
import { RunningCloudSimulator, startCloudSimulator } from '../support/cloud-simulator-process';
import { RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';

const CLIENT_NAME = 'Hetzner farm';

/**
 * Provisioning and the audit log in the console, in Debian's Chromium: the wizard against the Hetzner simulator
 * (DigitalOcean left unconfigured), the job followed live to the new client, the jobs list and orphans, then
 * the audit log with the job's entries. axe on every screen, screenshots at desktop and phone widths.
 */
describe('console provisioning and audit in a browser', () => {
  let hetzner: RunningCloudSimulator;
  let controller: RunningController;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: Api;
  let token: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    // Servers boot slowly enough for the running steps to be seen; their own address range avoids other specs.
    [hetzner, browser] = await Promise.all([
      startCloudSimulator('hetzner', ['--boot-ms', '5000', '--delete-ms', '100', '--address-prefix', '127.0.42']),
      launchChromium(),
    ]);
    controller = await startController({
      env: {
        HETZNER_API_TOKEN: hetzner.token,
        HETZNER_API_URL: hetzner.url,
        PROVISIONING_ENDPOINT_TEMPLATE: 'http://{ip}:3000',
        PROVISIONING_AGENT_WS_PORT: '8080',
        PROVISIONING_POLL_INTERVAL_MS: '150',
        PROVISIONING_SERVER_TIMEOUT: '20',
        PROVISIONING_HEALTH_TIMEOUT: '20',
        CLIENT_HEALTH_INTERVAL: '86400',
      },
    });
    api = new Api(controller.baseUrl);
    token = await setUpFirstAdmin(api, controller.setupToken());
    context = await browser.newContext();
    await context.addInitScript((credential) => {
      sessionStorage.setItem('agent-controller.credential', credential);
    }, token);
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await controller?.stop();
    await hetzner?.stop();
  });

  async function expectAccessible(): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
  }

  const next = () => page.getByRole('button', { name: 'Next', exact: true }).click();

  it('offers only the configured provider and says how to configure the other', async () => {
    await page.goto(`${controller.baseUrl}/provisioning`);
    await page.getByRole('heading', { name: 'Provisioning', level: 1 }).waitFor();
    const hetznerChoice = page.getByRole('radio', { name: 'Hetzner Cloud' });
    await hetznerChoice.waitFor();
    // The only configured provider is chosen already.
    expect(await hetznerChoice.isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: /DigitalOcean \(not configured\)/ }).isDisabled()).toBe(true);
    await page.getByText('DIGITALOCEAN_API_TOKEN').waitFor();
    await page.getByText('No provisioning jobs yet.').waitFor();
    await page.getByText('No orphaned servers.').waitFor();
    await expectAccessible();
    await screenshots(page, '30-provisioning-provider');
    await next();
  });

  it('lists the locations, then the server types with their prices there', async () => {
    const falkenstein = page.getByRole('radio', { name: /Falkenstein.*fsn1/ });
    await falkenstein.waitFor();
    await falkenstein.check();
    await expectAccessible();
    await screenshots(page, '31-provisioning-location');
    await next();

    const cx23 = page.getByRole('radio', { name: /cx23/ });
    await cx23.waitFor();
    const label = await cx23.evaluate((input) => input.closest('mat-radio-button')?.textContent ?? '');
    expect(label).toMatch(/\d+ cores · \d+ GB memory · \d+ GB disk · .+\/month · .+\/hour/);
    await cx23.check();
    await expectAccessible();
    await screenshots(page, '32-provisioning-server-type');
    await next();
  });

  it('takes the client settings with secrets masked, and reviews them', async () => {
    await page.getByLabel('Client name').fill(CLIENT_NAME);
    await page.getByLabel('Description').fill('Made by the console journey');
    await page.getByLabel('Git repository URL').fill('https://git.example.com/agents.git');
    await page.getByLabel('Git username').fill('deploy');
    await page.getByLabel('Git token').fill('ghp_console_secret');
    expect(await page.getByLabel('Git token').getAttribute('type')).toBe('password');
    expect(await page.getByLabel('API key for the agent-manager').getAttribute('type')).toBe('password');
    await expectAccessible();
    await screenshots(page, '33-provisioning-client');
    await next();

    const review = page.locator('dl.review');
    await review.getByText(CLIENT_NAME).waitFor();
    const text = (await review.textContent()) ?? '';
    expect(text).toContain('Hetzner Cloud');
    expect(text).toContain('cx23');
    expect(text).toContain('•••••••• (set)');
    expect(text).not.toContain('ghp_console_secret');
    expect(text).toContain('generated');
    await expectAccessible();
    await screenshots(page, '34-provisioning-review');
  });

  it('starts the job and follows its steps live to the new client', async () => {
    await page.getByRole('button', { name: 'Start provisioning' }).click();
    await page.waitForURL('**/provisioning/jobs/*');
    await page.getByRole('heading', { name: `Provisioning ${CLIENT_NAME}` }).waitFor();
    // The server boots for 2.5 s: a step is seen running before the job ends.
    await page.locator('ol.steps li.running').first().waitFor();
    expect(await page.locator('ol.steps li').count()).toBe(4);
    await expectAccessible();
    await screenshots(page, '35-provisioning-job-running');

    const open = page.getByRole('link', { name: `Open client ${CLIENT_NAME}` });
    await open.waitFor({ timeout: 30_000 });
    expect(await page.locator('ol.steps li.succeeded').count()).toBe(4);
    expect(await page.getByRole('status').textContent()).toContain('4 of 4 steps done');
    expect(await page.locator('ol.steps').textContent()).toContain('Attempts: 1');
    expect(await open.getAttribute('href')).toMatch(/^\/clients\/[0-9a-f-]{36}$/);
    await expectAccessible();
    await screenshots(page, '36-provisioning-job-succeeded');
  }, 60_000);

  it('lists the job as succeeded', async () => {
    await page.getByRole('link', { name: '← Provisioning' }).click();
    const row = page.getByRole('row', { name: new RegExp(CLIENT_NAME) });
    await row.waitFor();
    expect(await row.textContent()).toContain('succeeded');
    await expectAccessible();
    await screenshots(page, '37-provisioning-jobs');
  });

  it('shows the audit log with the provisioning and the client it created, and filters it', async () => {
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.waitForURL('**/audit');
    await page.getByRole('cell', { name: 'provisioning.start' }).waitFor();
    await page.getByRole('cell', { name: 'client.create' }).waitFor();
    // Rows name their actor and target beside the ids.
    const created = page.getByRole('row').filter({ hasText: 'client.create' });
    const client = (await api.get(`/api/clients?search=${encodeURIComponent(CLIENT_NAME)}`, { token })).body[0];
    expect(await created.textContent()).toContain(`client ${CLIENT_NAME}`);
    expect(await created.textContent()).toContain(`id ${client.id}`);
    await expectAccessible();
    await screenshots(page, '38-audit');

    await page.getByLabel('Action').fill('provisioning.');
    await page.getByRole('cell', { name: 'client.create' }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'provisioning.start' }).waitFor();
    await page.getByLabel('Action').fill('nothing.like.this');
    await page.getByText('No events match these filters.').waitFor();
    await expectAccessible();
    await screenshots(page, '39-audit-filtered-empty');
    expect(consoleErrors).toEqual([]);
  });

  it("shows the provisioned client's cloud server: provider, id, type, location, address and monthly price", async () => {
    const client = (await api.get(`/api/clients?search=${encodeURIComponent(CLIENT_NAME)}`, { token })).body[0];
    const info = (await api.get(`/api/clients/${client.id}/provisioning/info`, { token })).body;
    expect(info.priceMonthly).toBeGreaterThan(0);
    await page.goto(`${controller.baseUrl}/clients/${client.id}`);
    const server = page.getByRole('definition').filter({ hasText: info.serverId });
    await server.waitFor();
    const facts = (await page.locator('dl[aria-label="Cloud server"]').textContent()) ?? '';
    for (const fact of ['hetzner', info.serverId, info.serverName, info.serverType, info.location, info.ipv4]) {
      expect(facts).toContain(fact);
    }
    // The cloud's price, as the browser formats euros.
    expect(facts).toContain(`€${info.priceMonthly.toFixed(2)}`);
    await expectAccessible();
    await screenshots(page, '38b-client-cloud-server');
  });

  it('deletes the client but keeps its server when asked, which then shows as an orphan', async () => {
    const client = (await api.get(`/api/clients?search=${encodeURIComponent(CLIENT_NAME)}`, { token })).body[0];
    const info = (await api.get(`/api/clients/${client.id}/provisioning/info`, { token })).body;
    await page.getByRole('button', { name: 'Delete client' }).click();
    const dialog = await openedDialog(page, { name: `Delete ${CLIENT_NAME}` });
    await dialog.getByText(`runs on the cloud server ${info.serverName}`).waitFor();
    await dialog.getByRole('radio', { name: /Delete the server too/ }).waitFor();
    await dialog.getByRole('radio', { name: /Keep the server running/ }).check();
    await expectAccessible();
    await screenshots(page, '38c-client-delete-keep-server');
    await dialog.getByRole('button', { name: 'Delete client, keep server' }).click();
    await page.waitForURL('**/clients');
    expect((await api.get(`/api/clients/${client.id}`, { token })).status).toBe(404);

    // Still running at the cloud, and listed for the operator to deal with.
    const atCloud = await fetch(`${hetzner.url}/servers/${info.serverId}`, {
      headers: { authorization: `Bearer ${hetzner.token}` },
    });
    expect(atCloud.status).toBe(200);
    await page.goto(`${controller.baseUrl}/provisioning`);
    await page.getByRole('table', { name: 'Orphaned servers' }).getByText(info.serverName).waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
