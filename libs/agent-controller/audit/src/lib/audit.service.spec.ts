import { Logger } from '@nestjs/common';
import { DomainError, RequestPrincipal, runWithRequestContext, setRequestPrincipal } from '@agent-controller/core';
import { AuditQuery } from '@agent-controller/shared-contracts';
import { EntityManager } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

const USER: RequestPrincipal = {
  kind: 'user',
  isGlobalAdmin: false,
  userId: '11111111-1111-4111-8111-111111111111',
  email: 'alice@example.com',
};
const ADMIN: RequestPrincipal = { ...USER, isGlobalAdmin: true };
const API_KEY: RequestPrincipal = { kind: 'api-key', isGlobalAdmin: true, userId: null, email: null };

function fakeRepository() {
  const inserted: { values: Partial<AuditEventEntity>; manager?: EntityManager }[] = [];
  const repository = {
    insert: jest.fn(async (values: Partial<AuditEventEntity>, manager?: EntityManager) => {
      inserted.push({ values, manager });
    }),
    insertMany: jest.fn(async (values: Partial<AuditEventEntity>[], manager: EntityManager) => {
      for (const one of values) inserted.push({ values: one, manager });
    }),
    findPage: jest.fn(async (): Promise<[AuditEventEntity[], number]> => [[], 0]),
  };
  return { repository, inserted, service: new AuditService(repository as unknown as AuditRepository) };
}

/** Runs `work` inside a request, the way the pipeline and the authentication guard set it up. */
function inRequest<T>(principal: RequestPrincipal | undefined, work: () => Promise<T>): Promise<T> {
  return runWithRequestContext({ requestId: 'req-1', ip: '203.0.113.7' }, () => {
    if (principal) setRequestPrincipal(principal);
    return work();
  });
}

describe('AuditService.recordMany', () => {
  it('writes one event per entry together, each with the request and its actor, in the given transaction', async () => {
    const { service, repository, inserted } = fakeRepository();
    const manager = {} as EntityManager;

    await inRequest(USER, () =>
      service.recordMany(
        [
          { action: 'client.update', targetType: 'client', targetId: 'c1', details: { bulk: true } },
          { action: 'client.update', targetType: 'client', targetId: 'c2', changes: { labels: { from: {}, to: {} } } },
        ],
        manager,
      ),
    );

    expect(repository.insertMany).toHaveBeenCalledTimes(1);
    expect(
      inserted.map(({ values, manager: used }) => [values.targetId, values.actorId, values.requestId, used]),
    ).toEqual([
      ['c1', USER.userId, 'req-1', manager],
      ['c2', USER.userId, 'req-1', manager],
    ]);
    expect(inserted[1].values.changes).toEqual({ labels: { from: {}, to: {} } });
  });

  it('writes nothing for no entries', async () => {
    const { service, repository } = fakeRepository();

    await service.recordMany([], {} as EntityManager);

    expect(repository.insertMany).not.toHaveBeenCalled();
  });
});

describe('AuditService.record', () => {
  it('records the user principal, request id and ip of the current request', async () => {
    const { service, inserted } = fakeRepository();

    await inRequest(USER, () => service.record({ action: 'client.create', targetType: 'client', targetId: 'c1' }));

    expect(inserted[0].values).toEqual({
      actorType: 'user',
      actorId: USER.userId,
      actorEmail: 'alice@example.com',
      action: 'client.create',
      targetType: 'client',
      targetId: 'c1',
      outcome: 'success',
      requestId: 'req-1',
      ip: '203.0.113.7',
      changes: null,
      details: null,
    });
  });

  it('records the API-key holder as actor type api-key without id or e-mail', async () => {
    const { service, inserted } = fakeRepository();

    await inRequest(API_KEY, () => service.record({ action: 'client.delete' }));

    expect(inserted[0].values).toMatchObject({ actorType: 'api-key', actorId: null, actorEmail: null });
  });

  it('lets an explicit actor override the principal (log-in, before the guard ran)', async () => {
    const { service, inserted } = fakeRepository();
    const actor = { id: '22222222-2222-4222-8222-222222222222', email: 'bob@example.com' };

    await inRequest(API_KEY, () => service.record({ action: 'auth.login', actor }));

    expect(inserted[0].values).toMatchObject({
      actorType: 'user',
      actorId: actor.id,
      actorEmail: 'bob@example.com',
      requestId: 'req-1',
    });
  });

  it('records a request without principal as system, still with its request id and ip', async () => {
    const { service, inserted } = fakeRepository();

    await inRequest(undefined, () => service.record({ action: 'auth.login', outcome: 'failure' }));

    expect(inserted[0].values).toMatchObject({
      actorType: 'system',
      actorId: null,
      actorEmail: null,
      outcome: 'failure',
      requestId: 'req-1',
      ip: '203.0.113.7',
    });
  });

  it('records work outside any request as system without request id or ip', async () => {
    const { service, inserted } = fakeRepository();

    await service.record({ action: 'client.health' });

    expect(inserted[0].values).toMatchObject({ actorType: 'system', actorId: null, requestId: null, ip: null });
  });

  it('stores empty changes as null and keeps non-empty changes and details', async () => {
    const { service, inserted } = fakeRepository();

    await service.record({ action: 'client.update', changes: {} });
    await service.record({
      action: 'client.update',
      changes: { name: { from: 'a', to: 'b' } },
      details: { bulk: true },
    });

    expect(inserted[0].values.changes).toBeNull();
    expect(inserted[1].values.changes).toEqual({ name: { from: 'a', to: 'b' } });
    expect(inserted[1].values.details).toEqual({ bulk: true });
  });

  it("writes with the caller's entity manager so the event joins its transaction", async () => {
    const { service, inserted } = fakeRepository();
    const manager = {} as EntityManager;

    await service.record({ action: 'client.update' }, manager);

    expect(inserted[0].manager).toBe(manager);
  });

  it('lets a repository failure reach the caller (the transaction must roll back)', async () => {
    const { service, repository } = fakeRepository();
    repository.insert.mockRejectedValueOnce(new Error('disk full'));

    await expect(service.record({ action: 'client.update' })).rejects.toThrow('disk full');
  });

  it('keeps the principals of concurrent requests apart', async () => {
    const { service, inserted } = fakeRepository();
    const other: RequestPrincipal = { ...USER, userId: '33333333-3333-4333-8333-333333333333', email: 'c@x.io' };

    await Promise.all([
      runWithRequestContext({ requestId: 'a', ip: null }, async () => {
        setRequestPrincipal(USER);
        await new Promise((resolve) => setTimeout(resolve, 10));
        await service.record({ action: 'x' });
      }),
      runWithRequestContext({ requestId: 'b', ip: null }, async () => {
        setRequestPrincipal(other);
        await service.record({ action: 'x' });
      }),
    ]);

    const byRequest = Object.fromEntries(inserted.map(({ values }) => [values.requestId, values.actorEmail]));
    expect(byRequest).toEqual({ a: 'alice@example.com', b: 'c@x.io' });
  });
});

describe('AuditService.recordOutsideTransaction', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('records like record does', async () => {
    const { service, inserted } = fakeRepository();

    await inRequest(USER, () => service.recordOutsideTransaction({ action: 'auth.login' }));

    expect(inserted[0].values).toMatchObject({ action: 'auth.login', actorId: USER.userId });
    expect(inserted[0].manager).toBeUndefined();
  });

  it('swallows and logs a repository failure, so auditing never breaks the answer', async () => {
    const { service, repository } = fakeRepository();
    const failure = new Error('connection lost');
    repository.insert.mockRejectedValueOnce(failure);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    await expect(service.recordOutsideTransaction({ action: 'auth.login' })).resolves.toBeUndefined();
    expect(logged).toHaveBeenCalledWith({ err: failure, action: 'auth.login' }, 'Could not write audit event');
  });
});

describe('AuditService.listEvents', () => {
  const query: AuditQuery = { limit: 10, offset: 0 };

  it('refuses a principal who is not a global admin with FORBIDDEN, without reading', async () => {
    const { service, repository } = fakeRepository();

    const refusal = await service.listEvents(USER, query).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: 'FORBIDDEN' });
    expect(repository.findPage).not.toHaveBeenCalled();
  });

  it.each([
    ['a global admin', ADMIN],
    ['the API-key holder', API_KEY],
  ])('returns the page to %s', async (_who, principal) => {
    const { service, repository } = fakeRepository();
    const event = { id: 'e1' } as AuditEventEntity;
    repository.findPage.mockResolvedValueOnce([[event], 1]);

    await expect(service.listEvents(principal, query)).resolves.toEqual([[event], 1]);
    expect(repository.findPage).toHaveBeenCalledWith(query);
  });
});
