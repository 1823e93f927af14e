import { ProvisioningJob } from '@agent-controller/shared-contracts';
import { outcomeLine, progressLine } from './progress';

const step = (name: string, status: string, attempts = 1) => ({
  name,
  status,
  attempts,
  startedAt: null,
  finishedAt: null,
  error: null,
});

const job = (steps: ReturnType<typeof step>[], extra: Partial<ProvisioningJob> = {}) =>
  ({
    id: 'j1',
    status: 'running',
    clientId: null,
    clientName: 'c',
    error: null,
    serverDeleted: false,
    steps,
    ...extra,
  }) as ProvisioningJob;

describe('progressLine', () => {
  it('fills the bar by finished steps, a running step counting half, and names the step', () => {
    expect(
      progressLine(
        job([
          step('create_server', 'succeeded'),
          step('server_running', 'running', 2),
          step('a', 'pending'),
          step('b', 'pending'),
        ]),
      ),
    ).toBe(`[${'#'.repeat(9)}${'.'.repeat(15)}] 1/4 server_running (running, attempt 2)`);
    expect(progressLine(job([step('create_server', 'pending')]))).toBe(`[${'.'.repeat(24)}] 0/1`);
    expect(progressLine(job([step('create_server', 'succeeded'), step('server_running', 'succeeded')]))).toBe(
      `[${'#'.repeat(24)}] 2/2 server_running (succeeded)`,
    );
    expect(progressLine(job([step('create_server', 'succeeded'), step('server_running', 'failed')]))).toBe(
      `[${'#'.repeat(12)}${'.'.repeat(12)}] 1/2 server_running (failed)`,
    );
  });

  it('closes with the client made, or the reason the job failed', () => {
    expect(outcomeLine(job([], { status: 'succeeded', clientId: 'c1', clientName: 'web' }))).toBe(
      'Job j1 succeeded: client c1 (web).',
    );
    expect(outcomeLine(job([], { status: 'failed', error: 'no capacity', serverDeleted: true }))).toBe(
      'Job j1 failed: no capacity (server deleted again).',
    );
  });
});
