import { OPTIONS, parseCli, USAGE } from './cli';

describe('parseCli', () => {
  it('reads every flag', () => {
    const { options, help } = parseCli([
      '--hetzner-port',
      '4610',
      '--digitalocean-port',
      '0',
      '--providers',
      'hetzner',
      '--host',
      '0.0.0.0',
      '--token',
      't',
      '--hetzner-token',
      'h',
      '--hetzner-readonly-token',
      'r',
      '--digitalocean-token',
      'd',
      '--control-token',
      'c',
      '--boot-ms',
      '500',
      '--delete-ms',
      '100',
      '--log-requests',
      '--agent-manager-bin',
      '/x/main.js',
      '--address-prefix',
      '127.0.7',
      '--agent-manager-port',
      '3100',
      '--agent-manager-ws-port',
      '8100',
    ]);
    expect(help).toBe(false);
    expect(options).toEqual({
      hetznerPort: 4610,
      digitaloceanPort: 0,
      providers: ['hetzner'],
      host: '0.0.0.0',
      token: 't',
      hetzner: { token: 'h', readOnlyToken: 'r' },
      digitalocean: { token: 'd' },
      controlToken: 'c',
      bootMs: 500,
      deleteMs: 100,
      logRequests: true,
      agentManager: { bin: '/x/main.js', addressPrefix: '127.0.7', port: 3100, wsPort: 8100 },
    });
  });

  it('switches agent-managers off', () => {
    expect(parseCli(['--no-agent-manager']).options).toEqual({ agentManager: { enabled: false } });
  });

  it.each([
    [['--hetzner-port', 'x']],
    [['--digitalocean-port', '70000']],
    [['--providers', 'aws']],
    [['--boot-ms', '-1']],
    [['--nope']],
    [['positional']],
  ])('rejects %j', (argv) => {
    expect(() => parseCli(argv)).toThrow();
  });

  it('recognises --help', () => {
    expect(parseCli(['-h']).help).toBe(true);
    expect(parseCli(['--help']).help).toBe(true);
  });

  it('lists every flag it takes in the --help text', () => {
    for (const name of Object.keys(OPTIONS)) {
      expect(USAGE).toMatch(new RegExp(`^ +(-h, )?--${name}(?=[ ,]|$)`, 'm'));
    }
  });
});
