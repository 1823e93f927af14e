import { AppConfig, DomainError } from '@agent-controller/core';
import { lookup } from 'node:dns/promises';
import { EndpointPolicy, isInternalAddress } from './endpoint-policy';
import { RemoteCallError } from './remote-call.error';

// The real resolver by default; single tests make a name resolve where they need it to.
jest.mock('node:dns/promises', () => {
  const actual = jest.requireActual<typeof import('node:dns/promises')>('node:dns/promises');
  return { ...actual, lookup: jest.fn(actual.lookup) };
});

type LookupAll = (host: string, options: object) => Promise<{ address: string; family: number }[]>;
const lookupMock = lookup as unknown as jest.MockedFunction<LookupAll>;

function policyWith(clients: Partial<AppConfig['clients']> = {}): EndpointPolicy {
  const config = {
    clients: {
      healthIntervalMs: 30_000,
      healthTimeoutMs: 5000,
      healthConcurrency: 10,
      degradedLatencyMs: 2000,
      endpointAllowedHosts: [],
      allowInternalHosts: false,
      ...clients,
    },
    remote: { requestTimeoutMs: 5000 },
    keycloak: {},
  };
  return new EndpointPolicy(config as AppConfig);
}

function refusal(policy: EndpointPolicy, raw: string): DomainError {
  try {
    policy.normalizeEndpoint(raw);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`expected ${raw} to be refused`);
}

async function resolveFailure(policy: EndpointPolicy, url: string): Promise<RemoteCallError> {
  try {
    await policy.resolve(new URL(url));
  } catch (error) {
    if (error instanceof RemoteCallError) return error;
    throw error;
  }
  throw new Error(`expected ${url} not to resolve`);
}

describe('isInternalAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '100.127.255.255',
    '169.254.169.254',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::FFFF:10.1.2.3',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '::ffff:c0a8:101',
    '0:0:0:0:0:ffff:7f00:1',
    '64:ff9b::7f00:1',
  ])('treats %s as internal', (address) => {
    expect(isInternalAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '11.0.0.1',
    '192.169.0.1',
    '2606:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
  ])('treats %s as public', (address) => {
    expect(isInternalAddress(address)).toBe(false);
  });

  it.each(['', 'localhost', 'example.com', '999.1.1.1', '[::1]'])('fails closed on the non-address %p', (value) => {
    expect(isInternalAddress(value)).toBe(true);
  });
});

describe('EndpointPolicy.normalizeEndpoint', () => {
  const open = policyWith({ allowInternalHosts: true });
  const strict = policyWith({ allowInternalHosts: false });

  it.each([
    ['https://agents.example.com', 'https://agents.example.com'],
    ['https://agents.example.com/', 'https://agents.example.com'],
    ['https://agents.example.com///', 'https://agents.example.com'],
    ['https://agents.example.com/base/path/', 'https://agents.example.com/base/path'],
    ['http://agents.example.com:8080/v1', 'http://agents.example.com:8080/v1'],
    ['https://agents.example.com:443/', 'https://agents.example.com'],
    ['HTTPS://Agents.EXAMPLE.com/Base', 'https://agents.example.com/Base'],
  ])('stores %s as %s', (raw, stored) => {
    expect(open.normalizeEndpoint(raw)).toBe(stored);
  });

  it.each([
    ['ftp://agents.example.com', 'http or https'],
    ['javascript:alert(1)', 'http or https'],
    ['file:///etc/passwd', 'http or https'],
    ['https://user:pass@agents.example.com', 'credentials'],
    ['https://user@agents.example.com', 'credentials'],
    ['https://agents.example.com/?q=1', 'query or fragment'],
    ['https://agents.example.com/#f', 'query or fragment'],
    ['https://agents.example.com/?', 'query or fragment'],
    ['https://agents.example.com/#', 'query or fragment'],
    ['not a url', 'absolute http(s) URL'],
    ['/relative/path', 'absolute http(s) URL'],
    ['', 'absolute http(s) URL'],
  ])('refuses %p with ENDPOINT_NOT_ALLOWED naming the endpoint field (%s)', (raw, reason) => {
    const error = refusal(open, raw);

    expect(error.code).toBe('ENDPOINT_NOT_ALLOWED');
    expect(error.status).toBe(400);
    expect(error.message).toContain(reason);
    const fields = error.details?.['fields'] as { field: string; location: string }[];
    expect(fields[0]).toMatchObject({ field: 'endpoint', location: 'body' });
  });

  it.each([
    'http://127.0.0.1:3000',
    'http://[::1]:3000',
    'http://localhost:3000',
    'http://LOCALHOST',
    'http://foo.localhost',
    'http://0.0.0.0',
    'http://169.254.169.254/latest/meta-data',
    'http://[::ffff:127.0.0.1]',
    'http://[0:0:0:0:0:ffff:7f00:1]',
    'http://100.64.1.1',
    'http://10.0.0.5',
    'http://192.168.0.10',
    'http://[fd00::1]',
    // Numeric forms the URL parser rewrites to 127.0.0.1.
    'http://2130706433',
    'http://0x7f.1',
    'http://127.1',
  ])('refuses the internal host of %s when internal hosts are not allowed', (raw) => {
    const error = refusal(strict, raw);

    expect(error.code).toBe('ENDPOINT_NOT_ALLOWED');
    expect(error.message).toContain('internal address');
  });

  it.each(['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000', 'http://10.0.0.5'])(
    'accepts the internal host of %s when internal hosts are allowed',
    (raw) => {
      expect(open.normalizeEndpoint(raw)).toBe(raw);
    },
  );

  it('accepts public names and addresses when internal hosts are not allowed', () => {
    expect(strict.normalizeEndpoint('https://agents.example.com/')).toBe('https://agents.example.com');
    expect(strict.normalizeEndpoint('http://8.8.8.8:8080')).toBe('http://8.8.8.8:8080');
    expect(strict.normalizeEndpoint('http://[2606:4700::1111]')).toBe('http://[2606:4700::1111]');
  });

  describe('with an allow-list', () => {
    const allowListed = policyWith({
      allowInternalHosts: true,
      endpointAllowedHosts: ['agents.internal.test', '*.example.com'],
    });

    it.each(['https://agents.internal.test', 'https://x.example.com', 'https://a.b.example.com/api-base'])(
      'accepts %s',
      (raw) => {
        expect(allowListed.normalizeEndpoint(raw)).toBe(raw);
      },
    );

    it.each([
      'https://example.com',
      'https://evil-example.com',
      'https://example.com.evil.test',
      'https://x.agents.internal.test',
      'https://other.test',
      'http://127.0.0.1',
    ])('refuses %s as not in CLIENT_ENDPOINT_ALLOWED_HOSTS', (raw) => {
      const error = refusal(allowListed, raw);

      expect(error.code).toBe('ENDPOINT_NOT_ALLOWED');
      expect(error.message).toContain('CLIENT_ENDPOINT_ALLOWED_HOSTS');
    });

    it('matches host names case-insensitively', () => {
      expect(allowListed.normalizeEndpoint('https://X.EXAMPLE.COM')).toBe('https://x.example.com');
    });
  });
});

describe('EndpointPolicy.resolve', () => {
  afterEach(() => {
    lookupMock.mockClear();
  });

  it('returns a literal IPv4 address as is, without DNS', async () => {
    const policy = policyWith({ allowInternalHosts: false });

    await expect(policy.resolve(new URL('http://8.8.8.8:8080/api'))).resolves.toEqual({
      address: '8.8.8.8',
      family: 4,
    });
    expect(lookupMock).not.toHaveBeenCalled();
  });

  it('returns a literal IPv6 address without brackets, family 6', async () => {
    const policy = policyWith({ allowInternalHosts: true });

    await expect(policy.resolve(new URL('http://[::1]:3000'))).resolves.toEqual({ address: '::1', family: 6 });
    expect(lookupMock).not.toHaveBeenCalled();
  });

  it('refuses a literal internal address as kind blocked when internal hosts are not allowed', async () => {
    const error = await resolveFailure(policyWith({ allowInternalHosts: false }), 'http://127.0.0.1:3000');

    expect(error.kind).toBe('blocked');
    expect(error.code).toBe('ENDPOINT_NOT_ALLOWED');
    expect(lookupMock).not.toHaveBeenCalled();
  });

  it('refuses localhost by name as kind blocked when internal hosts are not allowed', async () => {
    const error = await resolveFailure(policyWith({ allowInternalHosts: false }), 'http://localhost:3000');

    expect(error.kind).toBe('blocked');
    expect(error.reason).toContain('internal address');
  });

  it('refuses a public-looking name that resolves to loopback (checked after DNS)', async () => {
    lookupMock.mockResolvedValueOnce([{ address: '127.0.0.1', family: 4 }]);

    const error = await resolveFailure(policyWith({ allowInternalHosts: false }), 'http://rebind.example.com');

    expect(error).toBeInstanceOf(RemoteCallError);
    expect(error.kind).toBe('blocked');
    expect(error.reason).toBe('host rebind.example.com resolves to the internal address 127.0.0.1');
    expect(lookupMock).toHaveBeenCalledWith('rebind.example.com', { all: true, verbatim: true });
  });

  it('refuses a name if any one of its addresses is internal, not just the first', async () => {
    lookupMock.mockResolvedValueOnce([
      { address: '93.184.216.34', family: 4 },
      { address: '::ffff:169.254.169.254', family: 6 },
    ]);

    const error = await resolveFailure(policyWith({ allowInternalHosts: false }), 'http://mixed.example.com');

    expect(error.kind).toBe('blocked');
    expect(error.reason).toContain('::ffff:169.254.169.254');
  });

  it('asks DNS once for concurrent and recent calls to a name, again once the answer is 10 s old', async () => {
    const policy = policyWith({ allowInternalHosts: false });
    lookupMock.mockResolvedValue([{ address: '93.184.216.34', family: 4 }]);
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    try {
      const url = new URL('http://cached.example.com');
      await Promise.all([policy.resolve(url), policy.resolve(url)]);
      await policy.resolve(url);
      expect(lookupMock).toHaveBeenCalledTimes(1);
      now.mockReturnValue(1_000_000 + 10_001);
      await policy.resolve(url);
      expect(lookupMock).toHaveBeenCalledTimes(2);
    } finally {
      now.mockRestore();
      lookupMock.mockReset();
      lookupMock.mockImplementation(jest.requireActual('node:dns/promises').lookup);
    }
  });

  it('checks the remembered addresses on every call, and does not remember a failed lookup', async () => {
    const policy = policyWith({ allowInternalHosts: false });
    lookupMock.mockRejectedValueOnce(Object.assign(new Error('no such host'), { code: 'ENOTFOUND' }));
    expect((await resolveFailure(policy, 'http://flaky.example.com')).kind).toBe('dns');
    lookupMock.mockResolvedValueOnce([{ address: '10.0.0.7', family: 4 }]);
    expect((await resolveFailure(policy, 'http://flaky.example.com')).kind).toBe('blocked');
    // Remembered, and still refused: the check runs on the addresses each time.
    expect((await resolveFailure(policy, 'http://flaky.example.com')).kind).toBe('blocked');
    expect(lookupMock).toHaveBeenCalledTimes(2);
  });

  it('pins the first address of a public name', async () => {
    lookupMock.mockResolvedValueOnce([
      { address: '2606:4700::1111', family: 6 },
      { address: '93.184.216.34', family: 4 },
    ]);

    await expect(policyWith().resolve(new URL('https://public.example.com'))).resolves.toEqual({
      address: '2606:4700::1111',
      family: 6,
    });
  });

  it('lets a name resolve to loopback when internal hosts are allowed', async () => {
    await expect(policyWith({ allowInternalHosts: true }).resolve(new URL('http://localhost:3000'))).resolves.toEqual({
      address: '127.0.0.1',
      family: 4,
    });
  });

  it('reports an unresolvable name as kind dns (REMOTE_UNREACHABLE)', async () => {
    const error = await resolveFailure(policyWith({ allowInternalHosts: true }), 'http://no-such-host.invalid');

    expect(error.kind).toBe('dns');
    expect(error.code).toBe('REMOTE_UNREACHABLE');
    expect(error.status).toBe(502);
    expect(error.reason).toMatch(/^DNS lookup of no-such-host\.invalid failed \(\w+\)$/);
  });

  it('reports a lookup without any address as kind dns', async () => {
    lookupMock.mockResolvedValueOnce([]);

    const error = await resolveFailure(policyWith(), 'http://empty.example.com');

    expect(error.kind).toBe('dns');
    expect(error.reason).toContain('returned no address');
  });

  it('applies the allow-list again at call time, as kind blocked', async () => {
    const policy = policyWith({ allowInternalHosts: true, endpointAllowedHosts: ['*.example.com'] });

    const error = await resolveFailure(policy, 'http://other.test');

    expect(error.kind).toBe('blocked');
    expect(error.reason).toContain('CLIENT_ENDPOINT_ALLOWED_HOSTS');
    expect(lookupMock).not.toHaveBeenCalled();
  });
});

describe('EndpointPolicy.checkEndpoint', () => {
  it('refuses a name that resolves to an internal address when saved, naming the field', async () => {
    lookupMock.mockResolvedValueOnce([{ address: '10.1.2.3', family: 4 }]);

    const error = await policyWith()
      .checkEndpoint('https://inside.example.com/')
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'ENDPOINT_NOT_ALLOWED',
      details: { fields: [{ field: 'endpoint', location: 'body', message: expect.stringContaining('10.1.2.3') }] },
    });
  });

  it.each([
    ['http://169.254.169.254', 'internal address'],
    ['https://inside.example.com', '10.1.2.3'],
    ['ftp://kc.example.com', 'http or https'],
    ['https://kc.example.com/?x=1', 'query or fragment'],
  ])('refuses %s as a Keycloak server the same way, naming keycloakAuthServerUrl', async (raw, reason) => {
    // Only the name is looked up; literal addresses and bad URLs are refused before DNS.
    if (raw.includes('inside')) lookupMock.mockResolvedValueOnce([{ address: '10.1.2.3', family: 4 }]);

    const error = await policyWith()
      .checkEndpoint(raw, 'keycloakAuthServerUrl')
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      code: 'ENDPOINT_NOT_ALLOWED',
      status: 400,
      details: {
        fields: [{ field: 'keycloakAuthServerUrl', location: 'body', message: expect.stringContaining(reason) }],
      },
    });
  });

  it('applies the allow-list to a Keycloak server too', async () => {
    const error = await policyWith({ endpointAllowedHosts: ['*.example.com'] })
      .checkEndpoint('https://kc.elsewhere.test', 'keycloakAuthServerUrl')
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      code: 'ENDPOINT_NOT_ALLOWED',
      details: { fields: [{ field: 'keycloakAuthServerUrl' }] },
    });
  });

  it('saves a public name normalised, and leaves a failing lookup to the connection check', async () => {
    lookupMock.mockResolvedValueOnce([{ address: '93.184.216.34', family: 4 }]);
    await expect(policyWith().checkEndpoint('https://public.example.com/')).resolves.toBe('https://public.example.com');
    await expect(policyWith().checkEndpoint('http://no-such-host.invalid')).resolves.toBe(
      'http://no-such-host.invalid',
    );
  });
});
