import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  EMPTY_WIZARD,
  jobProgress,
  ProvisioningJobStore,
  ProvisioningJobsStore,
  reduceJobProgress,
  stepDuration,
  toProvisionRequest,
} from '@agent-controller/console-provisioning-data-access';
import type { ProvisioningJob, ProvisioningStep } from '@agent-controller/shared-contracts';

const NAMES = ['create_server', 'server_running', 'agent_manager_healthy', 'client_registered'] as const;

function job(overrides: Partial<ProvisioningJob> = {}, statuses: ProvisioningStep['status'][] = []): ProvisioningJob {
  return {
    id: 'job-1',
    status: 'running',
    providerType: 'hetzner',
    serverType: 'cx23',
    location: 'fsn1',
    clientName: 'farm',
    steps: NAMES.map((name, index) => ({
      name,
      status: statuses[index] ?? 'pending',
      attempts: statuses[index] && statuses[index] !== 'pending' ? 1 : 0,
      startedAt: null,
      finishedAt: null,
      error: null,
    })),
    server: null,
    serverDeleted: false,
    clientId: null,
    warnings: [],
    error: null,
    createdBy: null,
    createdAt: '2026-11-23T01:00:00.000Z',
    updatedAt: '2026-11-23T01:00:00.000Z',
    finishedAt: null,
    ...overrides,
  };
}

describe('toProvisionRequest', () => {
  it('sends only the api_key fields, without empty strings, names trimmed and secrets as typed', () => {
    const request = toProvisionRequest({
      ...EMPTY_WIZARD,
      providerType: 'hetzner',
      location: 'fsn1',
      serverType: 'cx23',
      name: '  farm ',
      description: '   ',
      authenticationType: 'api_key',
      apiKey: ' key with spaces ',
      // Left over from switching the auth type back and forth: must not be sent.
      keycloakClientId: 'console',
      keycloakRealm: 'ops',
      agentWsPort: '',
      gitRepositoryUrl: ' https://git.example.com/a.git ',
      gitToken: 'ghp_secret',
    });
    expect(request).toEqual({
      providerType: 'hetzner',
      location: 'fsn1',
      serverType: 'cx23',
      name: 'farm',
      authenticationType: 'api_key',
      apiKey: ' key with spaces ',
      gitRepositoryUrl: 'https://git.example.com/a.git',
      gitToken: 'ghp_secret',
    });
  });

  it('sends the keycloak fields and the port for keycloak, never an api key', () => {
    const request = toProvisionRequest({
      ...EMPTY_WIZARD,
      providerType: 'digital-ocean',
      location: '',
      serverType: 's-1vcpu-1gb',
      name: 'kc',
      authenticationType: 'keycloak',
      apiKey: 'stale',
      keycloakClientId: 'console',
      keycloakClientSecret: 'secret',
      keycloakRealm: 'ops',
      keycloakAuthServerUrl: 'https://sso.example.com',
      agentWsPort: 8443,
      cursorApiKey: 'cur',
    });
    expect(request).toEqual({
      providerType: 'digital-ocean',
      serverType: 's-1vcpu-1gb',
      name: 'kc',
      authenticationType: 'keycloak',
      keycloakClientId: 'console',
      keycloakClientSecret: 'secret',
      keycloakRealm: 'ops',
      keycloakAuthServerUrl: 'https://sso.example.com',
      agentWsPort: 8443,
      cursorApiKey: 'cur',
    });
    expect(Object.values(request)).not.toContain('');
  });

  it('refuses a request without a provider', () => {
    expect(() => toProvisionRequest(EMPTY_WIZARD)).toThrow('Choose a provider');
  });
});

describe('job progress', () => {
  it('takes newer states of the same job, ignores older ones and other jobs', () => {
    const first = job({ updatedAt: '2026-11-23T01:00:01.000Z' }, ['running']);
    const second = job({ updatedAt: '2026-11-23T01:00:02.000Z' }, ['succeeded', 'running']);
    expect(reduceJobProgress(null, first)).toBe(first);
    expect(reduceJobProgress(first, second)).toBe(second);
    expect(reduceJobProgress(second, first)).toBe(second);
    expect(reduceJobProgress(second, job({ id: 'other', updatedAt: '2026-11-23T02:00:00.000Z' }))).toBe(second);
  });

  it('keeps a finished job finished', () => {
    const done = job({ status: 'succeeded', updatedAt: '2026-11-23T01:00:05.000Z' }, Array(4).fill('succeeded'));
    const lateButNewer = job({ updatedAt: '2026-11-23T01:00:09.000Z' }, ['succeeded', 'running']);
    expect(reduceJobProgress(done, lateButNewer)).toBe(done);
  });

  it('counts the finished steps and names the running or failed one', () => {
    expect(jobProgress(job({}, ['succeeded', 'running']))).toMatchObject({
      done: 1,
      total: 4,
      percent: 25,
      current: { name: 'server_running' },
    });
    expect(jobProgress(job({ status: 'failed' }, ['succeeded', 'succeeded', 'failed'])).current?.name).toBe(
      'agent_manager_healthy',
    );
    expect(jobProgress(job({}, Array(4).fill('succeeded')))).toMatchObject({ done: 4, percent: 100, current: null });
  });

  it('says how long a step took', () => {
    const step = job().steps[0];
    expect(stepDuration(step)).toBe('');
    expect(stepDuration({ ...step, startedAt: '2026-11-23T01:00:00Z', finishedAt: '2026-11-23T01:00:03Z' })).toBe(
      '3 s',
    );
    expect(stepDuration({ ...step, startedAt: '2026-11-23T01:00:00Z' }, Date.parse('2026-11-23T01:01:05Z'))).toBe(
      '1 min 5 s',
    );
  });
});

describe('provisioning stores', () => {
  function setUp() {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        ProvisioningJobStore,
        ProvisioningJobsStore,
      ],
    });
    return { http: TestBed.inject(HttpTestingController) };
  }

  afterEach(() => vi.useRealTimers());

  it('polls a running job every second until it finishes', async () => {
    vi.useFakeTimers();
    const { http } = setUp();
    const store = TestBed.inject(ProvisioningJobStore);
    const following = store.follow('job-1');
    http
      .expectOne('/api/provisioning/jobs/job-1')
      .flush(job({ updatedAt: '2026-11-23T01:00:01.000Z' }, ['succeeded', 'running']));
    await following;
    expect(store.running()).toBe(true);
    expect(store.progress()?.done).toBe(1);

    await vi.advanceTimersByTimeAsync(1000);
    http
      .expectOne('/api/provisioning/jobs/job-1')
      .flush(
        job({ status: 'succeeded', clientId: 'c1', updatedAt: '2026-11-23T01:00:02.000Z' }, Array(4).fill('succeeded')),
      );
    await vi.advanceTimersByTimeAsync(0);
    expect(store.job()?.status).toBe('succeeded');
    expect(store.job()?.clientId).toBe('c1');

    await vi.advanceTimersByTimeAsync(5000);
    http.expectNone('/api/provisioning/jobs/job-1');
    store.stop();
  });

  it('lists jobs with their status filter and takes the total from X-Total-Count', async () => {
    const { http } = setUp();
    const store = TestBed.inject(ProvisioningJobsStore);
    const loading = store.setStatus('failed');
    const request = http.expectOne((candidate) => candidate.url === '/api/provisioning/jobs');
    expect(request.request.params.toString()).toBe('limit=10&offset=0&status=failed');
    request.flush([job({ status: 'failed' })], { headers: { 'X-Total-Count': '12' } });
    await loading;
    expect(store.jobs()).toHaveLength(1);
    expect(store.total()).toBe(12);
    expect(store.empty()).toBe(false);
  });
});
