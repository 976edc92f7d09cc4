// The audit record of one REST request (issue 13). Built from the request line, the principal
// and the rendered response's status and counts; never from a body or the Authorization header.
import { compact, loggableQuery, outcomeOf, whoOf } from '../audit/audit-record';
import type { AuditRecord } from '../ports/audit-sink';
import type { FhirRequest, FhirResponse, HttpMethod } from '../request';
import { route, type Route } from './route';

export interface AuditedHttpRequest {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly correlationId: string;
  readonly sourceIp?: string;
}

/** Path segments below the tenant, for a request that failed before it was parsed (e.g. a 401). */
function segmentsOf(path: string, multiTenancy: boolean): string[] {
  try {
    const segments = path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    return multiTenancy && segments[0] === 'tenant' ? segments.slice(2) : segments;
  } catch {
    return [];
  }
}

function routeOf(method: string, path: readonly string[]): Route | undefined {
  try {
    return route(method.toUpperCase() as HttpMethod, path);
  } catch {
    return undefined;
  }
}

function subjectOf(r: Route | undefined): { interaction: string; operation?: string; resourceType?: string; id?: string; versionId?: string } {
  if (r === undefined) return { interaction: 'unknown' };
  switch (r.kind) {
    case 'capabilities':
    case 'history-system':
    case 'search-system':
    case 'bundle':
      return { interaction: r.kind };
    case 'search-compartment':
      return { interaction: 'search-compartment', resourceType: r.compartmentType, id: r.compartmentId };
    case 'operation':
      return { interaction: 'operation', operation: `$${r.name}`, ...(r.type !== undefined ? { resourceType: r.type } : {}), ...(r.id !== undefined ? { id: r.id } : {}) };
    case 'vread':
      return { interaction: r.kind, resourceType: r.type, id: r.id, versionId: r.versionId };
    case 'export-status':
    case 'export-file':
      // Bulk Data status and file URLs (issue 12): the job is the subject.
      return { interaction: 'operation', operation: '$export', id: r.jobId };
    default:
      return { interaction: r.kind, resourceType: r.type, ...('id' in r ? { id: r.id } : {}) };
  }
}

export function restAuditRecord(raw: AuditedHttpRequest, request: FhirRequest | undefined, response: FhirResponse, multiTenancy: boolean, now: Date): AuditRecord {
  const subject = subjectOf(routeOf(raw.method, request?.path ?? segmentsOf(raw.path, multiTenancy)));
  // A create's id and every write's version come back in Location / ETag.
  const location = /\/([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})\/_history\/([^/]+)$/.exec(response.headers['location'] ?? response.headers['content-location'] ?? '');
  const etag = /^W\/"([^"]+)"$/.exec(response.headers['etag'] ?? '');
  const interaction = subject.interaction === 'bundle' ? (response.audit?.bundleType ?? 'batch') : subject.interaction;
  const query = loggableQuery(request?.query ?? [...new URLSearchParams(raw.rawQuery)]);
  return {
    time: now.toISOString(),
    correlationId: raw.correlationId,
    outcome: outcomeOf(response.status),
    who: whoOf(request?.context.principal, request?.context.tenant),
    how: compact({ interaction, operation: subject.operation, method: raw.method.toUpperCase(), transport: 'rest' as const }),
    what: compact({
      resourceType: subject.resourceType ?? location?.[1],
      id: subject.id ?? location?.[2],
      versionId: subject.versionId ?? location?.[3] ?? etag?.[1],
      query,
      resultCount: response.audit?.resultCount,
      status: response.status,
    }),
    where: compact({ sourceIp: raw.sourceIp, userAgent: raw.headers['user-agent']?.slice(0, 300) }),
  };
}
