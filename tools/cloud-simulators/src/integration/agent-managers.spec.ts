import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { AgentManagerInfo } from '../core/machines';
import type { ProviderSimulatorHandle } from '../core/provider-simulator';
import { type CloudSimulatorsHandle, startCloudSimulators } from '../simulators';
import { cloudConfig, CONTROL_TOKEN, control, type Json, send, TOKEN, waitFor } from '../testing/helpers';

/**
 * Real agent-manager simulators (dist/tools/agent-manager-simulator/main.js, built by the test target's
 * dependency) booted by simulated servers on their own loopback addresses.
 */
const REPO = 'https://git.example.com/acme/agents.git';
const BOOT_TIMEOUT = 20_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function agentManagerOf(sim: ProviderSimulatorHandle, id: number, until: (info: AgentManagerInfo) => boolean) {
  return waitFor(
    async () => {
      const server = (await control(sim.controlUrl, 'GET', `/servers/${id}`)).body as {
        agentManager: AgentManagerInfo;
      };
      return until(server.agentManager) && server.agentManager;
    },
    `the agent-manager of server ${id}`,
    BOOT_TIMEOUT,
  );
}

const settled = (info: AgentManagerInfo): boolean => !['waiting', 'starting'].includes(info.status);

describe('agent-managers booted by simulated servers', () => {
  jest.setTimeout(60_000);
  let sims: CloudSimulatorsHandle;
  let hetzner: ProviderSimulatorHandle;
  let digitalocean: ProviderSimulatorHandle;
  let bootstrap: Server;
  let bootstrapUrl: string;
  const bootstrapAuth: (string | undefined)[] = [];

  beforeAll(async () => {
    bootstrap = createServer((req, res) => {
      bootstrapAuth.push(req.headers.authorization);
      if (req.headers.authorization !== 'Bearer good-token') {
        res.writeHead(401).end('unknown token');
        return;
      }
      res
        .writeHead(200, { 'Content-Type': 'text/plain' })
        .end(`STATIC_API_KEY=bootstrapped-key\nGIT_REPOSITORY_URL=${REPO}\n`);
    });
    await new Promise<void>((resolve) => bootstrap.listen(0, '127.0.0.1', resolve));
    bootstrapUrl = `http://127.0.0.1:${(bootstrap.address() as AddressInfo).port}/bootstrap/42`;
    sims = await startCloudSimulators({
      token: TOKEN,
      controlToken: CONTROL_TOKEN,
      bootMs: 200,
      agentManager: { addressPrefix: '127.0.3', bootstrapAttempts: 2, bootstrapRetryMs: 50 },
    });
    hetzner = sims.hetzner as ProviderSimulatorHandle;
    digitalocean = sims.digitalocean as ProviderSimulatorHandle;
  });

  afterAll(async () => {
    await sims?.close();
    await new Promise<void>((resolve) => bootstrap.close(() => resolve()));
  });

  const createHetzner = async (name: string, userData: string): Promise<Json> => {
    const reply = await send(`${hetzner.url}/servers`, 'POST', {
      body: {
        name,
        server_type: 'cpx22',
        image: 'ubuntu-24.04',
        location: 'ash',
        ssh_keys: ['k'],
        user_data: userData,
      },
    });
    expect(reply.status).toBe(201);
    return reply.body.server;
  };

  const createDroplet = async (name: string, userData: string): Promise<Json> => {
    const reply = await send(`${digitalocean.url}/v2/droplets`, 'POST', {
      body: { name, size: 's-1vcpu-1gb', image: 'ubuntu-24-04-x64', region: 'ams3', user_data: userData },
    });
    expect(reply.status).toBe(202);
    return reply.body.droplet;
  };

  it('Hetzner: the .env of write_files starts an agent-manager on the server IPv4; delete stops it', async () => {
    const server = await createHetzner(
      'am-1',
      cloudConfig({ env: { STATIC_API_KEY: 'written-key', GIT_REPOSITORY_URL: REPO } }),
    );
    const ip = server.public_net.ipv4.ip as string;
    expect(ip).toMatch(/^127\.0\.3\.\d+$/);
    const info = await agentManagerOf(hetzner, server.id, settled);
    expect(info).toMatchObject({ status: 'running', envSource: 'write_files', gitRepositoryUrl: REPO });
    expect(info.endpoint?.url).toBe(`http://${ip}:3000`);
    expect(info.endpoint?.wsUrl).toBe(`http://${ip}:8080/agents`);

    expect((await fetch(`http://${ip}:3000/api/health`)).status).toBe(200);
    const config = await send(`http://${ip}:3000/api/config`, 'GET', { token: 'written-key' });
    expect(config).toMatchObject({ status: 200, body: { gitRepositoryUrl: REPO } });
    expect((await send(`http://${ip}:3000/api/config`, 'GET', { token: 'other' })).status).toBe(401);
    expect((await send(`${hetzner.url}/servers/${server.id}`, 'GET')).body.server.status).toBe('running');

    const pid = info.endpoint?.pid as number;
    expect(isAlive(pid)).toBe(true);
    expect((await send(`${hetzner.url}/servers/${server.id}`, 'DELETE')).status).toBe(200);
    await waitFor(() => !isAlive(pid), 'the agent-manager to exit');
    await expect(fetch(`http://${ip}:3000/api/health`)).rejects.toThrow();
  });

  it('starts with values that begin with "-" (generated keys and tokens may), which must not read as options', async () => {
    const server = await createHetzner('am-dash', cloudConfig({ env: { STATIC_API_KEY: '-leading-dash-key' } }));
    const info = await agentManagerOf(hetzner, server.id, settled);
    expect(info).toMatchObject({ status: 'running' });
    const ip = server.public_net.ipv4.ip as string;
    expect((await send(`http://${ip}:3000/api/config`, 'GET', { token: '-leading-dash-key' })).status).toBe(200);
  });

  it('DigitalOcean: bootstrap.json makes the server fetch its environment with the bearer token', async () => {
    const droplet = await createDroplet('am-2', cloudConfig({ bootstrap: { url: bootstrapUrl, token: 'good-token' } }));
    const info = await agentManagerOf(digitalocean, droplet.id, settled);
    expect(info).toMatchObject({ status: 'running', envSource: 'bootstrap', bootstrapUrl, gitRepositoryUrl: REPO });
    expect(bootstrapAuth).toContain('Bearer good-token');
    const active = (await send(`${digitalocean.url}/v2/droplets/${droplet.id}`, 'GET')).body.droplet;
    const ip = active.networks.v4.find((network: Json) => network.type === 'public').ip_address;
    expect(info.endpoint?.url).toBe(`http://${ip}:3000`);
    const config = await send(`http://${ip}:3000/api/config`, 'GET', { token: 'bootstrapped-key' });
    expect(config).toMatchObject({ status: 200, body: { gitRepositoryUrl: REPO } });
  });

  it('a refused bootstrap leaves the server running without an agent-manager, saying why', async () => {
    const droplet = await createDroplet('am-3', cloudConfig({ bootstrap: { url: bootstrapUrl, token: 'bad-token' } }));
    const info = await agentManagerOf(digitalocean, droplet.id, settled);
    expect(info).toMatchObject({ status: 'no-env', reason: 'bootstrap fetch answered 401', endpoint: null });
  });

  it('fault neverHealthyNext: the server runs, but nothing answers on its address', async () => {
    await control(hetzner.controlUrl, 'POST', '/faults', { neverHealthyNext: 1 });
    const server = await createHetzner('am-4', cloudConfig({ env: { STATIC_API_KEY: 'k' } }));
    const info = await agentManagerOf(hetzner, server.id, settled);
    expect(info.status).toBe('skipped');
    expect((await send(`${hetzner.url}/servers/${server.id}`, 'GET')).body.server.status).toBe('running');
    await expect(fetch(`http://${server.public_net.ipv4.ip}:3000/api/health`)).rejects.toThrow();
  });

  it('reset and close stop every agent-manager', async () => {
    const server = await createHetzner('am-5', cloudConfig({ env: { STATIC_API_KEY: 'k' } }));
    const droplet = await createDroplet('am-5', cloudConfig({ env: { STATIC_API_KEY: 'k' } }));
    const [first, second] = await Promise.all([
      agentManagerOf(hetzner, server.id, settled),
      agentManagerOf(digitalocean, droplet.id, settled),
    ]);
    const pids = [first.endpoint?.pid as number, second.endpoint?.pid as number];
    expect(pids.every(isAlive)).toBe(true);
    expect((await control(hetzner.controlUrl, 'POST', '/reset')).body.servers).toEqual([]);
    await waitFor(() => !isAlive(pids[0] as number), 'the reset to stop the agent-manager');
    expect(isAlive(pids[1] as number)).toBe(true);
    await sims.close();
    expect(isAlive(pids[1] as number)).toBe(false);
  });
});
