import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openedDialog, screenshots, seriousViolations } from '../support/browser';
import { RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

/**
 * The agents screens in Debian's Chromium: a client's agents (create with the password shown once, stop and
 * start, delete after a confirmation) and a live chat over the gateway with a streamed answer, then a dropped
 * link to the remote and its recovery; axe on every screen, screenshots at desktop and phone widths.
 */
describe('console agents and chat in a browser', () => {
  let controller: RunningController;
  let remote: RunningSimulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let clientId: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [controller, remote, browser] = await Promise.all([
      startController({
        env: { CLIENT_HEALTH_INTERVAL: '86400', GATEWAY_RECONNECT_DELAY_MS: '1500', GATEWAY_RECONNECT_ATTEMPTS: '5' },
      }),
      startSimulator({
        apiKey: 'console-agents-key-1234',
        args: ['--git-repository-url', 'https://git.example.com/a.git'],
      }),
      launchChromium(),
    ]);
    const api = new Api(controller.baseUrl);
    const token = await setUpFirstAdmin(api, controller.setupToken());
    const created = await api.post(
      '/api/clients',
      {
        name: 'Agent farm',
        endpoint: remote.url,
        authenticationType: 'api_key',
        apiKey: remote.apiKey,
        agentWsPort: remote.wsPort,
      },
      { token },
    );
    if (created.status !== 201) throw new Error(`client create answered ${created.status}: ${created.text}`);
    clientId = created.body.id;
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
    await Promise.all([controller?.stop(), remote?.stop()]);
  });

  async function expectAccessible(): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
  }

  it('reaches the agents of a client from the clients list and shows the empty state', async () => {
    await page.goto(`${controller.baseUrl}/clients`);
    await page.getByRole('link', { name: 'Agents of Agent farm' }).click();
    await page.waitForURL(`**/clients/${clientId}/agents`);
    await page.getByText('No agents on this client yet').waitFor();
    expect(await page.title()).toBe('Agents · Agent Controller');
    await expectAccessible();
  });

  it('creates an agent and shows its password once', async () => {
    await page.getByRole('button', { name: 'Create agent' }).click();
    const dialog = await openedDialog(page);
    await dialog.getByLabel('Agent name').fill('Ada');
    await dialog.getByLabel('Description').fill('Writes the docs');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('you will not see this again').waitFor();
    const password = (await dialog.locator('code.secret').textContent())?.trim() ?? '';
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    await expectAccessible();
    await screenshots(page, '21-agent-created');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: /Ada/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Writes the docs');
    // The password is not shown anywhere once the dialog is closed.
    expect(await page.content()).not.toContain(password);
  });

  it('stops and starts the agent', async () => {
    await page.getByRole('button', { name: 'Stop Ada' }).click();
    await page.getByText('Ada: stopped').waitFor();
    await page.getByRole('button', { name: 'Start Ada', exact: true }).click();
    await page.getByText('Ada: started').waitFor();
    await expectAccessible();
    await screenshots(page, '22-agents');
  });

  it('chats with the agent and shows the streamed answer', async () => {
    await page.getByRole('link', { name: 'Chat with Ada' }).click();
    await page.waitForURL('**/chat');
    await page.getByRole('heading', { name: 'Chat with Ada' }).waitFor();
    await page.getByRole('status').getByText('Connected').waitFor();
    await page.getByText('No messages yet').waitFor();
    await page.getByLabel('Message').fill('hello from the console');
    await page.getByRole('button', { name: 'Send' }).click();
    const log = page.getByRole('log', { name: 'Conversation' });
    await log.getByText('Simulated agent reply to: hello from the console').waitFor();
    // The deltas became one answer: the text appears once, next to the user's message.
    expect(await log.getByText('Simulated agent reply to: hello from the console').count()).toBe(1);
    expect(await log.getByText('hello from the console', { exact: false }).count()).toBe(2);
    await expectAccessible();
    await screenshots(page, '23-chat');
  });

  it('opens a terminal in the agent, echoes what is typed, and closes it', async () => {
    await page.getByRole('button', { name: 'Open terminal' }).click();
    const terminal = page.getByRole('region', { name: 'Terminal', exact: true });
    await terminal.locator('.xterm-rows').waitFor();
    await page.keyboard.type('echo hello');
    // The simulator's shell echoes the input back as terminalOutput.
    await terminal.locator('.xterm-rows').getByText('echo hello').waitFor();
    await expectAccessible();
    await screenshots(page, '25-chat-terminal');
    await page.getByRole('button', { name: 'Close terminal' }).click();
    await page.getByRole('button', { name: 'Open terminal' }).waitFor();
  });

  it('says when the link to the remote drops and when it is back', async () => {
    await remote.dropSockets();
    await page
      .getByRole('status')
      .getByText(/reconnecting/)
      .waitFor();
    await screenshots(page, '24-chat-reconnecting');
    await page.getByText('Reconnected to the agent-manager').waitFor({ timeout: 15_000 });
    await page.getByRole('status').getByText('Connected').waitFor();
    // The history was replayed after the new login, and chatting goes on.
    await page.getByLabel('Message').fill('still there?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Simulated agent reply to: still there?').waitFor();
    await expectAccessible();
  });

  it('names the client in every breadcrumb, and opens the terminal from the agent page', async () => {
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    // Chat: Clients / Agent farm / Agents / Ada / Chat.
    await crumbs.getByText('Agent farm').waitFor();
    expect((await crumbs.getByRole('listitem').allTextContents()).map((text) => text.trim())).toEqual([
      'Clients',
      'Agent farm',
      'Agents',
      'Ada',
      'Chat',
    ]);
    await crumbs.getByRole('link', { name: 'Ada', exact: true }).click();
    await page.getByRole('heading', { name: 'Ada', level: 1 }).waitFor();
    await crumbs.getByRole('link', { name: 'Agent farm' }).waitFor();

    // The agent page's Terminal opens the chat with its terminal already open.
    await page.getByRole('link', { name: 'Terminal', exact: true }).click();
    await page.waitForURL('**/chat?terminal=open');
    await page.getByRole('region', { name: 'Terminal', exact: true }).locator('.xterm-rows').waitFor();
    await screenshots(page, '26-terminal-from-agent');

    await crumbs.getByRole('link', { name: 'Agents', exact: true }).click();
    await page.waitForURL(`**/clients/${clientId}/agents`);
    await crumbs.getByRole('link', { name: 'Agent farm' }).click();
    await page.waitForURL(`**/clients/${clientId}`);
    await crumbs.getByText('Agent farm').waitFor();
    // A deep page opened afresh (nothing known yet) names the client too.
    await page.goto(`${controller.baseUrl}/clients/${clientId}/agents`);
    await crumbs.getByRole('link', { name: 'Agent farm' }).waitFor();
    await expectAccessible();
  });

  it('deletes the agent after a confirmation naming it', async () => {
    await page.getByRole('button', { name: 'Delete Ada' }).click();
    const dialog = await openedDialog(page);
    await dialog.getByRole('heading', { name: 'Delete agent Ada?' }).waitFor();
    // axe reads colours: wait until the dialog has faded in.
    await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'));
    await expectAccessible();
    await dialog.getByRole('button', { name: 'Delete Ada' }).click();
    await page.getByText('No agents on this client yet').waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
