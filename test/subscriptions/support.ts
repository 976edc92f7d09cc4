// Shared steps of the Subscription suites: a fast-retrying server, creating a Subscription and
// waiting for the server to activate it.
import type { FhirResponseView, TestServer } from '../http/local-server';

export const FAST_RETRIES: Record<string, string> = {
  FHIR_SUBSCRIPTION_RETRY_BASE_MS: '20',
  FHIR_SUBSCRIPTION_RETRY_MAX_MS: '100',
  FHIR_SUBSCRIPTION_TIMEOUT_MS: '800',
  FHIR_SUBSCRIPTION_MAX_ATTEMPTS: '3',
  FHIR_SUBSCRIPTION_POLL_MS: '20',
};

export interface SubscriptionInput {
  readonly criteria: string;
  readonly endpoint?: string;
  readonly payload?: string;
  readonly header?: readonly string[];
  readonly type?: string;
  readonly end?: string;
}

export function subscription(input: SubscriptionInput): Record<string, unknown> {
  return {
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'test',
    criteria: input.criteria,
    ...(input.end !== undefined ? { end: input.end } : {}),
    channel: {
      type: input.type ?? 'rest-hook',
      ...(input.endpoint !== undefined ? { endpoint: input.endpoint } : {}),
      ...(input.payload !== undefined ? { payload: input.payload } : {}),
      ...(input.header !== undefined ? { header: input.header } : {}),
    },
  };
}

export async function waitForStatus(server: TestServer, path: string, status: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<FhirResponseView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await server.request(path, { headers });
    if (res.json['status'] === status) return res;
    if (Date.now() > deadline) throw new Error(`${path} stayed ${String(res.json['status'])}, expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/** Creates a Subscription and waits until the server has made it active. */
export async function activeSubscription(server: TestServer, input: SubscriptionInput, headers: Record<string, string> = {}, base = ''): Promise<string> {
  const created = await server.request(`${base}/Subscription`, { method: 'POST', body: subscription(input), headers });
  expect(created.status).toBe(201);
  const id = String(created.json['id']);
  await waitForStatus(server, `${base}/Subscription/${id}`, 'active', headers);
  return id;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
