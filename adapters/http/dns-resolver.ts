// HostResolver over the system resolver (issue 13: the SSRF check is on the resolved address).
import { lookup } from 'node:dns/promises';
import type { HostResolver } from '../../core/subscriptions/endpoint-check';

export const dnsResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
