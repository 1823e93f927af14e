/**
 * GET /api/clients with 10,000 clients on the PostgreSQL server, 10 concurrent requests.
 * Target: p95 ≤ 15 ms. Usage: TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:clients
 */
import { EncryptionKeyring } from '@agent-controller/database';
import { createTestDatabase } from '@agent-controller/database/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startBenchController } from './controller';
import { httpGet, runLoad } from './load';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 10_000);
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 5_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 10);

async function seed(url: string, keyring: EncryptionKeyring): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
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
        );
        rows.push(
          `($${offset + 1}, $${offset + 2}, 'api_key', $${offset + 3}, $${offset + 4}::jsonb, $${offset + 5}, now(), now() - interval '${i} seconds')`,
        );
      }
      await db.query(
        `INSERT INTO clients (name, endpoint, authentication_type, api_key, config, health_state, health_checked_at, created_at) VALUES ${rows.join(',')}`,
        values,
      );
    }
    await db.query('ANALYZE clients');
  } finally {
    await db.end();
  }
}

async function main(): Promise<void> {
  if (!process.env['TEST_DATABASE_URL'])
    throw new Error('Set TEST_DATABASE_URL (the benchmark runs on the PostgreSQL server)');
  const database = await createTestDatabase('server');
  const key = randomBytes(32);
  const apiKey = randomBytes(32).toString('base64url');
  const controller = await startBenchController({
    ...database.env,
    AUTHENTICATION_METHOD: 'api-key',
    STATIC_API_KEY: apiKey,
    ENCRYPTION_KEY: key.toString('base64'),
    // The prober would call 10,000 unreachable remotes; listing must not depend on it anyway.
    CLIENT_HEALTH_INTERVAL: '86400',
  });
  try {
    await seed(database.env['DATABASE_URL'], new EncryptionKeyring(key));
    const headers = { authorization: `Bearer ${apiKey}` };
    const scenarios: [string, string][] = [
      ['first page (limit 10)', '/api/clients'],
      ['deep page (limit 100, offset 9000)', '/api/clients?limit=100&offset=9000'],
      ['search + health filter', '/api/clients?search=client-99&health=healthy'],
    ];
    console.log(`GET /api/clients — ${CLIENTS} clients, ${CONCURRENCY} concurrent, ${REQUESTS} requests per scenario`);
    const only = process.env['BENCH_SCENARIO'];
    for (const [name, path] of scenarios.filter(([name]) => !only || name.startsWith(only))) {
      const send = async () => {
        const response = await httpGet(`${controller.baseUrl}${path}`, headers);
        return response.status === 200 && response.headers['x-total-count'] !== undefined;
      };
      await runLoad(send, { concurrency: CONCURRENCY, requests: 500 }); // warm-up
      const result = await runLoad(send, { concurrency: CONCURRENCY, requests: REQUESTS });
      console.log(
        `${name.padEnd(36)} p50 ${result.p50} ms  p95 ${result.p95} ms  p99 ${result.p99} ms  ${result.throughput} req/s  errors ${result.errors}`,
      );
    }
  } finally {
    await controller.stop();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
