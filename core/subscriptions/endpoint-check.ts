// Endpoint URL checks of a rest-hook Subscription (issue 13, SSRF protection; subscription.html).
import { isIP } from 'node:net';
import { FhirError } from '../errors/fhir-error';
import { bareHost, refusalOf, type EndpointPolicy } from './endpoint-policy';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Name resolution, injectable so that tests can make a name resolve anywhere. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

const ENDPOINT = ['Subscription.channel.endpoint'];

/**
 * The checks that need no name resolution, at create and update time: an absolute http(s) URL
 * without credentials, and, when it names an IP, an address the policy allows.
 */
export function assertEndpointSyntax(endpoint: unknown, policy: EndpointPolicy): URL {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') {
    throw new FhirError('INVALID_REQUEST', 'A rest-hook Subscription needs channel.endpoint', { expression: ENDPOINT });
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new FhirError('INVALID_REQUEST', 'channel.endpoint is not an absolute URL', { expression: ENDPOINT });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FhirError('INVALID_REQUEST', `channel.endpoint must be an https URL, not ${url.protocol}`, { expression: ENDPOINT });
  }
  if (url.username !== '' || url.password !== '') {
    throw new FhirError('INVALID_REQUEST', 'channel.endpoint must not carry credentials; send them in channel.header', { expression: ENDPOINT });
  }
  const host = bareHost(url.hostname);
  if (isIP(host) !== 0) {
    const refusal = refusalOf(host, policy, url.protocol);
    if (refusal !== undefined) throw new FhirError('FORBIDDEN', `channel.endpoint is refused: ${refusal}`, { expression: ENDPOINT });
  } else if (url.protocol === 'http:' && !policy.allowHttp && !policy.allowLoopback) {
    // Where loopback is allowed, an http name is decided by the address it resolves to.
    throw new FhirError('INVALID_REQUEST', 'channel.endpoint must be an https URL', { expression: ENDPOINT });
  }
  return url;
}

export type EndpointResolution =
  | { readonly ok: true; readonly url: URL; readonly address: ResolvedAddress }
  | { readonly ok: false; readonly reason: string };

/**
 * Resolves the endpoint's host and checks every address it resolves to (one refused address
 * refuses the endpoint: a name that answers both a public and a private address is a rebinding
 * attempt). The sender connects to the returned address, not to the name again.
 */
export async function resolveEndpoint(endpoint: string, policy: EndpointPolicy, resolve: HostResolver): Promise<EndpointResolution> {
  let url: URL;
  try {
    url = assertEndpointSyntax(endpoint, policy);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const host = bareHost(url.hostname);
  let addresses: readonly ResolvedAddress[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      return { ok: false, reason: `${host} does not resolve (${error instanceof Error ? error.message : String(error)})` };
    }
  }
  const first = addresses[0];
  if (first === undefined) return { ok: false, reason: `${host} does not resolve` };
  for (const { address } of addresses) {
    const refusal = refusalOf(address, policy, url.protocol);
    if (refusal !== undefined) return { ok: false, reason: `${host} resolves to a refused address: ${refusal}` };
  }
  return { ok: true, url, address: first };
}
