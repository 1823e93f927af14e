import { createServer } from 'node:net';
import { RedisConnection } from './redis-connection';

/** A loopback port nothing listens on now (a Redis that is down, or where a test proxy will listen). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** The connection's command client; the specs that call this configure REDIS_URL, so there is one. */
export function commandsOf(connection: RedisConnection) {
  if (!connection.client) throw new Error('REDIS_URL is not configured');
  return connection.client;
}
