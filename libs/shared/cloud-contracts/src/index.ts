export * from './lib/digitalocean';
export * from './lib/hetzner';
