import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openedDialog, SCREENSHOT_DIR, seriousViolations, VIEWPORTS } from '../support/browser';
import { RunningCloudSimulator, startCloudSimulator } from '../support/cloud-simulator-process';
import { RunningController, startController } from '../support/controller-process';
import { controlsUnderToast, layoutProblems } from '../support/layout';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, simulatorClient, startSimulator } from '../support/simulator-process';

const MEMBER = 'phone.member@example.com';
const PASSWORD = 'correct horse battery';
/**
 * Where axe looks at each screen: the phone in both themes, the desktop in the dark one (the other console
 * journeys run axe on these screens at desktop width in the light theme).
 */
const AXE_RUNS = [
  ['phone', 'light'],
  ['phone', 'dark'],
  ['desktop', 'dark'],
] as const;
/** Each screen gets three axe runs: slow on a loaded machine. */
const SLOW = 240_000;

/**
 * Every screen of the console on a phone (390 × 844) with real data from the agent-manager and cloud simulators:
 * nothing runs off the screen sideways, no dialog is clipped, toasts leave the buttons free; and axe finds no
 * serious or critical violation on any screen on the phone in both themes and at desktop width in the dark one.
 */
describe('console on a phone', () => {
  let controller: RunningController;
  let remote: RunningSimulator;
  let hetzner: RunningCloudSimulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: Api;
  let admin: string;
  let clientId: string;
  let agentId: string;
  let jobId: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [remote, hetzner, browser] = await Promise.all([
      startSimulator({
        apiKey: 'phone-remote-key-1234',
        args: ['--git-repository-url', 'https://git.example.com/a.git'],
      }),
      startCloudSimulator('hetzner', ['--boot-ms', '300', '--delete-ms', '100', '--address-prefix', '127.0.43']),
      launchChromium(),
    ]);
    controller = await startController({
      env: {
        CLIENT_HEALTH_INTERVAL: '86400',
        USAGE_FLUSH_INTERVAL_MS: '200',
        HETZNER_API_TOKEN: hetzner.token,
        HETZNER_API_URL: hetzner.url,
        PROVISIONING_ENDPOINT_TEMPLATE: 'http://{ip}:3000',
        PROVISIONING_AGENT_WS_PORT: '8080',
        PROVISIONING_POLL_INTERVAL_MS: '150',
        PROVISIONING_SERVER_TIMEOUT: '20',
        PROVISIONING_HEALTH_TIMEOUT: '20',
      },
    });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    const must = async <T>(call: Promise<{ status: number; text: string; body: T }>, what: string) => {
      const response = await call;
      if (response.status >= 300) throw new Error(`${what} answered ${response.status}: ${response.text}`);
      return response.body;
    };
    const client = await must(
      api.post(
        '/api/clients',
        {
          ...simulatorClient(remote, 'Build farm with a rather long name for a small screen'),
          description: 'The workers that build and test every pull request of the main repository',
        },
        { token: admin },
      ),
      'client create',
    );
    clientId = client.id;
    await must(api.post('/api/clients', simulatorClient(remote, 'Spare farm'), { token: admin }), 'spare create');
    const agent = await must(
      api.post(
        `/api/clients/${clientId}/agents`,
        { name: 'Ada', description: 'Reviews pull requests' },
        { token: admin },
      ),
      'agent create',
    );
    agentId = agent.id;
    const agentPath = `/api/clients/${clientId}/agents/${agentId}`;
    await must(
      api.post(
        `${agentPath}/environment`,
        { variable: 'A_RATHER_LONG_VARIABLE_NAME_FOR_A_PHONE', content: 'https://example.com/a/long/value/'.repeat(3) },
        { token: admin },
      ),
      'variable create',
    );
    await must(
      api.post(
        `${agentPath}/deployments/configuration`,
        { providerType: 'github', repositoryId: 'acme/app', providerToken: 'ghp_test', defaultBranch: 'main' },
        { token: admin },
      ),
      'deployments configure',
    );
    await must(api.post('/api/users', { email: MEMBER, password: PASSWORD }, { token: admin }), 'user create');
    await must(
      api.post(`/api/clients/${clientId}/users`, { email: MEMBER, role: 'user' }, { token: admin }),
      'member add',
    );
    // A provisioning job for the job page (the cloud simulator's server runs an agent-manager: it succeeds).
    const job = await must(
      api.post(
        '/api/clients/provisioning/provision',
        {
          providerType: 'hetzner',
          serverType: 'cx23',
          location: 'fsn1',
          name: 'Provisioned from a phone',
          authenticationType: 'api_key',
          gitRepositoryUrl: 'https://git.example.com/agents.git',
        },
        { token: admin },
      ),
      'provision',
    );
    jobId = job.id;
    // Some proxied traffic, so the usage tab has numbers.
    for (let call = 0; call < 3; call++) await api.get(`/api/clients/${clientId}/agents`, { token: admin });

    context = await browser.newContext({ viewport: VIEWPORTS.phone });
    await context.addInitScript((token) => sessionStorage.setItem('agent-controller.credential', token), admin);
    page = await context.newPage();
    page.on('console', (message) => {
      // The delete dialog asks whether the client runs on a cloud server: a 404 is its "no" (the browser logs it).
      if (message.type() === 'error' && !message.location().url.endsWith('/provisioning/info'))
        consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([controller?.stop(), remote?.stop(), hetzner?.stop()]);
  });

  /** Animations (dialogs, tabs, menus) done, so boxes and colours are final; endless ones (progress bars) aside. */
  async function settled(target: Page = page): Promise<void> {
    await target.waitForFunction(() =>
      document
        .getAnimations()
        .every(
          (animation) => animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity,
        ),
    );
  }

  /**
   * The screen as it is now: its layout at phone width, then axe (AXE_RUNS).
   * Returns every problem, each naming the screen, so one run lists them all.
   */
  async function check(screen: string, target: Page = page): Promise<string[]> {
    const problems: string[] = [];
    await target.setViewportSize(VIEWPORTS.phone);
    await settled(target);
    problems.push(...(await layoutProblems(target)).map((problem) => `${screen} at 390 px: ${problem}`));
    for (const [size, colorScheme] of AXE_RUNS) {
      await target.setViewportSize(VIEWPORTS[size]);
      await target.emulateMedia({ colorScheme });
      await settled(target);
      const violations = await seriousViolations(target);
      problems.push(...violations.map((violation) => `${screen} (${size}, ${colorScheme}): axe ${violation}`));
    }
    await target.emulateMedia({ colorScheme: 'light' });
    await target.setViewportSize(VIEWPORTS.phone);
    await settled(target);
    return problems;
  }

  async function phoneScreenshot(name: string): Promise<void> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `phone-${name}.png`), fullPage: true });
  }

  async function desktopScreenshot(name: string): Promise<void> {
    await page.setViewportSize(VIEWPORTS.desktop);
    await settled();
    await page.screenshot({ path: join(SCREENSHOT_DIR, `desktop-${name}.png`), fullPage: true });
    await page.setViewportSize(VIEWPORTS.phone);
    await settled();
  }

  /** Opens a dialog with `button`, checks it, and closes it with `close` (its cancel button). */
  async function checkDialog(screen: string, button: string, close = 'Cancel'): Promise<string[]> {
    await page.getByRole('button', { name: button, exact: true }).click();
    const dialog = await openedDialog(page);
    const problems = await check(screen);
    await dialog.getByRole('button', { name: close, exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    return problems;
  }

  it(
    'signs in on a phone',
    async () => {
      const signedOut = await browser.newContext({ viewport: VIEWPORTS.phone });
      const login = await signedOut.newPage();
      await login.goto(`${controller.baseUrl}/login`);
      await login.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await check('sign-in', login)).toEqual([]);
      await signedOut.close();
    },
    SLOW,
  );

  it(
    'navigates with the menu button instead of a wrapping header',
    async () => {
      await page.goto(`${controller.baseUrl}/clients`);
      await page.getByRole('link', { name: 'Spare farm' }).first().waitFor();
      const header = await page.locator('mat-toolbar').boundingBox();
      expect(header?.height).toBeLessThanOrEqual(64);
      // The navigation is behind the menu button, not in the toolbar.
      expect(await page.locator('mat-toolbar').getByRole('link', { name: 'Audit' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Menu' }).click();
      const menu = page.getByRole('menu');
      await menu.getByRole('menuitem', { name: 'Audit' }).waitFor();
      expect(await check('menu')).toEqual([]);
      // The check looked at desktop width too, where the menu button (and its open menu) gives way to links.
      if (!(await menu.isVisible())) await page.getByRole('button', { name: 'Menu' }).click();
      await menu.getByRole('menuitem', { name: 'Audit' }).click();
      await page.waitForURL('**/audit');
      await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();

      // At desktop width the same links are in the toolbar.
      await page.setViewportSize(VIEWPORTS.desktop);
      await page.locator('mat-toolbar').getByRole('link', { name: 'Clients' }).click();
      await page.waitForURL('**/clients');
      await page.setViewportSize(VIEWPORTS.phone);
      await page.getByRole('button', { name: 'Menu' }).waitFor();
    },
    SLOW,
  );

  it('follows the system theme unless the user chose one, and remembers the choice', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    // The theme applies on the next change detection after a choice: wait for the colour, then compare.
    const backgroundBecomes = (colour: string) =>
      page.waitForFunction((expected) => getComputedStyle(document.body).backgroundColor === expected, colour);
    await page.goto(`${controller.baseUrl}/clients`);
    await page.getByRole('link', { name: 'Spare farm' }).first().waitFor();
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    expect(dark).not.toBe(light);

    // Chosen light: the system's dark setting no longer applies, also after a reload.
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('menuitemradio', { name: 'Light theme' }).click();
    await backgroundBecomes(light);
    await page.reload();
    await page.getByRole('link', { name: 'Spare farm' }).first().waitFor();
    expect(await background()).toBe(light);
    await page.getByRole('button', { name: 'Menu' }).click();
    expect(await page.getByRole('menuitemradio', { name: 'Light theme' }).getAttribute('aria-checked')).toBe('true');
    await page.getByRole('menuitemradio', { name: 'Dark theme' }).click();
    await page.emulateMedia({ colorScheme: 'light' });
    await backgroundBecomes(dark);
    await settled();
    await phoneScreenshot('clients-dark');

    // Back to the system's setting.
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('menuitemradio', { name: 'System theme' }).click();
    await backgroundBecomes(light);
    expect(await page.evaluate(() => localStorage.getItem('agent-controller.theme'))).toBeNull();
  });

  it(
    'fits the fleet overview',
    async () => {
      await page.goto(`${controller.baseUrl}/`);
      await page.getByRole('heading', { name: 'Fleet overview', level: 1 }).waitFor();
      await page.getByRole('heading', { name: /Busiest clients/ }).waitFor();
      await page.waitForFunction(() => document.querySelector('main mat-progress-bar') === null);
      const problems = await check('fleet overview');
      await phoneScreenshot('overview');
      expect(problems).toEqual([]);
    },
    SLOW,
  );

  it(
    'fits the fleet agents page',
    async () => {
      await page.goto(`${controller.baseUrl}/agents`);
      await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
      await page.waitForFunction(() => document.querySelector('main mat-progress-bar') === null);
      expect(await check('fleet agents')).toEqual([]);
    },
    SLOW,
  );

  it(
    'fits the clients list',
    async () => {
      await page.goto(`${controller.baseUrl}/clients`);
      await page.getByRole('link', { name: 'Spare farm' }).first().waitFor();
      const problems = await check('clients list');
      await phoneScreenshot('clients');
      await desktopScreenshot('clients');
      problems.push(...(await checkDialog('add client dialog', 'Add client')));
      expect(problems).toEqual([]);
    },
    SLOW,
  );

  it(
    'fits the client detail and each of its tabs',
    async () => {
      await page.goto(`${controller.baseUrl}/clients/${clientId}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Verify now' }).waitFor();
      const problems = await check('client overview');
      await phoneScreenshot('client-detail');
      for (const tab of ['Health', 'Usage', 'Members', 'Audit']) {
        await page.getByRole('tab', { name: tab }).click();
        await page.getByRole('tabpanel').waitFor();
        await page.locator('mat-tab-body.mat-mdc-tab-body-active mat-progress-bar').waitFor({ state: 'detached' });
        problems.push(...(await check(`client ${tab} tab`)));
      }
      expect(problems).toEqual([]);
    },
    SLOW,
  );

  it(
    "fits the client's dialogs",
    async () => {
      await page.goto(`${controller.baseUrl}/clients/${clientId}`);
      await page.getByRole('button', { name: 'Verify now' }).waitFor();
      const problems = await checkDialog('edit client dialog', 'Edit');
      problems.push(...(await checkDialog('rotate key dialog', 'Rotate key')));
      problems.push(...(await checkDialog('delete client dialog', 'Delete client')));
      expect(problems).toEqual([]);
    },
    SLOW,
  );

  it(
    'keeps toasts off the buttons',
    async () => {
      await page.goto(`${controller.baseUrl}/clients/${clientId}`);
      await page.getByRole('button', { name: 'Verify now' }).click();
      const toast = page.locator('.mat-mdc-snack-bar-container');
      await toast.waitFor();
      await settled();
      expect(await controlsUnderToast(page)).toEqual([]);
    },
    SLOW,
  );

  it(
    "fits a client's agents list and its create dialog",
    async () => {
      await page.goto(`${controller.baseUrl}/clients/${clientId}/agents`);
      await page.getByRole('link', { name: 'Ada', exact: true }).waitFor();
      const problems = await check('agents list');
      problems.push(...(await checkDialog('create agent dialog', 'Create agent')));
      expect(problems).toEqual([]);
    },
    SLOW,
  );

  it(
    'fits the agent detail, each tab and its dialogs',
    async () => {
      await page.goto(`${controller.baseUrl}/clients/${clientId}/agents/${agentId}`);
      await page.getByRole('heading', { name: 'Ada', level: 1 }).waitFor();
      await page.getByRole('list', { name: 'Environment variables' }).waitFor();
      await page.getByRole('checkbox', { name: 'Show values' }).check();
      const problems = await check('agent environment tab');
      problems.push(...(await checkDialog('add variable dialog', 'Add variable')));
      problems.push(...(await checkDialog('edit agent dialog', 'Edit')));
      problems.push(...(await checkDialog('store credentials dialog', 'Store credentials')));

      await page.getByRole('tab', { name: 'Files' }).click();
      const tree = page.getByRole('navigation', { name: 'Workspace files' });
      await tree.getByRole('button', { name: 'README.md', exact: true }).click();
      await page.getByLabel('Content of README.md').waitFor();
      problems.push(...(await check('agent files tab')));
      problems.push(...(await checkDialog('new file dialog', 'New file')));

      await page.getByRole('tab', { name: 'Git' }).click();
      await page.getByText('On main').waitFor();
      problems.push(...(await check('agent git tab')));

      await page.getByRole('tab', { name: 'Deployments' }).click();
      await page.getByText('acme/app').waitFor();
      await page.getByRole('button', { name: 'Trigger' }).click();
      await page
        .getByRole('button', { name: /^Details of run/ })
        .first()
        .click();
      await page.getByRole('region', { name: /^Run / }).getByLabel('Run logs').waitFor();
      problems.push(...(await check('agent deployments tab')));
      expect(problems).toEqual([]);
    },
    SLOW,
  );

  it(
    'fits the chat and the terminal',
    async () => {
      await page.goto(`${controller.baseUrl}/clients/${clientId}/agents/${agentId}/chat`);
      await page.getByRole('status').getByText('Connected').waitFor();
      await page.getByLabel('Message').fill('hello from a phone');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByText('Simulated agent reply to: hello from a phone').waitFor();
      const problems = await check('chat');

      await page.getByRole('button', { name: 'Open terminal' }).click();
      const terminal = page.getByRole('region', { name: 'Terminal', exact: true });
      await terminal.locator('.xterm-rows').waitFor();
      await page.keyboard.type('echo a line longer than the narrow screen of a phone is wide');
      await terminal.locator('.xterm-rows').getByText('echo a line').first().waitFor();
      problems.push(...(await check('terminal')));
      // The terminal's columns fit its box: its screen is no wider than the region that holds it.
      const [screenWidth, regionWidth] = await terminal.evaluate((region) => [
        region.querySelector('.xterm-screen')?.getBoundingClientRect().width ?? Infinity,
        region.getBoundingClientRect().width,
      ]);
      expect(screenWidth).toBeLessThanOrEqual(regionWidth);
      await phoneScreenshot('terminal');
      await page.getByRole('button', { name: 'Close terminal' }).click();
      expect(problems).toEqual([]);
    },
    SLOW,
  );

  it(
    'fits the provisioning wizard and a job page',
    async () => {
      await page.goto(`${controller.baseUrl}/provisioning`);
      await page.getByRole('radio', { name: 'Hetzner Cloud' }).waitFor();
      const problems = await check('provisioning: provider');
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByRole('radio', { name: /Falkenstein/ }).check();
      problems.push(...(await check('provisioning: location')));
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByRole('radio', { name: /cx23/ }).check();
      problems.push(...(await check('provisioning: server type')));
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByLabel('Client name').fill('Phone farm');
      problems.push(...(await check('provisioning: client settings')));
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.locator('dl.review').getByText('Phone farm').waitFor();
      problems.push(...(await check('provisioning: review')));

      await page.goto(`${controller.baseUrl}/provisioning/jobs/${jobId}`);
      await page.locator('ol.steps li').first().waitFor();
      problems.push(...(await check('provisioning job')));
      expect(problems).toEqual([]);
    },
    SLOW,
  );

  it(
    'fits the audit log, the users and their dialogs',
    async () => {
      await page.goto(`${controller.baseUrl}/audit`);
      await page.getByText('client.create').first().waitFor();
      const problems = await check('audit log');

      await page.goto(`${controller.baseUrl}/users`);
      await page.getByText(MEMBER).first().waitFor();
      problems.push(...(await check('users')));
      problems.push(...(await checkDialog('create user dialog', 'Create user')));

      await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('menuitem', { name: 'Change password' }).click();
      const dialog = await openedDialog(page);
      problems.push(...(await check('change password dialog')));
      await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(problems).toEqual([]);
      expect(consoleErrors).toEqual([]);
    },
    SLOW,
  );
});
