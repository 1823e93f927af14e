import { AppConfig, FleetEvent, FleetEvents } from '@agent-controller/core';
import { HealthState } from '@agent-controller/shared-contracts';
import { CHECKS_FLUSH_AFTER_MS, ClientCheck, ClientChecksBatch } from './client-checks.batch';
import { ClientHealthRecorder, forEachLimited } from './client-health.recorder';
import type { ClientEntity } from './client.entity';
import type { ClientsRepository } from './clients.repository';
import type { CheckResult, ConnectionChecker } from './connection-checker';

function clientEntity(id: string, healthState: HealthState): ClientEntity {
  return { id, name: id, healthState, healthReason: null, status: 'active' } as ClientEntity;
}

function result(healthState: HealthState, reason: string | null = null): CheckResult {
  const at = new Date();
  return {
    healthState,
    healthReason: reason,
    healthCheckedAt: at,
    healthLastSeenAt: healthState === 'unreachable' ? null : at,
    healthLatencyMs: healthState === 'unreachable' ? null : 12,
  };
}

function recorderWith(outcomes: CheckResult[], healthConcurrency = 10) {
  const checker = { check: jest.fn<Promise<CheckResult>, [ClientEntity]>() };
  for (const outcome of outcomes) checker.check.mockResolvedValueOnce(outcome);
  const repository = {
    recordHealth: jest.fn<Promise<{ changedFrom?: HealthState }>, [string, CheckResult]>(async () => ({})),
  };
  const config = { clients: { healthConcurrency } } as AppConfig;
  const events = { publish: jest.fn<void, [FleetEvent]>() };
  const recorder = new ClientHealthRecorder(
    repository as unknown as ClientsRepository,
    checker as unknown as ConnectionChecker,
    events as unknown as FleetEvents,
    config,
  );
  return { checker, repository, recorder, events };
}

describe('forEachLimited', () => {
  it('processes every item exactly once', async () => {
    const items = Array.from({ length: 23 }, (_, index) => index);
    const seen: number[] = [];

    await forEachLimited(items, 4, async (item) => {
      await new Promise((resolve) => setTimeout(resolve, item % 3));
      seen.push(item);
    });

    expect([...seen].sort((a, b) => a - b)).toEqual(items);
  });

  it.each([1, 3, 7])('never runs more than %d at once, and does use that many', async (limit) => {
    let active = 0;
    let maxActive = 0;

    await forEachLimited(
      Array.from({ length: 20 }, (_, index) => index),
      limit,
      async (item) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setTimeout(resolve, 1 + (item % 4)));
        active--;
      },
    );

    expect(maxActive).toBe(limit);
  });

  it('starts items in order', async () => {
    const started: string[] = [];

    await forEachLimited(['a', 'b', 'c', 'd'], 2, async (item) => {
      started.push(item);
      await Promise.resolve();
    });

    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });

  it('copes with fewer items than the limit, and with none', async () => {
    const work = jest.fn(async () => undefined);

    await forEachLimited(['only'], 50, work);
    await forEachLimited([], 5, work);

    expect(work).toHaveBeenCalledTimes(1);
  });

  it('rejects when the work fails', async () => {
    await expect(
      forEachLimited([1, 2, 3], 2, async (item) => {
        if (item === 2) throw new Error('item 2 failed');
      }),
    ).rejects.toThrow('item 2 failed');
  });
});

describe('ClientHealthRecorder: changes of state on the event bus', () => {
  it('tells a stored change of state, with the health as the API shows it', async () => {
    const checked = result('unreachable', 'connection refused');
    const { repository, recorder, events } = recorderWith([checked]);
    repository.recordHealth.mockResolvedValueOnce({ changedFrom: 'healthy' });

    await recorder.checkAndRecord(clientEntity('c1', 'healthy'));

    expect(events.publish).toHaveBeenCalledTimes(1);
    expect(events.publish).toHaveBeenCalledWith({
      type: 'clientHealthChanged',
      clientId: 'c1',
      from: 'healthy',
      health: {
        state: 'unreachable',
        reason: 'connection refused',
        checkedAt: checked.healthCheckedAt?.toISOString(),
        lastSeenAt: null,
        latencyMs: null,
      },
    });
  });

  it('tells checks that kept the state later, together in one event with their latest health', async () => {
    jest.useFakeTimers();
    try {
      const { recorder, events } = recorderWith([result('healthy'), result('healthy'), result('degraded', 'slow')]);

      await recorder.checkAndRecord(clientEntity('c1', 'healthy'));
      await recorder.checkAndRecord(clientEntity('c2', 'healthy'));
      await recorder.checkAndRecord(clientEntity('c1', 'degraded'));
      expect(events.publish).not.toHaveBeenCalled();

      jest.advanceTimersByTime(CHECKS_FLUSH_AFTER_MS);
      expect(events.publish).toHaveBeenCalledTimes(1);
      const [event] = events.publish.mock.calls[0];
      expect(event.type).toBe('clientsChecked');
      const checks = event.type === 'clientsChecked' ? event.checks : [];
      expect(checks.map((check) => [check.clientId, check.health.state, check.health.reason])).toEqual([
        ['c2', 'healthy', null],
        ['c1', 'degraded', 'slow'],
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('never lets a waiting routine check overtake a later change of state', async () => {
    jest.useFakeTimers();
    try {
      const { recorder, repository, events } = recorderWith([result('healthy'), result('unreachable')]);
      await recorder.checkAndRecord(clientEntity('c1', 'healthy'));
      repository.recordHealth.mockResolvedValueOnce({ changedFrom: 'healthy' });
      await recorder.checkAndRecord(clientEntity('c1', 'healthy'));

      jest.advanceTimersByTime(CHECKS_FLUSH_AFTER_MS);
      expect(events.publish.mock.calls.map(([event]) => event.type)).toEqual(['clientHealthChanged']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('sends what waits when the controller shuts down', async () => {
    const { recorder, events } = recorderWith([result('healthy')]);
    await recorder.checkAndRecord(clientEntity('c1', 'healthy'));

    recorder.onApplicationShutdown();

    expect(events.publish).toHaveBeenCalledWith(expect.objectContaining({ type: 'clientsChecked' }));
  });
});

describe('ClientChecksBatch', () => {
  it("keeps each event below PostgreSQL NOTIFY's 8000 bytes, sending a full batch at once", () => {
    const sent: ClientCheck[][] = [];
    const batch = new ClientChecksBatch((checks) => sent.push(checks), 60_000);
    const health = {
      state: 'degraded' as const,
      reason: 'x'.repeat(300),
      checkedAt: null,
      lastSeenAt: null,
      latencyMs: 9,
    };

    for (let index = 0; index < 100; index++) batch.add({ clientId: `client-${index}`, health });
    batch.flush();

    expect(sent.flat()).toHaveLength(100);
    expect(sent.length).toBeGreaterThan(1);
    for (const checks of sent) {
      expect(
        Buffer.byteLength(JSON.stringify({ origin: 'x'.repeat(36), event: { type: 'clientsChecked', checks } })),
      ).toBeLessThan(8000);
    }
  });
});

describe('ClientHealthRecorder.probe', () => {
  it('does not flip a healthy client on one failure that a re-check does not confirm', async () => {
    const { checker, repository, recorder } = recorderWith([result('unreachable'), result('healthy')]);
    const client = clientEntity('c1', 'healthy');

    const probed = await recorder.probe(client, 2, 0);

    expect(checker.check).toHaveBeenCalledTimes(2);
    expect(repository.recordHealth).toHaveBeenCalledTimes(1);
    expect(repository.recordHealth.mock.calls[0][1].healthState).toBe('healthy');
    expect(probed.healthState).toBe('healthy');
  });

  it('records the failure of a healthy client once every confirmation failed too', async () => {
    const { checker, repository, recorder } = recorderWith([
      result('unreachable', 'first'),
      result('unreachable', 'second'),
      result('unreachable', 'third'),
    ]);
    const client = clientEntity('c1', 'healthy');

    const probed = await recorder.probe(client, 2, 0);

    expect(checker.check).toHaveBeenCalledTimes(3);
    expect(repository.recordHealth).toHaveBeenCalledTimes(1);
    expect(repository.recordHealth.mock.calls[0]).toEqual(['c1', expect.objectContaining({ healthReason: 'third' })]);
    expect(probed).toBe(client);
    expect(probed).toMatchObject({ healthState: 'unreachable', healthReason: 'third' });
  });

  it('stops confirming as soon as a re-check is healthy again', async () => {
    const { checker, repository, recorder } = recorderWith([
      result('degraded'),
      result('healthy'),
      result('unreachable'),
    ]);

    await recorder.probe(clientEntity('c1', 'healthy'), 5, 0);

    expect(checker.check).toHaveBeenCalledTimes(2);
    expect(repository.recordHealth.mock.calls[0][1].healthState).toBe('healthy');
  });

  it('records the last failure when the failures differ', async () => {
    const { repository, recorder } = recorderWith([result('unreachable'), result('auth_failed')]);

    await recorder.probe(clientEntity('c1', 'healthy'), 1, 0);

    expect(repository.recordHealth.mock.calls[0][1].healthState).toBe('auth_failed');
  });

  it.each<HealthState>(['unreachable', 'unknown', 'degraded', 'auth_failed', 'incompatible'])(
    'records a failure of a client that was %s at once, without confirmation',
    async (previous) => {
      const { checker, repository, recorder } = recorderWith([result('unreachable')]);

      await recorder.probe(clientEntity('c1', previous), 2, 0);

      expect(checker.check).toHaveBeenCalledTimes(1);
      expect(repository.recordHealth.mock.calls[0][1].healthState).toBe('unreachable');
    },
  );

  it('records a healthy client that stays healthy with a single check', async () => {
    const { checker, repository, recorder } = recorderWith([result('healthy')]);

    await recorder.probe(clientEntity('c1', 'healthy'));

    expect(checker.check).toHaveBeenCalledTimes(1);
    expect(repository.recordHealth).toHaveBeenCalledTimes(1);
  });

  it('waits confirmDelayMs before each re-check', async () => {
    jest.useFakeTimers();
    try {
      const { checker, recorder } = recorderWith([result('unreachable'), result('unreachable'), result('healthy')]);

      const probing = recorder.probe(clientEntity('c1', 'healthy'), 2, 1000);
      await jest.advanceTimersByTimeAsync(0);
      expect(checker.check).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(999);
      expect(checker.check).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(checker.check).toHaveBeenCalledTimes(2);
      await jest.advanceTimersByTimeAsync(1000);
      expect(checker.check).toHaveBeenCalledTimes(3);

      await expect(probing).resolves.toMatchObject({ healthState: 'healthy' });
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('ClientHealthRecorder.checkAndRecord', () => {
  it('records a single check as it is, even a failure of a healthy client', async () => {
    const { checker, repository, recorder } = recorderWith([result('unreachable', 'down')]);
    const client = clientEntity('c1', 'healthy');

    const checked = await recorder.checkAndRecord(client);

    expect(checker.check).toHaveBeenCalledTimes(1);
    expect(repository.recordHealth).toHaveBeenCalledWith('c1', expect.objectContaining({ healthState: 'unreachable' }));
    expect(checked).toMatchObject({ id: 'c1', healthState: 'unreachable', healthReason: 'down' });
  });

  it('checks many clients within CLIENT_HEALTH_CONCURRENCY and returns each by id', async () => {
    const { checker, recorder } = recorderWith([], 2);
    let active = 0;
    let maxActive = 0;
    checker.check.mockImplementation(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active--;
      return result('healthy');
    });
    const clients = ['a', 'b', 'c', 'd', 'e'].map((id) => clientEntity(id, 'unknown'));

    const checked = await recorder.checkAndRecordMany(clients);

    expect(maxActive).toBe(2);
    expect([...checked.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(checked.get('c')?.healthState).toBe('healthy');
  });
});
