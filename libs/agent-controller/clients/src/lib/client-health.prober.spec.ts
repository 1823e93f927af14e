import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@agent-controller/core';
import { PeriodicTasks } from '@agent-controller/database';
import { HealthState } from '@agent-controller/shared-contracts';
import type { DataSource } from 'typeorm';
import { ClientHealthProber } from './client-health.prober';
import { ClientHealthRecorder } from './client-health.recorder';
import { ClientProbeFollowUps } from './client-probe-follow-ups';
import type { ClientEntity } from './client.entity';
import type { ClientsRepository } from './clients.repository';
import type { CheckResult, ConnectionChecker } from './connection-checker';

function clientEntity(id: string): ClientEntity {
  return { id, name: id, healthState: 'unknown', healthReason: null, status: 'active' } as ClientEntity;
}

const healthy = (): CheckResult => ({
  healthState: 'healthy',
  healthReason: null,
  healthCheckedAt: new Date(),
  healthLastSeenAt: new Date(),
  healthLatencyMs: 5,
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ClientHealthProber', () => {
  it('goes on with the round and with later rounds when one client’s check throws, recording it unreachable, and follows up the healthy ones', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const clients = ['c1', 'c2', 'c3'];
    const checked: string[] = [];
    const checker = {
      check: jest.fn(async (client: ClientEntity) => {
        checked.push(client.id);
        if (client.id === 'c2') throw new TypeError('Invalid character in header content ["authorization"]');
        return healthy();
      }),
    };
    const recorded: Array<[string, HealthState, string | null]> = [];
    const repository = {
      findDueForCheck: jest.fn(async () => clients.map(clientEntity)),
      recordHealth: jest.fn(async (id: string, update: CheckResult) => {
        recorded.push([id, update.healthState, update.healthReason]);
        return {};
      }),
    };
    // One lane: a throw that escaped would end the lane, and with it the round, at c2.
    const config = {
      clients: { healthIntervalMs: 40, healthConcurrency: 1 },
      database: { kind: 'embedded' },
    } as AppConfig;
    const recorder = new ClientHealthRecorder(
      repository as unknown as ClientsRepository,
      checker as unknown as ConnectionChecker,
      { publish: jest.fn() } as never,
      config,
    );
    // The embedded database: this one process leads the prober without taking a lock.
    const tasks = new PeriodicTasks(new SchedulerRegistry(), {} as DataSource, config);
    const followUps = new ClientProbeFollowUps();
    const followedUp: string[] = [];
    followUps.register('snapshot', async (client) => {
      followedUp.push(client.id);
      if (client.id === 'c1') throw new Error('the follow-up failed');
    });
    const prober = new ClientHealthProber(
      repository as unknown as ClientsRepository,
      recorder,
      tasks,
      config,
      followUps,
    );

    prober.onApplicationBootstrap();
    try {
      await until(() => repository.findDueForCheck.mock.calls.length >= 2 && checked.length >= 6);
    } finally {
      await tasks.stopAll();
    }

    expect(checked.slice(0, 3)).toEqual(['c1', 'c2', 'c3']);
    expect(recorded.slice(0, 3)).toEqual([
      ['c1', 'healthy', null],
      ['c2', 'unreachable', 'Health check failed: unexpected error (details in the controller log)'],
      ['c3', 'healthy', null],
    ]);
    // Only the healthy ones are followed up, and a failing follow-up does not stop the round either.
    expect(followedUp.slice(0, 2)).toEqual(['c1', 'c3']);
  });
});
