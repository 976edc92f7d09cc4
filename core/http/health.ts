// Liveness and readiness (issue 15: "GET /healthz (liveness) and GET /readyz (storage
// reachable, migrations done) without auth and without data"). The body follows the IETF
// draft "Health Check Response Format for HTTP APIs" (application/health+json): `status` is
// pass or fail, and the HTTP status says the same (200 / 503) for probes that read only it.
import type { ResourceStore } from '../ports/resource-store';
import type { FhirResponse } from '../request';

export const HEALTH_PATHS = { liveness: '/healthz', readiness: '/readyz' } as const;

const HEADERS = { 'content-type': 'application/health+json; charset=utf-8', 'cache-control': 'no-store' } as const;

/** A tenant no URL can name (tenant ids are [A-Za-z0-9_-]), so the probe never reads user data. */
const PROBE_TENANT = '~health';

function report(status: 'pass' | 'fail', checks: Record<string, unknown> = {}, output?: string): FhirResponse {
  return { status: status === 'pass' ? 200 : 503, headers: HEADERS, body: JSON.stringify({ status, ...(output === undefined ? {} : { output }), checks }) };
}

/** The process is up and answering: nothing else is checked (a liveness probe must not restart a pod for a slow database). */
export function liveness(): FhirResponse {
  return report('pass');
}

/**
 * Ready to serve: the store was opened and migrated (`store` is undefined until the composition
 * root has built it) and answers a read now. The read targets a key that cannot exist, through
 * the ordinary ResourceStore port, so every backend is probed the same way.
 */
export async function readiness(store: ResourceStore | undefined, clock: () => number = Date.now): Promise<FhirResponse> {
  if (store === undefined) return report('fail', { 'storage:migrations': [{ status: 'fail', output: 'the store is not open yet' }] }, 'starting');
  const started = clock();
  try {
    await store.read(PROBE_TENANT, 'Basic', 'readiness-probe');
  } catch (error) {
    return report('fail', { 'storage:responseTime': [{ componentType: 'datastore', status: 'fail', output: error instanceof Error ? error.message : String(error) }] }, 'storage unreachable');
  }
  return report('pass', {
    'storage:migrations': [{ componentType: 'datastore', status: 'pass' }],
    'storage:responseTime': [{ componentType: 'datastore', observedValue: clock() - started, observedUnit: 'ms', status: 'pass' }],
  });
}
