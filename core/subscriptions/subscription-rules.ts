// What a client may write as a Subscription (https://hl7.org/fhir/R4/subscription.html, issue 13).
// Every write path (REST, GraphQL, Bundle entries) goes through prepareWrite, which calls this.
import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { Resource } from '../fhir-types';
import type { RequestContext } from '../request';
import { parseCriteria } from './criteria';
import { assertEndpointSyntax } from './endpoint-check';
import { STRICT_ENDPOINT_POLICY } from './endpoint-policy';
import { ownerExtension, withoutOwner } from './subscription-owner';

export const SUPPORTED_CHANNELS = ['rest-hook', 'websocket'] as const;
export const FHIR_JSON_PAYLOAD = 'application/fhir+json';
/** RFC 7230 token characters of a header name. */
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\r\n]*)$/;

interface Channel {
  readonly type?: unknown;
  readonly endpoint?: unknown;
  readonly payload?: unknown;
  readonly header?: unknown;
}

/** `Name: value` lines of channel.header (subscription.html: "Usage depends on the channel type"). */
export function parseHeaderLines(header: unknown): [string, string][] {
  if (header === undefined) return [];
  if (!Array.isArray(header)) throw new FhirError('INVALID_REQUEST', 'channel.header is a list of "Name: value" strings', { expression: ['Subscription.channel.header'] });
  return header.map((line, i) => {
    const match = typeof line === 'string' ? HEADER_LINE.exec(line) : null;
    if (!match?.[1]) throw new FhirError('INVALID_REQUEST', `channel.header[${i}] must be "Name: value" on one line`, { expression: [`Subscription.channel.header[${i}]`] });
    return [match[1], match[2] ?? ''];
  });
}

/**
 * Validates a client-written Subscription and sets what the server owns: the status is
 * `requested` (the dispatcher activates it after checking the endpoint) or `off`, any `error`
 * text is cleared, and the owner is the writer. Throws 400 for what the server cannot do and
 * 403 when the writer may not read what the criteria name.
 */
export function prepareSubscription(deps: CoreDeps, ctx: RequestContext, resource: Resource): Resource {
  const criteria = parseCriteria(resource['criteria'], deps.isResourceType, deps.registry);
  // The owner must be able to search and read what it subscribes to (issue 13: 403 at create time).
  deps.access.assertAllowed(ctx, 'search-type', criteria.resourceType);
  deps.access.assertAllowed(ctx, 'read', criteria.resourceType);
  const channel = (typeof resource['channel'] === 'object' && resource['channel'] !== null ? resource['channel'] : {}) as Channel;
  if (channel.type !== 'rest-hook' && channel.type !== 'websocket') {
    throw new FhirError('UNSUPPORTED_CHANNEL', `channel.type '${String(channel.type)}' is not supported; use ${SUPPORTED_CHANNELS.join(' or ')}`, { expression: ['Subscription.channel.type'] });
  }
  if (channel.type === 'rest-hook') assertEndpointSyntax(channel.endpoint, deps.config.subscriptionEndpoints ?? STRICT_ENDPOINT_POLICY);
  if (channel.payload !== undefined && channel.payload !== FHIR_JSON_PAYLOAD) {
    throw new FhirError('INVALID_REQUEST', `channel.payload must be empty or ${FHIR_JSON_PAYLOAD}`, { expression: ['Subscription.channel.payload'] });
  }
  parseHeaderLines(channel.header);
  const ended = typeof resource['end'] === 'string' && Date.parse(resource['end']) <= deps.clock().getTime();
  const status = resource['status'] === 'off' || ended ? 'off' : 'requested';
  const normalized: Resource = { ...withoutOwner(resource), status };
  delete normalized['error'];
  const extensions = Array.isArray(normalized['extension']) ? normalized['extension'] : [];
  return { ...normalized, extension: [...extensions, ownerExtension(ctx.principal)] } as Resource;
}
