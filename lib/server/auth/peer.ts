import 'server-only';
import { BlockList, isIP } from 'node:net';

// The address of the connection a request came in on. lib/server/main.mjs writes it into
// `x-idlens-peer` together with a per-process secret, replacing whatever a client sent; without the
// secret the header is ignored (a client cannot claim to be the auth proxy).

export const PEER_HEADER = 'x-idlens-peer';

export function peerAddress(headers: Headers): string | undefined {
  const secret = process.env.IDLENS_PEER_SECRET;
  const value = headers.get(PEER_HEADER);
  if (!secret || !value) return undefined;
  const space = value.indexOf(' ');
  if (space < 0 || value.slice(0, space) !== secret) return undefined;
  const address = value.slice(space + 1);
  // IPv4 clients of a dual-stack socket show up as ::ffff:a.b.c.d.
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return isIP(plain) ? plain : undefined;
}

const lists = new WeakMap<readonly string[], BlockList>();

/**
 * Whether the address is one of `allowed` (IP addresses or CIDR ranges, IPv4 or IPv6, validated
 * when the configuration is read). The list is built once per configuration, not per request.
 */
export function addressAllowed(address: string, allowed: readonly string[]): boolean {
  let list = lists.get(allowed);
  if (!list) {
    list = new BlockList();
    for (const entry of allowed) {
      const [ip, bits] = entry.split('/');
      if (!ip || !isIP(ip)) continue;
      const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(ip, type);
      else list.addSubnet(ip, Number(bits), type);
    }
    lists.set(allowed, list);
  }
  return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}
