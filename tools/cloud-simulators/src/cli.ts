import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

import { CLOUD_PROVIDERS, type CloudProviderName, type CloudSimulatorsOptions } from './options';

export const USAGE = `Usage: node dist/tools/cloud-simulators/main.js [options]

Simulates the Hetzner Cloud API v1 and the DigitalOcean API v2 (the parts provisioning uses), each on its own
port with a control API under /_simulator. Running servers get an agent-manager simulator on their own
loopback address (127.0.1.N:3000), configured from their cloud-init user data.

Servers
  --hetzner-port <n>            Hetzner port, 0 = any free one (default 0)
  --digitalocean-port <n>       DigitalOcean port, 0 = any free one (default 0)
  --providers <list>            which to start: hetzner,digitalocean (default both)
  --host <addr>                 bind address (default 127.0.0.1)
  --token <t>                   API token of both (generated when absent)
  --hetzner-token <t>           Hetzner API token (default --token)
  --hetzner-readonly-token <t>  Hetzner read-only token: writes get 401 token_readonly (generated when absent)
  --digitalocean-token <t>      DigitalOcean API token (default --token)
  --control-token <t>           token of the control APIs (generated when absent)
  --boot-ms <n>                 create → running/active (default 3000)
  --delete-ms <n>               Hetzner: how long a deleted server shows "deleting" (default 1000)
  --log-requests                log every request to stderr

Agent-managers
  --agent-manager-bin <path>    built agent-manager simulator
                                (default dist/tools/agent-manager-simulator/main.js)
  --no-agent-manager            servers boot without an agent-manager
  --address-prefix <127.X.Y>    servers' public IPv4 addresses are <prefix>.1-254 (default 127.0.1)
  --agent-manager-port <n>      agent-manager HTTP port unless the env file sets PORT (default 3000)
  --agent-manager-ws-port <n>   Socket.IO port unless the env file sets WEBSOCKET_PORT (default 8080)

  -h, --help                    this text

Faults are set at runtime: POST /_simulator/faults on each simulator (see README).

On start one JSON line per simulator goes to stdout:
  {"event":"listening","provider":"hetzner","url":"http://127.0.0.1:PORT/v1","controlUrl":...,"token":...,
   "readOnlyToken":...,"controlToken":...,"pid":...}
  {"event":"listening","provider":"digitalocean","url":"http://127.0.0.1:PORT","controlUrl":...,"token":...,
   "controlToken":...,"pid":...}
`;

/** Every flag the command line takes (each one is in USAGE: cli.spec.ts checks). */
export const OPTIONS = {
  'hetzner-port': { type: 'string' },
  'digitalocean-port': { type: 'string' },
  providers: { type: 'string' },
  host: { type: 'string' },
  token: { type: 'string' },
  'hetzner-token': { type: 'string' },
  'hetzner-readonly-token': { type: 'string' },
  'digitalocean-token': { type: 'string' },
  'control-token': { type: 'string' },
  'boot-ms': { type: 'string' },
  'delete-ms': { type: 'string' },
  'log-requests': { type: 'boolean' },
  'agent-manager-bin': { type: 'string' },
  'no-agent-manager': { type: 'boolean' },
  'address-prefix': { type: 'string' },
  'agent-manager-port': { type: 'string' },
  'agent-manager-ws-port': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsOptionsConfig;

export interface CliResult {
  help: boolean;
  options: CloudSimulatorsOptions;
}

function integer(flag: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new Error(`--${flag} must be an integer between ${min} and ${max}, got '${value}'`);
  }
  return Number(value);
}

export function parseCli(argv: string[]): CliResult {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: OPTIONS,
  });

  const options: CloudSimulatorsOptions = {};
  if (values['hetzner-port'] !== undefined)
    options.hetznerPort = integer('hetzner-port', values['hetzner-port'], 0, 65535);
  if (values['digitalocean-port'] !== undefined) {
    options.digitaloceanPort = integer('digitalocean-port', values['digitalocean-port'], 0, 65535);
  }
  if (values.providers !== undefined) {
    const providers = values.providers.split(',').map((name) => name.trim());
    const unknown = providers.filter((name) => !(CLOUD_PROVIDERS as readonly string[]).includes(name));
    if (unknown.length > 0 || providers.length === 0) {
      throw new Error(`--providers takes ${CLOUD_PROVIDERS.join(', ')}, got '${values.providers}'`);
    }
    options.providers = providers as CloudProviderName[];
  }
  if (values.host !== undefined) options.host = values.host;
  if (values.token) options.token = values.token;
  if (values['hetzner-token'] || values['hetzner-readonly-token']) {
    options.hetzner = {
      ...(values['hetzner-token'] ? { token: values['hetzner-token'] } : {}),
      ...(values['hetzner-readonly-token'] ? { readOnlyToken: values['hetzner-readonly-token'] } : {}),
    };
  }
  if (values['digitalocean-token']) options.digitalocean = { token: values['digitalocean-token'] };
  if (values['control-token']) options.controlToken = values['control-token'];
  if (values['boot-ms'] !== undefined) options.bootMs = integer('boot-ms', values['boot-ms'], 0, 3_600_000);
  if (values['delete-ms'] !== undefined) options.deleteMs = integer('delete-ms', values['delete-ms'], 0, 3_600_000);
  if (values['log-requests']) options.logRequests = true;

  const agentManager: NonNullable<CloudSimulatorsOptions['agentManager']> = {};
  if (values['agent-manager-bin'] !== undefined) agentManager.bin = values['agent-manager-bin'];
  if (values['no-agent-manager']) agentManager.enabled = false;
  if (values['address-prefix'] !== undefined) agentManager.addressPrefix = values['address-prefix'];
  if (values['agent-manager-port'] !== undefined) {
    agentManager.port = integer('agent-manager-port', values['agent-manager-port'], 1, 65535);
  }
  if (values['agent-manager-ws-port'] !== undefined) {
    agentManager.wsPort = integer('agent-manager-ws-port', values['agent-manager-ws-port'], 1, 65535);
  }
  if (Object.keys(agentManager).length > 0) options.agentManager = agentManager;

  return { help: values.help === true, options };
}
