import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openedDialog, screenshots, seriousViolations } from '../support/browser';
import { RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

const MEMBER = 'agent.reader@example.com';
const PASSWORD = 'correct horse battery';

/**
 * The agent detail screen in Debian's Chromium against the controller and the agent-manager simulator:
 * environment (edit, add, delete), files (browse, edit, save, read back), git (status, diff, stage, commit,
 * push, fetch, delete a branch, verify commands) and deployments (not configured, then a triggered run, its
 * job logs, the configuration edited); editing the agent and storing its credentials; a manager's configuration
 * files; axe on every tab and dialog; a client `user` sees no environment writes and no management actions.
 */
describe('console agent detail in a browser', () => {
  let controller: RunningController;
  let remote: RunningSimulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: Api;
  let admin: string;
  let clientId: string;
  let agentId: string;
  const consoleErrors: string[] = [];

  const agentPath = () => `/api/clients/${clientId}/agents/${agentId}`;

  beforeAll(async () => {
    [controller, remote, browser] = await Promise.all([
      startController({ env: { CLIENT_HEALTH_INTERVAL: '86400' } }),
      startSimulator({
        apiKey: 'agent-detail-key-1234',
        args: ['--git-repository-url', 'https://git.example.com/a.git'],
      }),
      launchChromium(),
    ]);
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    const client = await api.post(
      '/api/clients',
      {
        name: 'Detail farm',
        endpoint: remote.url,
        authenticationType: 'api_key',
        apiKey: remote.apiKey,
        agentWsPort: remote.wsPort,
      },
      { token: admin },
    );
    if (client.status !== 201) throw new Error(`client create answered ${client.status}: ${client.text}`);
    clientId = client.body.id;
    const agent = await api.post(`/api/clients/${clientId}/agents`, { name: 'Ada' }, { token: admin });
    if (agent.status !== 201) throw new Error(`agent create answered ${agent.status}: ${agent.text}`);
    agentId = agent.body.id;
    const variable = await api.post(
      `${agentPath()}/environment`,
      { variable: 'FOO', content: 'one' },
      { token: admin },
    );
    if (variable.status !== 201) throw new Error(`env create answered ${variable.status}: ${variable.text}`);

    context = await browser.newContext();
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

  async function expectAccessible(target: Page = page): Promise<void> {
    // axe reads colours: wait until dialogs and tabs have finished animating.
    await target.waitForFunction(() =>
      document.getAnimations().every((animation) => animation.playState !== 'running'),
    );
    expect(await seriousViolations(target)).toEqual([]);
  }

  async function confirmDialog(title: string, button: string): Promise<void> {
    const dialog = await openedDialog(page);
    await dialog.getByRole('heading', { name: title }).waitFor();
    await expectAccessible();
    await dialog.getByRole('button', { name: button }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  it('opens the agent from the agents list', async () => {
    await page.goto(`${controller.baseUrl}/clients/${clientId}/agents`);
    await page.getByRole('link', { name: 'Ada', exact: true }).click();
    await page.waitForURL(`**/clients/${clientId}/agents/${agentId}`);
    await page.getByRole('heading', { name: 'Ada', level: 1 }).waitFor();
    expect(await page.title()).toBe('Agent · Agent Controller');
    expect(await page.getByRole('link', { name: 'Chat with Ada' }).getAttribute('href')).toBe(
      `/clients/${clientId}/agents/${agentId}/chat`,
    );
    expect(await page.getByRole('tab', { name: 'Environment' }).getAttribute('aria-selected')).toBe('true');
  });

  it('edits the agent and stores its credentials', async () => {
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    let dialog = await openedDialog(page);
    await dialog.getByRole('heading', { name: 'Edit Ada' }).waitFor();
    expect(await dialog.getByLabel('Name').inputValue()).toBe('Ada');
    await dialog.getByLabel('Description').fill('Reviews pull requests');
    await expectAccessible();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Reviews pull requests').waitFor();
    await page.getByText('Ada saved').waitFor();
    const stored = await api.get(agentPath(), { token: admin });
    expect(stored.body).toMatchObject({ name: 'Ada', description: 'Reviews pull requests' });

    await page.getByRole('button', { name: 'Store credentials', exact: true }).click();
    dialog = await openedDialog(page);
    await dialog.getByRole('heading', { name: 'Store credentials of Ada' }).waitFor();
    const password = dialog.getByLabel('Agent password');
    expect(await password.getAttribute('type')).toBe('password');
    await password.fill('a-password-from-elsewhere');
    await expectAccessible();
    await dialog.getByRole('button', { name: 'Store credentials' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Credentials of Ada stored').waitFor();
  });

  it('edits, adds and deletes environment variables', async () => {
    const list = page.getByRole('list', { name: 'Environment variables' });
    await list.getByText('FOO').waitFor();
    await page.getByRole('checkbox', { name: 'Show values' }).check();
    await list.getByText('one', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Edit FOO' }).click();
    let dialog = await openedDialog(page);
    await dialog.getByRole('heading', { name: 'Edit FOO' }).waitFor();
    await dialog.getByLabel('Value').fill('changed');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await list.getByText('changed', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Add variable' }).click();
    dialog = await openedDialog(page);
    await dialog.getByLabel('Name').fill('9BAD');
    await dialog.getByLabel('Value').click();
    await dialog.getByText('Letters, digits and _').waitFor();
    await dialog.getByLabel('Name').fill('BAR');
    await dialog.getByLabel('Value').fill('two');
    await expectAccessible();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await list.getByText('BAR').waitFor();
    await expectAccessible();
    await screenshots(page, '26-agent-environment');

    await page.getByRole('button', { name: 'Delete BAR' }).click();
    await confirmDialog('Delete BAR?', 'Delete BAR');
    await page.getByText('BAR deleted').waitFor();
    await list.getByText('BAR').waitFor({ state: 'detached' });

    const stored = await api.get(`${agentPath()}/environment`, { token: admin });
    expect(stored.body.map((v: { variable: string; content: string }) => [v.variable, v.content])).toEqual([
      ['FOO', 'changed'],
    ]);
  });

  it('browses the files, edits one, saves it and reads the change back', async () => {
    await page.getByRole('tab', { name: 'Files' }).click();
    await page.waitForURL('**?tab=files');
    const tree = page.getByRole('navigation', { name: 'Workspace files' });
    await tree.getByRole('button', { name: 'README.md', exact: true }).waitFor();
    const folder = tree.getByRole('button', { name: 'src', exact: true });
    expect(await folder.getAttribute('aria-expanded')).toBe('false');
    await folder.click();
    // The console renders after the click returns (zoneless change detection): wait for it, do not read at once.
    await tree.getByRole('button', { name: 'src', exact: true, expanded: true }).waitFor();
    await tree.getByRole('button', { name: 'index.ts', exact: true }).click();
    const editor = page.getByLabel('Content of src/index.ts');
    await editor.waitFor();
    expect(await editor.inputValue()).toContain('hello from the simulator');

    const edited = "export const greeting = 'hello from the console';\n";
    await editor.fill(edited);
    await page.getByText('Unsaved').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('src/index.ts saved').waitFor();
    await page.getByText('Unsaved').waitFor({ state: 'detached' });

    // Read back: close the file, open it again from the remote.
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText('Select a file to open it.').waitFor();
    await tree.getByRole('button', { name: 'index.ts', exact: true }).click();
    await page.getByLabel('Content of src/index.ts').waitFor();
    expect(await page.getByLabel('Content of src/index.ts').inputValue()).toBe(edited);
    const stored = await api.get(`${agentPath()}/files/src/index.ts`, { token: admin });
    expect(stored.body.content).toBe(edited);

    await page.getByRole('button', { name: 'New file', exact: true }).click();
    const dialog = await openedDialog(page);
    await dialog.getByLabel('File name').fill('notes.md');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByLabel('Content of notes.md').waitFor();
    await tree.getByRole('button', { name: 'notes.md', exact: true }).waitFor();
    await expectAccessible();
    await screenshots(page, '27-agent-files');
  });

  it('lets a manager switch to the configuration files', async () => {
    await page.getByRole('button', { name: 'Configuration files' }).click();
    const tree = page.getByRole('navigation', { name: 'Configuration files' });
    await tree.getByRole('button', { name: 'settings.json', exact: true }).click();
    const editor = page.getByLabel('Content of settings.json');
    await editor.waitFor();
    expect(await editor.inputValue()).toContain('"theme"');
    expect(await page.getByRole('button', { name: 'Configuration files' }).getAttribute('aria-pressed')).toBe('true');
    await expectAccessible();
    await page.getByRole('button', { name: 'Workspace files' }).click();
    await page
      .getByRole('navigation', { name: 'Workspace files' })
      .getByRole('button', { name: 'README.md', exact: true })
      .waitFor();
  });

  it('shows the git status, stages, commits and pushes', async () => {
    await page.getByRole('tab', { name: 'Git' }).click();
    await page.getByText('On main').waitFor();
    await page.getByRole('button', { name: 'Stage src/index.ts' }).waitFor();
    await page.getByRole('button', { name: 'Stage notes.md' }).waitFor();
    await page.getByRole('button', { name: 'Diff of src/index.ts' }).click();
    const diff = page.getByRole('region', { name: 'Diff of src/index.ts' });
    await diff.getByText("export const greeting = 'hello from the console';").waitFor();

    await page.getByRole('button', { name: 'Stage src/index.ts' }).click();
    await page.getByRole('button', { name: 'Unstage src/index.ts' }).waitFor();
    await page.getByLabel('Commit message').fill('Greet from the console');
    await page.getByRole('button', { name: 'Commit', exact: true }).click();
    await page.getByText('Committed').waitFor();
    await page.getByText('1 ahead').waitFor();
    await expectAccessible();
    await screenshots(page, '28-agent-git');

    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await page.getByText('Pushed').waitFor();
    await page.getByText('0 ahead').waitFor();
    const status = await api.get(`${agentPath()}/vcs/status`, { token: admin });
    expect(status.body.aheadCount).toBe(0);
    expect(status.body.files.map((file: { path: string }) => file.path)).toEqual(['notes.md']);
    const branches = await api.get(`${agentPath()}/vcs/branches`, { token: admin });
    const origin = branches.body.find((branch: { name: string }) => branch.name === 'origin/main');
    expect(origin.message).toBe('Greet from the console');
  });

  it('fetches, deletes a branch and runs verify commands', async () => {
    const created = await api.post(`${agentPath()}/vcs/branches`, { name: 'old-work' }, { token: admin });
    expect(created.status).toBe(201);
    await page.getByRole('button', { name: 'Fetch', exact: true }).click();
    await page.getByText('Fetched').waitFor();
    await page.getByRole('button', { name: 'Delete branch old-work' }).click();
    await confirmDialog('Delete branch old-work?', 'Delete branch old-work');
    await page.getByText('Branch old-work deleted').waitFor();
    const branches = await api.get(`${agentPath()}/vcs/branches`, { token: admin });
    expect(branches.body.map((branch: { name: string }) => branch.name)).not.toContain('old-work');
    await page.getByText('No conflicted files.').waitFor();

    await page.getByLabel('Commands, one per line').fill('npm test\nnpm run lint');
    await page.getByRole('button', { name: 'Run commands' }).click();
    await page.getByText('2 commands run, all passed.').waitFor();
    await page.getByRole('region', { name: 'Output of npm run lint' }).getByText('simulated: exit 0').waitFor();
    await expectAccessible();
  });

  it('says when deployments are not configured, then triggers a run and shows its jobs and logs', async () => {
    await page.getByRole('tab', { name: 'Deployments' }).click();
    await page.getByRole('heading', { name: 'Deployments are not configured' }).waitFor();
    await expectAccessible();

    const configured = await api.post(
      `${agentPath()}/deployments/configuration`,
      { providerType: 'github', repositoryId: 'acme/app', providerToken: 'ghp_test', defaultBranch: 'main' },
      { token: admin },
    );
    expect(configured.status).toBe(201);
    await page.reload();
    await page.getByText('acme/app').waitFor();
    await page.getByText('No runs yet.').waitFor();
    await page.getByRole('button', { name: 'Trigger' }).click();
    await page.getByText('Workflow ci.yml triggered on main').waitFor();
    await page.getByRole('button', { name: /^Details of run CI/ }).click();
    const detail = page.getByRole('region', { name: /^Run CI/ });
    await detail.getByText('build').waitFor();
    await detail
      .getByLabel('Run logs')
      .getByText(/Run CI/)
      .waitFor();
    await expectAccessible();
    await screenshots(page, '29-agent-deployments');

    await page.getByRole('button', { name: /^Cancel run CI/ }).click();
    await confirmDialog('Cancel run CI?', 'Cancel run CI');
    await page.getByText('Run CI cancelled').waitFor();
  });

  it("shows a job's logs and lets a manager edit the deployment configuration", async () => {
    const detail = page.getByRole('region', { name: /^Run CI/ });
    await detail.getByRole('button', { name: 'Logs of job build' }).click();
    await detail.getByRole('region', { name: 'Logs of job build' }).getByText('job build:').waitFor();
    await expectAccessible();

    await page.getByRole('button', { name: 'Edit configuration' }).click();
    const form = page.getByRole('region', { name: 'Deployment configuration' });
    expect(await form.getByLabel('Repository').inputValue()).toBe('acme/app');
    const token = form.getByLabel('Provider token');
    expect(await token.getAttribute('type')).toBe('password');
    expect(await token.inputValue()).toBe('');
    await form.getByLabel('Workflow').fill('deploy.yml');
    await token.fill('ghp_rotated');
    await expectAccessible();
    await form.getByRole('button', { name: 'Save configuration' }).click();
    await page.getByText('Deployment configuration updated').waitFor();
    const stored = await api.get(`${agentPath()}/deployments/configuration`, { token: admin });
    expect(stored.body).toMatchObject({ repositoryId: 'acme/app', workflowId: 'deploy.yml' });
    expect(JSON.stringify(stored.body)).not.toContain('ghp_');
    expect(consoleErrors).toEqual([]);
  });

  it('shows a client user the environment without write actions', async () => {
    expect((await api.post('/api/users', { email: MEMBER, password: PASSWORD }, { token: admin })).status).toBe(201);
    const added = await api.post(`/api/clients/${clientId}/users`, { email: MEMBER, role: 'user' }, { token: admin });
    expect(added.status).toBe(201);
    const token = (await api.post('/api/auth/login', { email: MEMBER, password: PASSWORD })).body.accessToken;
    const memberContext = await browser.newContext();
    await memberContext.addInitScript(
      (credential) => sessionStorage.setItem('agent-controller.credential', credential),
      token,
    );
    const memberPage = await memberContext.newPage();
    await memberPage.goto(`${controller.baseUrl}/clients/${clientId}/agents/${agentId}`);
    await memberPage.getByRole('list', { name: 'Environment variables' }).getByText('FOO').waitFor();
    await memberPage.getByText('Changing them needs admin rights').waitFor();
    for (const name of ['Add variable', 'Edit FOO', 'Delete FOO', 'Delete all']) {
      expect(await memberPage.getByRole('button', { name }).count()).toBe(0);
    }
    await expectAccessible(memberPage);
    for (const name of ['Edit', 'Store credentials']) {
      expect(await memberPage.getByRole('button', { name, exact: true }).count()).toBe(0);
    }
    await memberPage.getByRole('tab', { name: 'Files' }).click();
    await memberPage.getByRole('navigation', { name: 'Workspace files' }).getByText('README.md').waitFor();
    expect(await memberPage.getByRole('button', { name: 'Configuration files' }).count()).toBe(0);
    await memberPage.getByRole('tab', { name: 'Deployments' }).click();
    await memberPage.getByText('acme/app').waitFor();
    expect(await memberPage.getByRole('button', { name: 'Edit configuration' }).count()).toBe(0);
    // Git operations are open to members.
    await memberPage.getByRole('tab', { name: 'Git' }).click();
    await memberPage.getByRole('button', { name: 'Stage notes.md' }).waitFor();
    await memberContext.close();
  });
});
