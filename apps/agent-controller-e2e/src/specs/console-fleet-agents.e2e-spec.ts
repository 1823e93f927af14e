import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshots, seriousViolations } from '../support/browser';
import { RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, simulatorClient, startSimulator } from '../support/simulator-process';
import { untilPasses } from '../support/eventually';

/** Polls the API until `check` passes (the prober runs every half second here). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The fleet's Agents page in Debian's Chromium: every agent of two remotes with its client and the snapshot's
 * age, search and filters kept in the URL across a reload, a link to the agent on its client, and the running
 * state once the remote has reported it; axe on each state, screenshots at desktop and phone widths.
 */
describe('console fleet agents in a browser', () => {
  let controller: RunningController;
  let north: RunningSimulator;
  let south: RunningSimulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: Api;
  let token: string;
  let northId: string;
  let adaId: string;

  const rows = () => page.getByRole('table', { name: 'Agents of the fleet' }).getByRole('row');
  const agentNames = async () =>
    (await page.locator('td a.name').allTextContents()).map((name) => name.trim()).filter(Boolean);

  beforeAll(async () => {
    const args = ['--git-repository-url', 'https://git.example.com/fleet.git'];
    [controller, north, south, browser] = await Promise.all([
      startController({ env: { CLIENT_HEALTH_INTERVAL: '1' } }),
      startSimulator({ apiKey: 'north-console-key-1234', args }),
      startSimulator({ apiKey: 'south-console-key-1234', args }),
      launchChromium(),
    ]);
    api = new Api(controller.baseUrl);
    token = await setUpFirstAdmin(api, controller.setupToken());
    const clients = await Promise.all([
      api.post('/api/clients', simulatorClient(north, 'North fleet'), { token }),
      api.post('/api/clients', simulatorClient(south, 'South fleet'), { token }),
    ]);
    const [northClient, southClient] = clients.map((response) => response.body.id as string);
    northId = northClient;
    // Created through the controller, which keeps each password, so the chat can log in and hear the container.
    const create = async (clientId: string, body: Record<string, string>) => {
      const created = await api.post(`/api/clients/${clientId}/agents`, body, { token });
      if (created.status !== 201) throw new Error(`agent create answered ${created.status}: ${created.text}`);
      return created.body.id as string;
    };
    adaId = await create(northClient, { name: 'Ada', description: 'Writes the docs' });
    await create(northClient, { name: 'Bob', agentType: 'opencode' });
    await create(southClient, { name: 'Cy', description: 'Reviews changes' });
    await eventually(
      () => api.get('/api/agents', { token }),
      (answer) => answer.headers.get('x-total-count') === '3',
    );
    context = await browser.newContext();
    await context.addInitScript((credential) => {
      sessionStorage.setItem('agent-controller.credential', credential);
    }, token);
    page = await context.newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([controller?.stop(), north?.stop(), south?.stop()]);
  });

  it('lists every agent of the fleet with its client and the age of the list, from the main navigation', async () => {
    await page.goto(`${controller.baseUrl}/clients`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents', exact: true }).click();
    await page.waitForURL('**/agents');
    await rows().nth(3).waitFor();
    expect(await page.title()).toBe('Agents · Agent Controller');
    expect(await agentNames()).toEqual(['Ada', 'Bob', 'Cy']);
    const ada = page.getByRole('row', { name: /Ada/ });
    expect(await ada.textContent()).toMatch(/Writes the docs.*North fleet.*cursor.*unknown/s);
    // The snapshot's age as a relative time, the exact time on hover.
    expect(await ada.locator('time').last().getAttribute('title')).toBeTruthy();
    expect(await ada.locator('time').last().textContent()).toMatch(/ago|just now|now/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, '45-fleet-agents');
  });

  it('searches and filters by client and type, and keeps them in the URL across a reload', async () => {
    await page.getByLabel('Search').fill('DOCS');
    await page.waitForURL(/search=DOCS/);
    await untilPasses(async () => expect(await agentNames()).toEqual(['Ada']));
    await page.reload();
    await untilPasses(async () => expect(await agentNames()).toEqual(['Ada']));
    expect(await page.getByLabel('Search').inputValue()).toBe('DOCS');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('combobox', { name: 'Client' }).click();
    await page.getByRole('option', { name: 'South fleet' }).click();
    await untilPasses(async () => expect(await agentNames()).toEqual(['Cy']));
    expect(page.url()).toContain('clientId=');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('combobox', { name: 'Type' }).click();
    await page.getByRole('option', { name: 'opencode (1)' }).click();
    await untilPasses(async () => expect(await agentNames()).toEqual(['Bob']));

    await page.getByLabel('Search').fill('nothing like this');
    await page.getByText('No agents match these filters.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, '46-fleet-agents-no-match');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await untilPasses(async () => expect(await agentNames()).toEqual(['Ada', 'Bob', 'Cy']));
  });

  it("opens an agent on its client's agent page", async () => {
    await page.getByRole('link', { name: 'Ada', exact: true }).click();
    await page.waitForURL(`**/clients/${northId}/agents/${adaId}`);
    await page.getByRole('heading', { name: 'Ada', level: 1 }).waitFor();
  });

  it('shows an agent as running once its remote has reported it (while it was open in the chat)', async () => {
    await page.goto(`${controller.baseUrl}/clients/${northId}/agents/${adaId}/chat`);
    await page.getByRole('status').getByText('Connected').waitFor();
    await eventually(
      () => api.get(`/api/agents?clientId=${northId}&search=Ada`, { token }),
      (answer) => answer.body[0]?.running === true,
    );
    await page.goto(`${controller.baseUrl}/agents`);
    const ada = page.getByRole('row', { name: /Ada/ });
    await ada.getByText('running', { exact: true }).waitFor();
    expect(await page.getByRole('row', { name: /Bob/ }).textContent()).toContain('unknown');
  });
});
