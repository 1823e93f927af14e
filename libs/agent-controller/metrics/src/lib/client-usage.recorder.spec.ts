import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PeriodicTasks } from '@agent-controller/database';
import { ClientUsageRecorder } from './client-usage.recorder';
import { UsageIncrement } from './client-usage.repository';
import { emptyLatencyBuckets, latencyBucketIndex } from './latency-buckets';

const A = '0b7c5a8e-1f7e-4c1e-9d55-0a4a4b0f5b11';
const B = '9f3e1d2c-4b5a-4687-9a8b-7c6d5e4f3a21';
const AT = new Date('2026-05-10T12:34:56.000Z');
const HOUR = new Date('2026-05-10T12:00:00.000Z');

function buckets(...durations: number[]): number[] {
  const counts = emptyLatencyBuckets();
  for (const duration of durations) counts[latencyBucketIndex(duration)] += 1;
  return counts;
}

function setUp() {
  const written: UsageIncrement[][] = [];
  const repository = {
    addIncrements: jest.fn(async (increments: UsageIncrement[]) => {
      written.push(structuredClone(increments));
    }),
    deleteBefore: jest.fn(async () => undefined),
  };
  const config = { database: { kind: 'embedded' }, metrics: { usageFlushIntervalMs: 60_000 } };
  const tasks = new PeriodicTasks(new SchedulerRegistry(), {} as never, config as never);
  const recorder = new ClientUsageRecorder(repository as never, tasks, config as never);
  return { recorder, repository, written };
}

describe('ClientUsageRecorder', () => {
  let recorders: ClientUsageRecorder[] = [];
  const make = () => {
    const made = setUp();
    recorders.push(made.recorder);
    return made;
  };

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    for (const recorder of recorders) await recorder.onApplicationShutdown();
    recorders = [];
    jest.restoreAllMocks();
  });

  it('sums calls per client and UTC hour and writes them in one batch', async () => {
    const { recorder, written, repository } = make();
    recorder.record(A, 40, false, AT);
    recorder.record(A, 4000, true, new Date('2026-05-10T12:59:59.999Z'));
    recorder.record(A, 120, false, new Date('2026-05-10T13:00:00.000Z'));
    recorder.record(B, 7, false, AT);

    await recorder.flush(AT);

    expect(repository.addIncrements).toHaveBeenCalledTimes(1);
    expect(written[0]).toEqual([
      { clientId: A, hour: HOUR, requests: 2, errors: 1, latencyBuckets: buckets(40, 4000) },
      { clientId: A, hour: new Date('2026-05-10T13:00:00.000Z'), requests: 1, errors: 0, latencyBuckets: buckets(120) },
      { clientId: B, hour: HOUR, requests: 1, errors: 0, latencyBuckets: buckets(7) },
    ]);
  });

  it('writes each call once: a second flush only has what came after the first', async () => {
    const { recorder, written, repository } = make();
    recorder.record(A, 40, false, AT);
    await recorder.flush(AT);
    await recorder.flush(AT);
    recorder.record(A, 60, false, AT);
    await recorder.flush(AT);

    expect(repository.addIncrements).toHaveBeenCalledTimes(2);
    expect(written[1]).toEqual([{ clientId: A, hour: HOUR, requests: 1, errors: 0, latencyBuckets: buckets(60) }]);
  });

  it('keeps a batch the database refused and adds it to the next flush', async () => {
    const { recorder, written, repository } = make();
    repository.addIncrements.mockRejectedValueOnce(new Error('connection lost'));
    recorder.record(A, 40, true, AT);
    await recorder.flush(AT);
    recorder.record(A, 40, false, AT);
    await recorder.flush(AT);

    expect(written).toEqual([[{ clientId: A, hour: HOUR, requests: 2, errors: 1, latencyBuckets: buckets(40, 40) }]]);
  });

  it('lets a refused batch go once its hour is past retention', async () => {
    const { recorder, written, repository } = make();
    repository.addIncrements.mockRejectedValueOnce(new Error('down')).mockRejectedValueOnce(new Error('still down'));
    recorder.record(A, 40, false, AT);
    await recorder.flush(AT);
    await recorder.flush(new Date(AT.getTime() + 8 * 24 * 3_600_000));
    await recorder.flush(new Date(AT.getTime() + 8 * 24 * 3_600_000));

    expect(repository.addIncrements).toHaveBeenCalledTimes(2);
    expect(written).toEqual([]);
  });

  it('deletes rows older than 7 days on the first flush and then at most once an hour', async () => {
    const { recorder, repository } = make();
    await recorder.flush(AT);
    await recorder.flush(new Date(AT.getTime() + 59 * 60_000));
    await recorder.flush(new Date(AT.getTime() + 60 * 60_000));

    expect(repository.deleteBefore.mock.calls).toEqual([
      [new Date('2026-05-03T12:34:56.000Z')],
      [new Date('2026-05-03T13:34:56.000Z')],
    ]);
    expect(repository.addIncrements).not.toHaveBeenCalled();
  });

  it('writes what is left on shutdown, after a flush still in progress', async () => {
    const { recorder, written, repository } = make();
    let release!: () => void;
    repository.addIncrements.mockImplementationOnce(async (increments: UsageIncrement[]) => {
      await new Promise<void>((resolve) => (release = resolve));
      written.push(structuredClone(increments));
    });
    recorder.record(A, 40, false, AT);
    const first = recorder.flush(AT);
    await new Promise(setImmediate);
    recorder.record(B, 40, false, AT);
    const shutdown = recorder.onApplicationShutdown();
    await new Promise(setImmediate);
    expect(repository.addIncrements).toHaveBeenCalledTimes(1);
    release();
    await Promise.all([first, shutdown]);

    expect(written.map((batch) => batch.map((increment) => increment.clientId))).toEqual([[A], [B]]);
  });
});
