import { parseAgentsPage, runningFromContainerStats, SNAPSHOT_DESCRIPTION_MAX } from './agent-snapshot.parser';

const agent = (overrides: Record<string, unknown> = {}) => ({
  id: '0b6f1c2e-5d1a-4c3b-9e8f-7a6b5c4d3e2f',
  name: 'reviewer',
  description: 'Reviews pull requests',
  agentType: 'cursor',
  containerType: 'generic',
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  ...overrides,
});

describe('parseAgentsPage', () => {
  it('keeps the fields the snapshot needs from a contract AgentResponseDto', () => {
    expect(parseAgentsPage([agent()])).toEqual({
      agents: [
        {
          agentId: '0b6f1c2e-5d1a-4c3b-9e8f-7a6b5c4d3e2f',
          name: 'reviewer',
          description: 'Reviews pull requests',
          agentType: 'cursor',
          containerType: 'generic',
          remoteCreatedAt: new Date('2026-12-01T10:00:00.000Z'),
        },
      ],
      received: 1,
      skipped: 0,
    });
  });

  it('accepts the optional fields missing or null, and an unreadable createdAt as unknown', () => {
    const [parsed] = parseAgentsPage([
      { id: '0B6F1C2E-5D1A-4C3B-9E8F-7A6B5C4D3E2F', name: 'bare', description: null, createdAt: 'yesterday' },
    ]).agents;
    expect(parsed).toEqual({
      agentId: '0b6f1c2e-5d1a-4c3b-9e8f-7a6b5c4d3e2f',
      name: 'bare',
      description: null,
      agentType: null,
      containerType: null,
      remoteCreatedAt: null,
    });
  });

  it('leaves out rows that are not agents but keeps the others and counts what it received', () => {
    const page = parseAgentsPage([
      agent({ id: 'not-a-uuid' }),
      agent({ name: '' }),
      agent({ name: 42 }),
      null,
      'agent',
      agent({ agentType: { nested: true } }),
      agent({ id: 'a9d8c7b6-5e4f-4a3b-8c2d-1e0f9a8b7c6d', name: 'kept' }),
    ]);
    expect(page.agents.map((parsed) => parsed.name)).toEqual(['kept']);
    expect(page.received).toBe(7);
    expect(page.skipped).toBe(6);
  });

  it('cuts an overlong description instead of dropping the agent', () => {
    const [parsed] = parseAgentsPage([agent({ description: 'x'.repeat(SNAPSHOT_DESCRIPTION_MAX + 500) })]).agents;
    expect(parsed.description).toHaveLength(SNAPSHOT_DESCRIPTION_MAX);
  });
});

describe('runningFromContainerStats', () => {
  it('reads the running flag of a successful containerStats envelope', () => {
    const stats = (running: boolean) => ({
      success: true,
      data: { status: { running }, stats: null, timestamp: '2026-12-01T10:00:00.000Z' },
      timestamp: '2026-12-01T10:00:00.000Z',
    });
    expect(runningFromContainerStats(stats(true))).toBe(true);
    expect(runningFromContainerStats(stats(false))).toBe(false);
  });

  it('says nothing for a failure envelope or a malformed payload', () => {
    expect(runningFromContainerStats({ success: false, error: { message: 'no container' } })).toBeUndefined();
    expect(runningFromContainerStats({ success: true, data: { status: { running: 'yes' } } })).toBeUndefined();
    expect(runningFromContainerStats(undefined)).toBeUndefined();
  });
});
