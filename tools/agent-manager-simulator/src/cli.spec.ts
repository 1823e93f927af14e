import { OPTIONS, parseCli, USAGE } from './cli';

describe('parseCli', () => {
  it('reads the Socket.IO flags and WEBSOCKET_PORT', () => {
    expect(parseCli(['--ws-port', '0', '--stats-interval-ms', '100']).options).toEqual({
      wsPort: 0,
      statsIntervalMs: 100,
    });
    expect(parseCli([], { WEBSOCKET_PORT: '9090' }).options).toEqual({ wsPort: 9090 });
    expect(() => parseCli(['--ws-port', 'x'])).toThrow('--ws-port must be an integer');
  });

  it('reads flags', () => {
    const { options, help } = parseCli([
      '--port',
      '4555',
      '--host',
      '0.0.0.0',
      '--api-key',
      'k',
      '--git-repository-url',
      'https://x/y.git',
      '--production',
      '--cors-origin',
      'https://a.example,https://b.example',
      '--cors-origin',
      'https://c.example',
      '--rate-limit',
      '5',
      '--rate-limit-ttl',
      '2',
      '--rate-limit-scope',
      'ip',
      '--latency-ms',
      '100',
      '--fail-status',
      '503',
      '--fail-rate',
      '0.25',
      '--garbage',
      'html',
      '--drop-connections',
      '--fault-path',
      '^/api/agents',
      '--control-token',
      't',
    ]);
    expect(help).toBe(false);
    expect(options).toEqual({
      port: 4555,
      host: '0.0.0.0',
      apiKey: 'k',
      gitRepositoryUrl: 'https://x/y.git',
      production: true,
      corsOrigins: ['https://a.example', 'https://b.example', 'https://c.example'],
      rateLimit: 5,
      rateLimitTtlSeconds: 2,
      rateLimitScope: 'ip',
      controlToken: 't',
      faults: {
        latencyMs: 100,
        status5xx: 503,
        failRate: 0.25,
        garbage: 'html',
        dropConnections: true,
        pathPattern: '^/api/agents',
      },
    });
  });

  it('falls back to the real manager environment variables, flags winning', () => {
    const env = {
      PORT: '3100',
      STATIC_API_KEY: 'env-key',
      GIT_REPOSITORY_URL: 'https://e/r.git',
      CORS_ORIGIN: 'https://o',
    };
    expect(parseCli([], env).options).toEqual({
      port: 3100,
      apiKey: 'env-key',
      gitRepositoryUrl: 'https://e/r.git',
      corsOrigins: ['https://o'],
    });
    expect(parseCli(['--port', '0', '--api-key', 'flag'], env).options).toMatchObject({ port: 0, apiKey: 'flag' });
  });

  it.each([
    [['--port', 'x']],
    [['--port', '70000']],
    [['--fail-status', '404']],
    [['--fail-rate', '1.5']],
    [['--garbage', 'xml']],
    [['--auth', 'basic']],
    [['--rate-limit', '0']],
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
