// Which addresses a rest-hook Subscription may reach (issue 13, SSRF protection). A server that
// POSTs to URLs its users choose must not become a way into the networks behind it: the check is
// on the resolved IP, at creation where the URL names an IP, at activation and again at every
// delivery (the sender connects to the very address that was checked, so DNS rebinding between
// the check and the connection changes nothing).
import { BlockList, isIP } from 'node:net';

export interface EndpointPolicy {
  /** Loopback endpoints (127.0.0.0/8, ::1): allowed in the embedded home for local development, refused on AWS. */
  readonly allowLoopback: boolean;
  /** `http:` endpoints beyond loopback; otherwise only `https:` (R4 subscription.html#security). */
  readonly allowHttp: boolean;
  /** Non-public ranges allowed anyway, as CIDRs (`10.1.0.0/16`, `fd00::/8`). */
  readonly allowedCidrs: readonly string[];
}

/** The AWS home's default: public https endpoints only. */
export const STRICT_ENDPOINT_POLICY: EndpointPolicy = { allowLoopback: false, allowHttp: false, allowedCidrs: [] };

export type AddressClass = 'public' | 'loopback' | 'link-local' | 'private' | 'reserved';

type Range = readonly [address: string, prefix: number, family: 'ipv4' | 'ipv6', kind: Exclude<AddressClass, 'public'>];

/** RFC 6890 special-purpose ranges, by what they mean for an outgoing request. */
const RANGES: readonly Range[] = [
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['fc00::', 7, 'ipv6', 'private'],
  ['0.0.0.0', 8, 'ipv4', 'reserved'],
  ['100.64.0.0', 10, 'ipv4', 'reserved'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.0.2.0', 24, 'ipv4', 'reserved'],
  ['198.18.0.0', 15, 'ipv4', 'reserved'],
  ['198.51.100.0', 24, 'ipv4', 'reserved'],
  ['203.0.113.0', 24, 'ipv4', 'reserved'],
  ['224.0.0.0', 4, 'ipv4', 'reserved'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'reserved'],
  ['64:ff9b::', 96, 'ipv6', 'reserved'],
  ['100::', 64, 'ipv6', 'reserved'],
  ['2001:db8::', 32, 'ipv6', 'reserved'],
  ['2002::', 16, 'ipv6', 'reserved'],
  ['ff00::', 8, 'ipv6', 'reserved'],
];

const lists = new Map<Exclude<AddressClass, 'public'>, BlockList>();
for (const [address, prefix, family, kind] of RANGES) {
  const list = lists.get(kind) ?? new BlockList();
  list.addSubnet(address, prefix, family);
  lists.set(kind, list);
}

/** Strips the brackets URL hostnames put around IPv6 literals. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** The class of an IP address; IPv4-mapped IPv6 addresses are classed as their IPv4 address. */
export function classifyAddress(ip: string): AddressClass {
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  for (const [kind, list] of lists) if (list.check(ip, family)) return kind;
  return 'public';
}

function allowlisted(ip: string, cidrs: readonly string[]): boolean {
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, prefix] = cidr.split('/');
    if (address === undefined || isIP(address) === 0) continue;
    const bits = prefix === undefined ? (isIP(address) === 6 ? 128 : 32) : Number(prefix);
    list.addSubnet(address, bits, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  }
  return list.check(ip, family);
}

/** Why an address is refused, or undefined when the policy lets the server connect to it. */
export function refusalOf(ip: string, policy: EndpointPolicy, protocol: string): string | undefined {
  const kind = classifyAddress(ip);
  if (!allowlisted(ip, policy.allowedCidrs)) {
    if (kind === 'loopback' && !policy.allowLoopback) return `${ip} is a loopback address`;
    if (kind !== 'public' && kind !== 'loopback') return `${ip} is a ${kind} address`;
  }
  if (protocol === 'http:' && kind !== 'loopback' && !policy.allowHttp) return 'http is allowed for loopback endpoints only; use https';
  return undefined;
}
