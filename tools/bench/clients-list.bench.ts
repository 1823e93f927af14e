/**
 * GET /api/clients with 10,000 clients on the PostgreSQL server, 10 concurrent requests (users mode).
 * Scenarios: a global admin's first page, deep page and filtered search (every client visible), the admin's list
 * filtered by a label selector and by environment and selector, a non-admin member of 100 of the clients listing
 * them (`limit=100`) and by a selector, and a member of one of 50 teams (200 clients each) listing its team's clients
 * and filtering them by team and selector. Target for the members: p95 ≤ 15 ms.
 * Usage: TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:clients
 */
import { EncryptionKeyring } from '@agent-controller/database';
import { createTestDatabase } from '@agent-controller/database/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { BenchController, firstAdminToken, newUser, startBenchController } from './controller';
import { loadavg } from 'node:os';
import { httpGet, markdownTable, runLoad } from './load';
import { env } from './settings';

const CLIENTS = env('BENCH_CLIENTS', 10_000);
const REQUESTS = env('BENCH_REQUESTS', 5_000);
const CONCURRENCY = env('BENCH_CONCURRENCY', 10);
/** The member's clients, spread evenly over the list (every CLIENTS / MEMBER_OF-th): no page of others to skip. */
const MEMBER_OF = 100;
/** Other users' memberships, so the benchmark user's 100 are a small part of client_users, as in production. */
const OTHER_USERS = 10;
const OTHER_MEMBERSHIPS_EACH = 1_000;
const TARGET_P95_MS = 15;
/** Clients are spread over the teams by index (client i in team i % TEAMS); the team member is in TEAM_OF_MEMBER. */
const TEAMS = 50;
const TEAM_OF_MEMBER = 7;
/** Other users' team memberships, so team_members is not only the benchmark user's. */
const TEAMS_PER_OTHER_USER = 5;
const inMembersTeam = (i: number) => i % TEAMS === TEAM_OF_MEMBER;

/** Each seeded client's environment and labels: a pattern by index, so every selector's total is known. */
const ENVIRONMENTS = ['production', 'staging', 'development'];
const REGIONS = ['eu', 'us', 'ap', 'sa'];
const TIERS = ['web', 'api', 'worker'];
const APPS = 50;
function seededEnvironment(i: number): string {
  return ENVIRONMENTS[i % ENVIRONMENTS.length];
}
interface SeededLabels {
  app: string;
  region: string;
  tier: string;
  deprecated?: string;
}
function seededLabels(i: number): SeededLabels {
  return {
    app: `app-${i % APPS}`,
    region: REGIONS[i % REGIONS.length],
    tier: TIERS[Math.floor(i / 7) % TIERS.length],
    // Every 10th client is marked deprecated (an empty value), as a selector's `!deprecated` leaves out.
    ...(i % 10 === 0 ? { deprecated: '' } : {}),
  };
}
const countSeeded = (matches: (i: number) => boolean) =>
  Array.from({ length: CLIENTS }, (_, i) => i).filter(matches).length;
/** The selector scenario's selector and what it matches of the seeded clients. */
const SELECTOR = 'region in (eu,us),tier=web,!deprecated';
const matchesSelector = (i: number) => {
  const labels = seededLabels(i);
  return ['eu', 'us'].includes(labels.region) && labels.tier === 'web' && labels.deprecated === undefined;
};

/** The teams, in order (team t holds the clients i with i % TEAMS === t). */
async function seedTeams(db: Client): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO teams (name, default_labels) SELECT 'bench-team-' || n, '{}' FROM generate_series(0, $1 - 1) AS n
     ORDER BY n RETURNING id`,
    [TEAMS],
  );
  return rows.map((row) => row.id);
}

async function seedClients(db: Client, keyring: EncryptionKeyring, teamIds: string[]): Promise<void> {
  // Realistic rows: encrypted keys, stored config and health, as the registry writes them.
  const config = JSON.stringify({
    gitRepositoryUrl: 'https://example.com/repo.git',
    agentTypes: [{ type: 'cursor', displayName: 'Cursor' }],
    fetchedAt: new Date().toISOString(),
  });
  for (let start = 0; start < CLIENTS; start += 1000) {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (let i = start; i < Math.min(start + 1000, CLIENTS); i++) {
      const offset = values.length;
      values.push(
        `bench-client-${i}`,
        `https://agents-${i}.example.com`,
        keyring.encrypt(randomBytes(32).toString('base64url')),
        config,
        i % 2 ? 'healthy' : 'unreachable',
        seededEnvironment(i),
        JSON.stringify(seededLabels(i)),
        teamIds[i % TEAMS],
      );
      rows.push(
        `($${offset + 1}, $${offset + 2}, 'api_key', $${offset + 3}, $${offset + 4}::jsonb, $${offset + 5}, now(), now() - interval '${i} seconds', $${offset + 6}, $${offset + 7}::jsonb, $${offset + 8}::uuid)`,
      );
    }
    await db.query(
      `INSERT INTO clients (name, endpoint, authentication_type, api_key, config, health_state, health_checked_at, created_at, environment, labels, team_id) VALUES ${rows.join(',')}`,
      values,
    );
  }
}

const memberStep = () => Math.max(1, Math.floor(CLIENTS / MEMBER_OF));

/** The benchmark member in every (CLIENTS / MEMBER_OF)-th client; each other user in a random OTHER_MEMBERSHIPS_EACH. */
async function seedMemberships(db: Client, memberId: string, otherIds: string[]): Promise<void> {
  await db.query(
    `INSERT INTO client_users (client_id, user_id, role)
     SELECT id, $1, 'user' FROM (SELECT id, row_number() OVER (ORDER BY created_at DESC) AS n FROM clients) ranked
     WHERE n % $2 = 0`,
    [memberId, memberStep()],
  );
  for (const userId of otherIds) {
    await db.query(
      `INSERT INTO client_users (client_id, user_id, role)
       SELECT id, $1, 'user' FROM clients ORDER BY random() LIMIT $2`,
      [userId, OTHER_MEMBERSHIPS_EACH],
    );
  }
}

/** The team member in their team; each other user in TEAMS_PER_OTHER_USER random teams. */
async function seedTeamMemberships(db: Client, teamIds: string[], teamMemberId: string, otherIds: string[]) {
  await db.query(`INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, 'member')`, [
    teamIds[TEAM_OF_MEMBER],
    teamMemberId,
  ]);
  for (const userId of otherIds) {
    await db.query(
      `INSERT INTO team_members (team_id, user_id, role) SELECT id, $1, 'member' FROM teams ORDER BY random() LIMIT $2`,
      [userId, TEAMS_PER_OTHER_USER],
    );
  }
}

async function users(controller: BenchController) {
  const admin = await firstAdminToken(controller);
  const logIn = async (email: string) => {
    const user = await newUser(controller, admin, email);
    return { id: user.id, token: await user.logIn() };
  };
  const member = await logIn('member@example.com');
  const teamMember = await logIn('team.member@example.com');
  const others: string[] = [];
  for (let i = 0; i < OTHER_USERS; i++) others.push((await newUser(controller, admin, `other-${i}@example.com`)).id);
  return { admin, member, teamMember, others };
}

async function main(): Promise<void> {
  if (!process.env['TEST_DATABASE_URL'])
    throw new Error('Set TEST_DATABASE_URL (the benchmark runs on the PostgreSQL server)');
  const database = await createTestDatabase('server');
  const key = randomBytes(32);
  const controller = await startBenchController({
    ...database.env,
    AUTHENTICATION_METHOD: 'users',
    JWT_SECRET: randomBytes(48).toString('base64'),
    ENCRYPTION_KEY: key.toString('base64'),
    // The prober would call 10,000 unreachable remotes; listing must not depend on it anyway.
    CLIENT_HEALTH_INTERVAL: '86400',
  });
  try {
    const { admin, member, teamMember, others } = await users(controller);
    const db = new Client({ connectionString: database.env['DATABASE_URL'] });
    await db.connect();
    let teamIds: string[];
    try {
      teamIds = await seedTeams(db);
      await seedClients(db, new EncryptionKeyring(key), teamIds);
      await seedMemberships(db, member.id, others);
      // The other users are in teams too, so the team member's memberships are a small part of team_members.
      await seedTeamMemberships(db, teamIds, teamMember.id, others);
      // As autovacuum would by now: the GIN index's pending list is merged, and the planner has statistics.
      await db.query('VACUUM ANALYZE clients');
      await db.query('ANALYZE client_users');
      await db.query('ANALYZE team_members');
    } finally {
      await db.end();
    }
    const scenarios: { name: string; path: string; token: string; expectedTotal?: number; target?: number }[] = [
      { name: 'admin: first page (limit 10)', path: '/api/clients', token: admin },
      { name: 'admin: deep page (limit 100, offset 9000)', path: '/api/clients?limit=100&offset=9000', token: admin },
      { name: 'admin: search + health filter', path: '/api/clients?search=client-99&health=healthy', token: admin },
      {
        name: `admin: selector ${SELECTOR}`,
        path: `/api/clients?selector=${encodeURIComponent(SELECTOR)}`,
        token: admin,
        expectedTotal: countSeeded(matchesSelector),
      },
      {
        name: 'admin: environment=staging + selector app=app-7',
        path: `/api/clients?environment=staging&selector=${encodeURIComponent('app=app-7')}`,
        token: admin,
        expectedTotal: countSeeded((i) => seededEnvironment(i) === 'staging' && seededLabels(i).app === 'app-7'),
      },
      {
        name: `member of ${MEMBER_OF}: limit 100`,
        path: '/api/clients?limit=100',
        token: member.token,
        expectedTotal: Math.min(MEMBER_OF, CLIENTS),
        target: TARGET_P95_MS,
      },
      {
        name: `member of ${MEMBER_OF}: selector tier=web`,
        path: `/api/clients?limit=100&selector=${encodeURIComponent('tier=web')}`,
        token: member.token,
        // The member's clients are every (CLIENTS / MEMBER_OF)-th, newest first: indexes step - 1, 2 * step - 1, …
        expectedTotal: countSeeded((i) => (i + 1) % memberStep() === 0 && seededLabels(i).tier === 'web'),
      },
      {
        name: `team member (${TEAMS} teams): limit 100`,
        path: '/api/clients?limit=100',
        token: teamMember.token,
        expectedTotal: countSeeded(inMembersTeam),
        target: TARGET_P95_MS,
      },
      {
        name: `team member (${TEAMS} teams): teamId + selector tier=web`,
        path: `/api/clients?limit=100&teamId=${teamIds[TEAM_OF_MEMBER]}&selector=${encodeURIComponent('tier=web')}`,
        token: teamMember.token,
        expectedTotal: countSeeded((i) => inMembersTeam(i) && seededLabels(i).tier === 'web'),
        target: TARGET_P95_MS,
      },
    ];
    const load = () =>
      `load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')}`;
    console.log(
      `GET /api/clients — ${CLIENTS} clients in ${TEAMS} teams, ${OTHER_USERS * OTHER_MEMBERSHIPS_EACH + MEMBER_OF} memberships, ` +
        `${CONCURRENCY} concurrent, ${REQUESTS} requests per scenario (users mode); ${load()}`,
    );
    const rows = [['scenario', 'concurrency', 'p50', 'p95', 'p99', 'throughput', 'errors', 'target']];
    const only = process.env['BENCH_SCENARIO'];
    for (const { name, path, token, expectedTotal, target } of scenarios.filter(
      ({ name }) => !only || name.startsWith(only),
    )) {
      const headers = { authorization: `Bearer ${token}` };
      const send = async () => {
        const response = await httpGet(`${controller.baseUrl}${path}`, headers);
        const total = response.headers['x-total-count'];
        const ok =
          response.status === 200 &&
          total !== undefined &&
          (expectedTotal === undefined || Number(total) === expectedTotal);
        return ok || `${response.status}, X-Total-Count ${total}`;
      };
      await runLoad(send, { concurrency: CONCURRENCY, requests: 500 }); // warm-up
      const result = await runLoad(send, { concurrency: CONCURRENCY, requests: REQUESTS });
      const verdict = target === undefined ? '' : `p95 ≤ ${target} ms: ${result.p95 <= target ? 'met' : '**missed**'}`;
      console.log(`${name}: ${JSON.stringify({ ...result, latencies: undefined })}`);
      rows.push([
        name,
        String(CONCURRENCY),
        `${result.p50} ms`,
        `${result.p95} ms`,
        `${result.p99} ms`,
        `${result.throughput} req/s`,
        String(result.errors),
        verdict,
      ]);
    }
    console.log(`\n${markdownTable(rows)}\n\n(${load()})`);
  } finally {
    await controller.stop();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
