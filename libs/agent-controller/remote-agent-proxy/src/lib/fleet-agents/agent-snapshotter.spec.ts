import { RemoteCallError } from '@agent-controller/agent-manager-client';
import type { ClientEntity, ClientProbeFollowUps } from '@agent-controller/clients';
import { DomainError } from '@agent-controller/core';
import { FLEET_AGENTS_PER_CLIENT_MAX } from '@agent-controller/shared-contracts';
import { randomUUID } from 'node:crypto';
import type { ClientRateLimiter } from '../client-rate-limiter';
import type { SnapshotAgent } from './agent-snapshot.parser';
import type { AgentSnapshotsRepository } from './agent-snapshots.repository';
import { AgentSnapshotter, SNAPSHOT_PAGE_SIZE } from './agent-snapshotter';

const client = {
  id: '3f2e1d0c-9b8a-4765-8432-10fedcba9876',
  name: 'alpha',
  endpoint: 'http://remote.test',
  authenticationType: 'api_key',
  apiKey: 'k'.repeat(20),
} as ClientEntity;

const remoteAgents = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: randomUUID(), name: `agent-${i}`, agentType: 'cursor' }));

/** A remote serving `agents` through `GET /api/agents?limit&offset`, newest first as the contract says. */
function setUp(serve: (limit: number, offset: number) => unknown) {
  const paths: string[] = [];
  const agentManager = {
    call: jest.fn(
      async (
        _target: unknown,
        _method: string,
        path: string,
        schema: { safeParse(v: unknown): { success: boolean; data?: unknown } },
      ) => {
        paths.push(path);
        const url = new URL(path, 'http://remote.test');
        const body = serve(Number(url.searchParams.get('limit')), Number(url.searchParams.get('offset')));
        // As the real client: an answer of the wrong shape is an incompatible remote.
        const parsed = schema.safeParse(body);
        if (!parsed.success) throw new RemoteCallError('incompatible', `GET ${path} answered in an unexpected shape`);
        return { data: parsed.data, status: 200, latencyMs: 1 };
      },
    ),
  };
  const rateLimiter = { consume: jest.fn(async () => undefined) };
  const replaced: { clientId: string; agents: SnapshotAgent[] }[] = [];
  const snapshots = {
    replace: jest.fn(async (clientId: string, agents: SnapshotAgent[]) => {
      replaced.push({ clientId, agents });
      return true;
    }),
  };
  const snapshotter = new AgentSnapshotter(
    { register: jest.fn() } as unknown as ClientProbeFollowUps,
    agentManager as never,
    rateLimiter as unknown as ClientRateLimiter,
    snapshots as unknown as AgentSnapshotsRepository,
  );
  return { snapshotter, paths, rateLimiter, replaced, snapshots };
}

const running = () => new AbortController().signal;

describe('AgentSnapshotter', () => {
  it('pages through the remote until a short page and replaces the snapshot with every agent', async () => {
    const all = remoteAgents(SNAPSHOT_PAGE_SIZE + 30);
    const { snapshotter, paths, rateLimiter, replaced } = setUp((limit, offset) => all.slice(offset, offset + limit));

    const outcome = await snapshotter.refresh(client, running());

    expect(outcome).toEqual({ kind: 'replaced', agents: all.length, skipped: 0, truncated: false });
    expect(paths).toEqual([
      `/api/agents?limit=${SNAPSHOT_PAGE_SIZE}&offset=0`,
      `/api/agents?limit=${SNAPSHOT_PAGE_SIZE}&offset=${SNAPSHOT_PAGE_SIZE}`,
    ]);
    // Each page is one call against the client's budget.
    expect(rateLimiter.consume).toHaveBeenCalledTimes(2);
    expect(replaced[0].agents.map((agent) => agent.name)).toEqual(all.map((agent) => agent.name));
  });

  it(`stops at ${FLEET_AGENTS_PER_CLIENT_MAX} agents per client and says the snapshot is cut`, async () => {
    const all = remoteAgents(FLEET_AGENTS_PER_CLIENT_MAX + 250);
    const { snapshotter, paths, replaced } = setUp((limit, offset) => all.slice(offset, offset + limit));

    const outcome = await snapshotter.refresh(client, running());

    expect(outcome).toEqual({ kind: 'replaced', agents: FLEET_AGENTS_PER_CLIENT_MAX, skipped: 0, truncated: true });
    expect(paths).toHaveLength(FLEET_AGENTS_PER_CLIENT_MAX / SNAPSHOT_PAGE_SIZE);
    expect(replaced[0].agents).toHaveLength(FLEET_AGENTS_PER_CLIENT_MAX);
  });

  it('counts an agent seen on two pages (created while paging) once', async () => {
    const all = remoteAgents(SNAPSHOT_PAGE_SIZE + 5);
    // The second page starts one early, as if a new agent had pushed the list down.
    const { snapshotter, replaced } = setUp((limit, offset) =>
      offset === 0 ? all.slice(0, limit) : all.slice(offset - 1, offset - 1 + limit),
    );

    await snapshotter.refresh(client, running());

    expect(new Set(replaced[0].agents.map((agent) => agent.agentId)).size).toBe(replaced[0].agents.length);
    expect(replaced[0].agents).toHaveLength(all.length);
  });

  it('keeps the previous snapshot when the remote answers something that is not a list', async () => {
    const { snapshotter, snapshots } = setUp(() => ({ agents: [] }));

    const outcome = await snapshotter.refresh(client, running());

    expect(outcome.kind).toBe('kept');
    expect(snapshots.replace).not.toHaveBeenCalled();
  });

  it('keeps the previous snapshot when a later page fails: a half list never replaces a whole one', async () => {
    const all = remoteAgents(SNAPSHOT_PAGE_SIZE * 2);
    const { snapshotter, snapshots } = setUp((limit, offset) => {
      if (offset > 0) throw new RemoteCallError('server_error', 'The remote failed (HTTP 500)', 500);
      return all.slice(offset, offset + limit);
    });

    const outcome = await snapshotter.refresh(client, running());

    expect(outcome).toEqual({ kind: 'kept', reason: 'The remote failed (HTTP 500)' });
    expect(snapshots.replace).not.toHaveBeenCalled();
  });

  it("keeps the previous snapshot without calling the remote when the client's call budget is spent", async () => {
    const { snapshotter, paths, rateLimiter, snapshots } = setUp(() => []);
    rateLimiter.consume.mockRejectedValueOnce(new DomainError('CLIENT_RATE_LIMITED', 'Too many calls to client alpha'));

    const outcome = await snapshotter.refresh(client, running());

    expect(outcome).toEqual({ kind: 'kept', reason: 'Too many calls to client alpha' });
    expect(paths).toEqual([]);
    expect(snapshots.replace).not.toHaveBeenCalled();
  });

  it('stores an empty snapshot when the remote has no agents (its old agents were deleted)', async () => {
    const { snapshotter, replaced } = setUp(() => []);

    expect(await snapshotter.refresh(client, running())).toEqual({
      kind: 'replaced',
      agents: 0,
      skipped: 0,
      truncated: false,
    });
    expect(replaced).toEqual([{ clientId: client.id, agents: [] }]);
  });

  it('does not replace anything when the probe round is stopped', async () => {
    const controller = new AbortController();
    controller.abort();
    const { snapshotter, paths, snapshots } = setUp(() => []);

    expect((await snapshotter.refresh(client, controller.signal)).kind).toBe('kept');
    expect(paths).toEqual([]);
    expect(snapshots.replace).not.toHaveBeenCalled();
  });
});
