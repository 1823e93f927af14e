import { BlockList, isIP } from 'node:net';

/** The address as the socket gives it, IPv4-mapped IPv6 (`::ffff:127.0.0.1`) read as IPv4. */
export function normaliseIp(address: string | undefined): string | null {
  if (!address) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/** Whether `ip` is inside one of the CIDR blocks (or single addresses); an unknown address is not. */
export function ipAllowed(ip: string | null, cidrs: readonly string[]): boolean {
  if (!ip || isIP(ip) === 0) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}
