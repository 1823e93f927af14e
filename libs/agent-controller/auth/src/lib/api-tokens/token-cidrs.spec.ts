import { ipAllowed, normaliseIp } from './token-cidrs';

describe('token address checks', () => {
  it.each([
    ['127.0.0.1', ['127.0.0.0/8'], true],
    ['127.0.0.1', ['10.0.0.0/8'], false],
    ['10.1.2.3', ['192.168.0.0/16', '10.0.0.0/8'], true],
    ['192.168.1.7', ['192.168.1.7'], true],
    ['192.168.1.8', ['192.168.1.7'], false],
    ['2001:db8::1', ['2001:db8::/32'], true],
    ['2001:db9::1', ['2001:db8::/32'], false],
    ['::1', ['127.0.0.0/8'], false],
  ])('%s in %j → %s', (ip, cidrs, expected) => {
    expect(ipAllowed(ip, cidrs)).toBe(expected);
  });

  it('reads IPv4-mapped addresses as IPv4 and refuses an unknown address', () => {
    expect(normaliseIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normaliseIp(undefined)).toBeNull();
    expect(ipAllowed(null, ['0.0.0.0/0'])).toBe(false);
  });
});
