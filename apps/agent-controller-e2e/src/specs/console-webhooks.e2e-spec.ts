import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openedDialog, screenshots, seriousViolations } from '../support/browser';
import { freePort, RunningController, startController } from '../support/controller-process';
import { untilPasses } from '../support/eventually';
import { Api, setUpFirstAdmin } from '../support/http';

const ADMIN = 'admin@example.com';
const NAME = 'ops-hook';

/**
 * Webhooks in Debian's Chromium against the built controller (users mode): a global admin opens "Webhooks" from
 * the navigation, creates a webhook to a receiver on 127.0.0.1 in the dialog (a bad selector refused beside its
 * field first) and reads the secret once; sends a test from the list and sees its outcome; on the webhook's page
 * sees the ping in the delivery log, redelivers it (the receiver gets it again under a new delivery id) and deletes
 * the webhook behind a confirmation. axe on each screen, screenshots at desktop and phone widths.
 */
describe('webhooks in a browser', () => {
  let controller: RunningController;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let receiver: Server;
  let receiverUrl: string;
  let failing: Server;
  let failingNow = true;
  let api: Api;
  let admin: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // A receiver that always fails: its webhook is disabled after its first failed delivery.
    // Fails until the test has seen the webhook disabled; afterwards it accepts (a retry of the failed delivery
    // after the re-enable must not disable the webhook again before the test reads it).
    failing = createServer((_request, response) =>
      failingNow ? response.writeHead(500).end('nope') : response.writeHead(204).end(),
    );
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    [controller, browser] = await Promise.all([
      startController({
        env: {
          CLIENT_HEALTH_INTERVAL: '86400',
          CLIENT_ENDPOINT_ALLOW_INTERNAL_HOST: 'true',
          WEBHOOK_POLL_MS: '100',
          WEBHOOK_RETRY_BASE_MS: '200',
          WEBHOOK_TIMEOUT_MS: '2000',
          WEBHOOK_DISABLE_AFTER_FAILURES: '1',
        },
      }),
      launchChromium(),
    ]);
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken(), ADMIN);
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
    for (const server of [receiver, failing]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  });

  async function expectAccessible(): Promise<void> {
    await page.waitForFunction(() => !document.querySelector('.mat-mdc-snack-bar-label > [aria-hidden="true"]'));
    await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'));
    expect(await seriousViolations(page)).toEqual([]);
  }

  const row = () => page.getByRole('table', { name: 'Webhooks' }).getByRole('row').filter({ hasText: NAME });

  it('creates a webhook in the dialog and shows its secret once', async () => {
    await page.goto(`${controller.baseUrl}/clients`);
    await page.getByRole('link', { name: 'Webhooks' }).first().click();
    await page.waitForURL('**/webhooks');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByText('No webhooks yet.').waitFor();

    await page.getByRole('button', { name: 'Create webhook' }).click();
    const dialog = await openedDialog(page, { name: 'Create a webhook' });
    await dialog.getByRole('textbox', { name: 'URL' }).fill(receiverUrl);
    await dialog.getByRole('combobox', { name: 'Events' }).click();
    await page.getByRole('option', { name: /client\.created/ }).click();
    await page.getByRole('option', { name: /client\.deleted/ }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill(NAME);
    await dialog.getByRole('textbox', { name: 'Label selector' }).fill('region in eu');
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    // The console's own check of the selector, beside the field; nothing is sent.
    await dialog.getByText(/^Not a label selector/).waitFor();
    await expectAccessible();
    await screenshots(page, '56-webhook-dialog');
    await dialog.getByRole('textbox', { name: 'Label selector' }).fill('');
    await dialog.getByRole('button', { name: 'Create webhook' }).click();

    const created = page.getByRole('dialog', { name: 'Webhook created' });
    await created.getByText('you will not see it again').waitFor();
    const secret = ((await created.locator('#created-secret').textContent()) ?? '').trim();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    await expectAccessible();
    await screenshots(page, '57-webhook-created');
    await created.getByRole('button', { name: 'Done' }).click();
    await created.waitFor({ state: 'detached' });

    await row().getByText('enabled').waitFor();
    expect(await row().textContent()).toContain('client.deleted');
    expect(await row().textContent()).toContain('All clients');
  });

  it('sends a test from the list and shows how it went', async () => {
    await row()
      .getByRole('button', { name: `Send a test to ${NAME}` })
      .click();
    await row()
      .getByText(/Test: succeeded \(HTTP 200/)
      .waitFor();
    expect(received).toHaveLength(1);
    expect(received[0].headers['x-webhook-event']).toBe('ping');
    await expectAccessible();
    await screenshots(page, '58-webhooks');
  });

  it('edits the webhook in the same dialog, sending only what changed', async () => {
    await row()
      .getByRole('button', { name: `Edit ${NAME}` })
      .click();
    const dialog = await openedDialog(page, { name: `Edit ${NAME}` });
    expect(await dialog.getByRole('textbox', { name: 'URL' }).inputValue()).toBe(receiverUrl);
    await dialog.getByRole('combobox', { name: 'Events' }).click();
    await page.getByRole('option', { name: /client\.updated/ }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    await expectAccessible();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText(`Saved ${NAME}`).waitFor();
    await row().getByText('client.updated').waitFor();
    const listed = await api.get('/api/webhooks', { token: admin });
    const saved = listed.body.find((candidate: { name: string }) => candidate.name === NAME);
    expect(saved).toMatchObject({ url: receiverUrl, enabled: true });
    expect([...saved.events].sort()).toEqual(['client.created', 'client.deleted', 'client.updated']);
  });

  it('shows the ping in the delivery log and redelivers it', async () => {
    await row().getByRole('link', { name: NAME }).click();
    await page.waitForURL('**/webhooks/*');
    await page.getByRole('heading', { name: NAME, level: 1 }).waitFor();
    const log = page.getByRole('table', { name: 'Deliveries' });
    const ping = log.getByRole('row').filter({ hasText: 'ping' });
    await ping.getByText('succeeded').waitFor();
    expect(await ping.textContent()).toContain('200');

    await ping.getByRole('button', { name: /^Redeliver ping/ }).click();
    await page.getByText(/^Redelivery: /).waitFor();
    await untilPasses(async () => expect(received).toHaveLength(2), 10_000);
    expect(received[1].headers['x-webhook-id']).not.toBe(received[0].headers['x-webhook-id']);
    expect(received[1].body).toBe(received[0].body);
    await untilPasses(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForFunction(() => !document.querySelector('mat-progress-bar'));
      expect(await log.getByRole('row').filter({ hasText: 'succeeded' }).count()).toBe(2);
    }, 10_000);
    await expectAccessible();
    await screenshots(page, '59-webhook-deliveries');
  });

  it('deletes the webhook behind a confirmation', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).first().click();
    await page.waitForURL('**/webhooks');
    await row()
      .getByRole('button', { name: `Delete ${NAME}` })
      .click();
    const confirm = await openedDialog(page, { name: 'Delete webhook' });
    await expectAccessible();
    await confirm.getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByText('No webhooks yet.').waitFor();
    expect(consoleErrors.filter((message) => !message.startsWith('Failed to load resource'))).toEqual([]);
  });

  it('lists a webhook disabled after failures in a banner and re-enables it', async () => {
    const url = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/hook`;
    const webhook = await api.post(
      '/api/webhooks',
      { name: 'flaky', url, events: ['client.created'] },
      { token: admin },
    );
    expect(webhook.status).toBe(201);
    const client = await api.post(
      '/api/clients',
      {
        name: 'shop-eu',
        endpoint: `http://127.0.0.1:${await freePort()}`,
        authenticationType: 'api_key',
        apiKey: 'remote-key-123456',
      },
      { token: admin },
    );
    expect(client.status).toBe(201);
    await untilPasses(async () => {
      expect((await api.get(`/api/webhooks/${webhook.body.id}`, { token: admin })).body.enabled).toBe(false);
    }, 10_000);

    await page.reload();
    const banner = page.getByRole('status').filter({ hasText: '1 webhook is disabled' });
    await banner.getByRole('link', { name: 'flaky' }).waitFor();
    const flaky = page.getByRole('table', { name: 'Webhooks' }).getByRole('row').filter({ hasText: 'flaky' });
    await flaky.getByText('disabled', { exact: true }).waitFor();
    await expectAccessible();
    await screenshots(page, '60-webhook-disabled');

    failingNow = false;
    await flaky.getByRole('button', { name: 'Re-enable flaky' }).click();
    await flaky.getByText('enabled', { exact: true }).waitFor();
    await banner.waitFor({ state: 'detached' });
    expect((await api.get(`/api/webhooks/${webhook.body.id}`, { token: admin })).body.enabled).toBe(true);
  });
});
