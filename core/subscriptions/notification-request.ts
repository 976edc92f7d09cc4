// The HTTP request of one rest-hook notification (https://hl7.org/fhir/R4/subscription.html#2.46.7.1):
// "If the payload is empty, ... an HTTP POST with no body to the nominated URL";
// "If the payload is application/fhir+json, ... [the resource] is sent as an update (PUT) to
// [url]/[type]/[id]"; channel.header values on every request.
import type { Resource } from '../fhir-types';
import type { WebhookRequest } from '../ports/webhook-sender';
import { FHIR_JSON_PAYLOAD, parseHeaderLines } from './subscription-rules';

/** The header receivers de-duplicate on: the same value on every retry of one notification. */
export const NOTIFICATION_ID_HEADER = 'x-notification-id';
export const SUBSCRIPTION_ID_HEADER = 'x-subscription-id';

interface Channel {
  readonly payload?: unknown;
  readonly header?: unknown;
}

export function notificationRequest(subscription: Resource, endpoint: URL, address: string, resource: Resource, notificationId: string, timeoutMs: number): WebhookRequest {
  const channel = (subscription['channel'] ?? {}) as Channel;
  const headers: Record<string, string> = {};
  for (const [name, value] of parseHeaderLines(channel.header)) headers[name.toLowerCase()] = value;
  headers[NOTIFICATION_ID_HEADER] = notificationId;
  headers[SUBSCRIPTION_ID_HEADER] = subscription.id ?? '';
  if (channel.payload !== FHIR_JSON_PAYLOAD) return { method: 'POST', url: endpoint, address, headers, timeoutMs };
  const url = new URL(endpoint.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${resource.resourceType}/${resource.id ?? ''}`;
  headers['content-type'] = `${FHIR_JSON_PAYLOAD}; charset=utf-8`;
  return { method: 'PUT', url, address, headers, body: JSON.stringify(resource), timeoutMs };
}

/** Full-jitter exponential backoff: base * 2^(attempt-1), capped, times a factor in [0.5, 1.5). */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  return Math.round(Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1)) * (0.5 + random()));
}
