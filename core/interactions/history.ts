import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { Bundle, BundleEntry } from '../fhir-types';
import type { HistoryQuery, StoredVersion } from '../ports/resource-store';
import type { RequestContext } from '../request';
import { assertResourceType, assertValidId, etagOf } from './common';
import type { InteractionResult } from './result';

export type QueryParams = readonly (readonly [string, string])[];

export interface HistoryScope {
  readonly resourceType?: string;
  readonly id?: string;
}

/** https://hl7.org/fhir/R4/http.html#history (instance, type and system level). */
export async function history(deps: CoreDeps, ctx: RequestContext, scope: HistoryScope, params: QueryParams): Promise<InteractionResult> {
  const interaction = scope.id !== undefined ? 'history-instance' : scope.resourceType !== undefined ? 'history-type' : 'history-system';
  deps.access.assertAllowed(ctx, interaction, scope.resourceType);
  if (scope.resourceType !== undefined) assertResourceType(deps, scope.resourceType);
  if (scope.id !== undefined) assertValidId(scope.id);

  const query = parseHistoryParams(deps, scope, params);
  const page = await deps.store.history(ctx.tenant, query);
  const versions = page.versions.filter((v) => visible(deps, ctx, v));
  // The store counts every version in scope: a caller who may not read all of them would learn
  // how many it cannot see, so they get no total (Bundle.total is optional, bundle.html#total).
  const types = scope.resourceType !== undefined ? [scope.resourceType] : deps.resourceTypes;
  const countsOnlyVisible = types.every((type) => deps.access.canReadType?.(ctx, type) ?? false);
  const path = [scope.resourceType, scope.id, '_history'].filter((p): p is string => p !== undefined).join('/');
  const link = (cursor: string | undefined): string => {
    const search = new URLSearchParams();
    search.set('_count', String(query.count));
    if (query.since !== undefined) search.set('_since', query.since);
    if (query.at !== undefined) search.set('_at', query.at);
    if (cursor !== undefined) search.set('_cursor', cursor);
    return `${ctx.baseUrl}/${path}?${search.toString()}`;
  };
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'history',
    ...(page.total !== undefined && countsOnlyVisible ? { total: page.total } : {}),
    link: [{ relation: 'self', url: link(query.cursor) }, ...(page.nextCursor !== undefined ? [{ relation: 'next', url: link(page.nextCursor) }] : [])],
    // json.html: no empty arrays (an empty history has no entry element).
    ...(versions.length > 0 ? { entry: versions.map((v) => historyEntry(ctx.baseUrl, v)) } : {}),
  };
  return { status: 200, resource: bundle };
}

/**
 * Whether a version may appear in the caller's history. A deletion carries no content to decide
 * on, so only a caller who may read every resource of the type learns of it (the rule the
 * subscription audience labels follow, core/authz/read-audience.ts); otherwise a
 * compartment-limited caller would see the ids of deleted resources of other Patients.
 */
function visible(deps: CoreDeps, ctx: RequestContext, version: StoredVersion): boolean {
  if (deps.access.canReadType?.(ctx, version.resourceType) ?? false) return true;
  return version.resource !== undefined && deps.access.canRead(ctx, version.resource);
}

/** One history entry; the method is derived from the version (http.html#history). */
export function historyEntry(baseUrl: string, version: StoredVersion): BundleEntry {
  const url = `${version.resourceType}/${version.id}`;
  const method = version.resource === undefined ? 'DELETE' : version.versionId === '1' ? 'POST' : 'PUT';
  const entry: BundleEntry = {
    fullUrl: `${baseUrl}/${url}`,
    request: { method, url: method === 'POST' ? version.resourceType : url },
    response: {
      status: version.resource === undefined ? '204' : version.versionId === '1' ? '201' : '200',
      etag: etagOf(version.versionId),
      lastModified: version.lastUpdated,
    },
  };
  if (version.resource) entry.resource = version.resource;
  return entry;
}

function parseHistoryParams(deps: CoreDeps, scope: HistoryScope, params: QueryParams): HistoryQuery {
  let count = deps.config.defaultPageSize;
  let since: string | undefined;
  let at: string | undefined;
  let cursor: string | undefined;
  for (const [name, value] of params) {
    if (name === '_count') {
      if (!/^\d+$/.test(value) || Number(value) < 1) throw new FhirError('INVALID_REQUEST', `_count must be a positive integer, not '${value}'`, { expression: ['_count'] });
      count = Math.min(Number(value), deps.config.maxPageSize);
    } else if (name === '_since') since = parseInstantParam(value, '_since');
    else if (name === '_at') at = parseInstantParam(value, '_at');
    else if (name === '_cursor') cursor = value;
  }
  return {
    ...(scope.resourceType !== undefined ? { resourceType: scope.resourceType } : {}),
    ...(scope.id !== undefined ? { id: scope.id } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(at !== undefined ? { at } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
    count,
  };
}

/** _since and _at take an instant; a date or dateTime is read as its start (http.html#history). */
const DATE_TIME = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

function parseInstantParam(value: string, name: string): string {
  const ms = DATE_TIME.test(value) ? Date.parse(value.length === 4 ? `${value}-01-01` : value.length === 7 ? `${value}-01` : value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new FhirError('INVALID_REQUEST', `${name} must be an instant such as 2024-01-31T12:00:00Z, not '${value}'`, { expression: [name] });
  return new Date(ms).toISOString();
}

