import { cloudConfig, waitFor } from '../testing/helpers';

import { AddressPool } from './address-pool';
import type { AgentManagerLaunch, AgentManagerLauncher, AgentManagerProcess } from './agent-manager';
import { actionStateAt, type CreateMachineInput, type MachineAction, MachineStore, phaseAt } from './machines';
import { Scheduler } from './scheduler';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function hetznerLike(overrides: Partial<CreateMachineInput<object>> = {}): CreateMachineInput<object> {
  return {
    name: 'srv',
    attrs: {},
    userData: null,
    bootMs: 1000,
    provisionShare: 0.5,
    startAfterCreate: true,
    failsToCreate: false,
    neverHealthy: false,
    actions: ({ createdAt, provisionedAt, runningAt }) => [
      { command: 'create_server', progressFrom: createdAt, finishesAt: provisionedAt },
      { command: 'start_server', progressFrom: provisionedAt, finishesAt: runningAt },
    ],
    ...overrides,
  };
}

function fakeLauncher(): { launcher: AgentManagerLauncher; launches: AgentManagerLaunch[]; stops: number } {
  const state = { launches: [] as AgentManagerLaunch[], stops: 0 };
  const launcher = {
    launch: async (spec: AgentManagerLaunch): Promise<AgentManagerProcess> => {
      state.launches.push(spec);
      const url = `http://${spec.host}:${spec.port}`;
      return {
        pid: 4242,
        url,
        apiUrl: `${url}/api`,
        wsUrl: `http://${spec.host}:${spec.wsPort}/agents`,
        controlUrl: `${url}/_simulator`,
        apiKey: spec.auth.method === 'api-key' ? spec.auth.apiKey : 'generated',
        controlToken: spec.controlToken,
        exited: new Promise(() => undefined),
        stop: async () => {
          state.stops++;
        },
      };
    },
  } as unknown as AgentManagerLauncher;
  return {
    launcher,
    get launches() {
      return state.launches;
    },
    get stops() {
      return state.stops;
    },
  };
}

describe('machine state machine', () => {
  let now = T0;
  let scheduler: Scheduler;
  let fake: ReturnType<typeof fakeLauncher>;
  let store: MachineStore<object>;

  beforeEach(() => {
    now = T0;
    scheduler = new Scheduler(() => now);
    fake = fakeLauncher();
    store = new MachineStore<object>({
      scheduler,
      addresses: new AddressPool('127.0.9', [3000]),
      agentManager: {
        launcher: fake.launcher,
        port: 3000,
        wsPort: 8080,
        bootstrap: { attempts: 1, retryDelayMs: 0, timeoutMs: 1000 },
      },
      firstMachineId: 1,
      firstActionId: 100,
    });
  });

  afterEach(async () => {
    scheduler.clearAll();
    await store.close();
  });

  const phaseAfter = (id: number, ms: number): string | undefined => {
    now = T0 + ms;
    return store.get(id)?.phase;
  };

  it('goes initializing → starting → running on the boot time', async () => {
    const { machine } = await store.create(hetznerLike());
    expect(machine.address).toMatch(/^127\.0\.9\.\d+$/);
    expect(phaseAfter(machine.id, 0)).toBe('initializing');
    expect(phaseAfter(machine.id, 499)).toBe('initializing');
    expect(phaseAfter(machine.id, 500)).toBe('starting');
    expect(phaseAfter(machine.id, 999)).toBe('starting');
    expect(phaseAfter(machine.id, 1000)).toBe('running');
  });

  it('ends off when not started after create, or when the create action fails', async () => {
    const { machine: stopped } = await store.create(hetznerLike({ startAfterCreate: false }));
    const { machine: failing, actions } = await store.create(hetznerLike({ name: 'b', failsToCreate: true }));
    expect(phaseAfter(stopped.id, 600)).toBe('off');
    expect(phaseAfter(failing.id, 600)).toBe('off');
    expect(phaseAfter(failing.id, 5000)).toBe('off');
    expect(actions.map((action) => actionStateAt(action, T0 + 600).status)).toEqual(['error', 'error']);
    expect(fake.launches).toHaveLength(0);
  });

  it('runs actions from running with rising progress to success', async () => {
    const { actions } = await store.create(hetznerLike());
    const [create, start] = actions as [MachineAction, MachineAction];
    expect(actionStateAt(create, T0)).toEqual({ status: 'running', progress: 0, finishedAt: null });
    expect(actionStateAt(create, T0 + 250)).toEqual({ status: 'running', progress: 50, finishedAt: null });
    expect(actionStateAt(create, T0 + 500)).toEqual({ status: 'success', progress: 100, finishedAt: T0 + 500 });
    expect(actionStateAt(start, T0 + 400)).toMatchObject({ status: 'running', progress: 0 });
    expect(actionStateAt(start, T0 + 750)).toMatchObject({ status: 'running', progress: 50 });
    expect(actionStateAt(start, T0 + 1000)).toMatchObject({ status: 'success', progress: 100 });
  });

  it('shows deleting for deleteMs, then the machine is gone; its actions stay', async () => {
    const { machine } = await store.create(hetznerLike());
    now = T0 + 2000;
    const action = store.delete(machine.id, 300, 'delete_server') as MachineAction;
    expect(store.get(machine.id)?.phase).toBe('deleting');
    expect(store.delete(machine.id, 300, 'delete_server')).toBeNull();
    expect(actionStateAt(action, T0 + 2100).status).toBe('running');
    expect(phaseAfter(machine.id, 2300)).toBeUndefined();
    expect(store.action(action.id)).toBe(action);
    expect(actionStateAt(action, T0 + 2300).status).toBe('success');
    expect(phaseAt(machine, T0 + 2300)).toBe('deleted');
  });

  it('boots an agent-manager from the user data once running, and stops it on delete', async () => {
    const userData = cloudConfig({
      env: { STATIC_API_KEY: 'k1', GIT_REPOSITORY_URL: 'https://g/r.git', PORT: '3100' },
    });
    const { machine } = await store.create(hetznerLike({ userData }));
    expect(machine.agentManager.status).toBe('waiting');
    now = T0 + 1000;
    store.advance();
    await waitFor(() => machine.agentManager.status === 'running', 'the agent-manager');
    expect(fake.launches).toEqual([
      expect.objectContaining({
        host: machine.address,
        port: 3100,
        wsPort: 8080,
        auth: { method: 'api-key', apiKey: 'k1' },
        gitRepositoryUrl: 'https://g/r.git',
      }),
    ]);
    expect(machine.agentManager).toMatchObject({
      envSource: 'write_files',
      authMethod: 'api-key',
      gitRepositoryUrl: 'https://g/r.git',
      endpoint: { url: `http://${machine.address}:3100`, apiKey: 'k1' },
    });
    store.delete(machine.id, 0);
    expect(machine.agentManager.status).toBe('stopped');
    await waitFor(() => fake.stops === 1, 'the stop');
  });

  it('boots without an agent-manager when told never to become healthy, or when the env has no key', async () => {
    const { machine: skipped } = await store.create(
      hetznerLike({ neverHealthy: true, userData: cloudConfig({ env: { STATIC_API_KEY: 'k' } }) }),
    );
    const { machine: noKey } = await store.create(
      hetznerLike({ name: 'b', userData: cloudConfig({ env: { OTHER: 'x' } }) }),
    );
    const { machine: script } = await store.create(hetznerLike({ name: 'c', userData: '#!/bin/sh\necho hi\n' }));
    now = T0 + 1000;
    store.advance();
    await waitFor(() => noKey.agentManager.status !== 'starting' && noKey.agentManager.status, 'the boot');
    expect(skipped.agentManager.status).toBe('skipped');
    expect(noKey.agentManager).toMatchObject({ status: 'no-env', reason: expect.stringContaining('STATIC_API_KEY') });
    expect(script.agentManager).toMatchObject({
      status: 'no-env',
      reason: 'user data is not a #cloud-config document',
    });
    expect(fake.launches).toHaveLength(0);
  });

  it('boots a Keycloak-mode agent-manager when the environment says so', async () => {
    const env = {
      AUTHENTICATION_METHOD: 'keycloak',
      KEYCLOAK_AUTH_SERVER_URL: 'https://sso.example.com/',
      KEYCLOAK_REALM: 'agents',
      KEYCLOAK_CLIENT_ID: 'manager',
    };
    const { machine } = await store.create(hetznerLike({ userData: cloudConfig({ env }) }));
    now = T0 + 1000;
    store.advance();
    await waitFor(() => machine.agentManager.status === 'running', 'the agent-manager');
    expect(fake.launches[0]?.auth).toEqual({ method: 'keycloak', issuer: 'https://sso.example.com/realms/agents' });
    expect(machine.agentManager).toMatchObject({
      authMethod: 'keycloak',
      keycloakIssuer: 'https://sso.example.com/realms/agents',
    });
  });
});
