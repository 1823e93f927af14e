import request from 'supertest';

import type { SimulatorOptions } from '../options';
import { startSimulator, type SimulatorHandle } from '../simulator';

export const TEST_API_KEY = 'test-api-key';
export const TEST_CONTROL_TOKEN = 'test-control-token';
export const AUTH = { Authorization: `Bearer ${TEST_API_KEY}` } as const;
export const CONTROL_AUTH = { Authorization: `Bearer ${TEST_CONTROL_TOKEN}` } as const;
export const REPO = 'https://git.example.com/acme/repo.git';

/** A simulator on a free port with known secrets and a configured repository. */
export function startTestSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  return startSimulator({
    port: 0,
    wsPort: 0,
    apiKey: TEST_API_KEY,
    controlToken: TEST_CONTROL_TOKEN,
    gitRepositoryUrl: REPO,
    ...options,
  });
}

export function http(sim: SimulatorHandle): ReturnType<typeof request> {
  return request(sim.url);
}

/** Creates an agent through the API and returns the 201 body. */
export async function createAgent(
  sim: SimulatorHandle,
  body: Record<string, unknown>,
): Promise<Record<string, unknown> & { id: string; password: string }> {
  const res = await http(sim).post('/api/agents').set(AUTH).send(body);
  if (res.status !== 201) {
    throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as Record<string, unknown> & { id: string; password: string };
}

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';
/** A valid v4 UUID nobody uses. */
export const UNKNOWN_ID = '8f0a4d4e-6a59-4b8e-9f6c-1d2e3f4a5b6c';
