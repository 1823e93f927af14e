export * from './lib/remote-agent-proxy.module';
export { AgentSnapshotsRepository } from './lib/fleet-agents/agent-snapshots.repository';
