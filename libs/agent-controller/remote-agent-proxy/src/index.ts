export * from './lib/remote-agent-proxy.module';
