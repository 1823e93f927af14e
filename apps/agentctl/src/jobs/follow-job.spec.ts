import { createAgentControllerClient } from '@agent-controller/sdk';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { followJob } from './follow-job';

const JOB_ID = '22222222-2222-4222-8222-222222222222';
const job = (status: string, updatedAt: string) => ({ id: JOB_ID, status, steps: [], updatedAt });

describe('followJob', () => {
  let server: Server;
  let baseUrl: string;
  let reads = 0;

  beforeAll(async () => {
    // A real HTTP server with the jobs route and no Socket.IO: the gateway fails, polling must carry on.
    server = createServer((request, response) => {
      if (request.url !== `/api/provisioning/jobs/${JOB_ID}`) {
        response.writeHead(404).end();
        return;
      }
      reads++;
      const body =
        reads < 3 ? job('running', `2030-01-01T00:00:0${reads}.000Z`) : job('succeeded', '2030-01-01T00:00:09.000Z');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('falls back to polling when the gateway cannot be reached, and resolves with the finished job', async () => {
    const updates: string[] = [];
    const modes: string[] = [];
    const finished = await followJob({
      api: createAgentControllerClient({ baseUrl, token: 't' }),
      baseUrl,
      token: 't',
      jobId: JOB_ID,
      onUpdate: (update) => updates.push(update.status),
      onMode: (mode, reason) => modes.push(`${mode}${reason ? `: ${reason}` : ''}`),
      pollMs: 50,
      safetyPollMs: 5000,
      connectTimeoutMs: 2000,
    });
    expect(finished.status).toBe('succeeded');
    expect(updates).toEqual(['running', 'running', 'succeeded']);
    expect(modes).toEqual([expect.stringMatching(/^polling: cannot connect to the gateway: /)]);
  });
});
