// Runs a parsed search on the SearchIndex port and renders the searchset Bundle
// (https://hl7.org/fhir/R4/search.html, "Search results" and bundle.html#searchset): matches
// then includes, fullUrl, search.mode, total per _total, self/next/previous links, and an
// OperationOutcome entry listing ignored parameters (search.html#errors, lenient handling).
import type { AccessPolicy } from '../authz/access-policy';
import { PATIENT_COMPARTMENT } from '../authz/patient-compartment-table';
import type { CoreConfig } from '../config';
import { applySubset } from '../format/subset';
import type { Bundle, BundleEntry, Resource } from '../fhir-types';
import { storedEntry } from '../format/json-text';
import type { ResourceKey, ResourceStore, StoredVersion } from '../ports/resource-store';
import type { SearchIndex } from '../ports/search-index';
import type { RequestContext } from '../request';
import type { CompartmentCondition, Condition, SearchQuery, TotalMode } from './ast';
import type { ParsedSearch, ParseOptions } from './parse-query';
import type { SearchParameterRegistry } from './parameters';
import { queryNeedsTerminology, resolveTerminologyModifiers } from './terminology-modifiers';
import type { TerminologyResolver } from '../terminology/terminology';

export interface SearchRuntime {
  readonly index: SearchIndex;
  readonly store: ResourceStore;
  readonly access: AccessPolicy;
  readonly config: CoreConfig;
  /** _total when the query does not say (search.html#total); default 'accurate'. */
  readonly defaultTotal?: TotalMode;
  /** The search parameters (R4 plus IG packages); the R4 table alone when not given. */
  readonly registry?: SearchParameterRegistry;
  /** The terminology a caller's query sees, for :in, :not-in, :above and :below on tokens. */
  readonly terminology?: (ctx: RequestContext) => TerminologyResolver;
}

/** The query with its terminology modifiers turned into codes (terminology-modifiers.ts). */
export function withCodes(runtime: SearchRuntime, ctx: RequestContext, query: SearchQuery): Promise<SearchQuery> {
  return queryNeedsTerminology(query) ? resolveTerminologyModifiers(query, runtime.terminology?.(ctx)) : Promise.resolve(query);
}

export function parseOptions(runtime: SearchRuntime, strict: boolean): ParseOptions {
  return { strict, defaultCount: runtime.config.defaultPageSize, maxCount: runtime.config.maxPageSize, defaultTotal: runtime.defaultTotal ?? 'accurate', ...(runtime.registry ? { registry: runtime.registry } : {}) };
}

/** Resource type -> reference parameters placing it in a Patient compartment. */
export function patientCompartmentParams(): Readonly<Record<string, readonly string[]>> {
  return Object.fromEntries(Object.entries(PATIENT_COMPARTMENT).map(([type, params]) => [type, Object.keys(params)]));
}

export function patientCompartment(id: string, includeOwner: boolean): CompartmentCondition {
  return { kind: 'compartment', compartmentType: 'Patient', id, params: patientCompartmentParams(), includeOwner };
}

export interface Restricted {
  /** The types to search: those asked (or, for an unrestricted [] = every type, what the caller may search). */
  readonly types: readonly string[];
  /** Applied to matches and includes inside the backend. */
  readonly scope?: CompartmentCondition;
  /** Nothing may be returned at all. */
  readonly nothing: boolean;
}

/**
 * The access policy's SearchRestriction for the searched types, turned into the query's scope
 * (applied inside the backend, never after paging). Types the caller may not search at all are
 * dropped; types limited to a patient compartment share one compartment, and a type limited to
 * another patient than the first is dropped too: fewer results, never a leak.
 */
export function restrict(runtime: SearchRuntime, ctx: RequestContext, asked: readonly string[]): Restricted {
  let types = asked;
  if (types.length === 0) {
    const allowed = runtime.access.allowedResourceTypes(ctx, 'search-system');
    if (allowed !== '*') {
      types = allowed;
      if (types.length === 0) return { types, nothing: true };
    }
  }
  if (types.length === 0) return { types, nothing: false };
  const kept: string[] = [];
  const exempt: string[] = [];
  let patient: string | undefined;
  for (const type of types) {
    const restriction = runtime.access.searchRestriction(ctx, type);
    if (restriction?.none === true) continue;
    if (restriction?.patientCompartment === undefined) {
      exempt.push(type);
      kept.push(type);
      continue;
    }
    patient ??= restriction.patientCompartment;
    if (restriction.patientCompartment === patient) kept.push(type);
  }
  if (kept.length === 0) return { types: kept, nothing: true };
  if (patient === undefined) return { types: kept, nothing: false };
  return { types: kept, nothing: false, scope: { ...patientCompartment(patient, true), ...(exempt.length > 0 ? { exemptTypes: exempt } : {}) } };
}

/** An empty searchset, for a search the caller may not see anything of. */
export function emptySearchset(): Bundle {
  return { resourceType: 'Bundle', type: 'searchset', total: 0 };
}

async function readAll(runtime: SearchRuntime, ctx: RequestContext, keys: readonly ResourceKey[]): Promise<StoredVersion[]> {
  if (keys.length === 0) return [];
  const versions = await runtime.store.readMany(ctx.tenant, keys);
  const out: StoredVersion[] = [];
  const readable = new Map<string, boolean>();
  for (const v of versions) {
    if (v === undefined || (v.json === undefined && v.resource === undefined)) continue;
    // A resource the policy hides is left out (DESIGN.md: includes never leak); its content is
    // read (parsed) only when the policy limits its type.
    let wholeType = readable.get(v.resourceType);
    if (wholeType === undefined) {
      wholeType = runtime.access.canReadType?.(ctx, v.resourceType) ?? false;
      readable.set(v.resourceType, wholeType);
    }
    if (wholeType || (v.resource !== undefined && runtime.access.canRead(ctx, v.resource))) out.push(v);
  }
  return out;
}

function link(ctx: RequestContext, path: string, applied: readonly (readonly [string, string])[], cursor?: string): string {
  const params = new URLSearchParams();
  for (const [name, value] of applied) params.append(name, value);
  if (cursor !== undefined) params.append('_cursor', cursor);
  const qs = params.toString();
  const base = path === '' ? ctx.baseUrl : `${ctx.baseUrl}/${path}`;
  return qs === '' ? base : `${base}?${qs}`;
}

/**
 * Executes `parsed` (already restricted to the right types and compartment) and renders the
 * Bundle. `path` is the search's location relative to the base, for the links.
 */
/**
 * Chains and _has read other types' data to decide matches: the caller must be allowed to
 * search each such type, or a forbidden type could be probed through them (issue 5, No leaks).
 */
export function assertConditionsAllowed(runtime: SearchRuntime, ctx: RequestContext, conditions: readonly Condition[]): void {
  for (const condition of conditions) {
    if (condition.kind === 'chain') {
      for (const target of condition.targets) {
        runtime.access.assertAllowed(ctx, 'search-type', target.resourceType);
        assertConditionsAllowed(runtime, ctx, [target.condition]);
      }
    } else if (condition.kind === 'has') {
      runtime.access.assertAllowed(ctx, 'search-type', condition.resourceType);
      assertConditionsAllowed(runtime, ctx, [condition.condition]);
    }
  }
}

export async function runSearch(runtime: SearchRuntime, ctx: RequestContext, parsed: ParsedSearch, path: string): Promise<Bundle> {
  assertConditionsAllowed(runtime, ctx, parsed.query.conditions);
  const summaryCount = parsed.summary === 'count';
  const asked = parsed.query;
  const query: SearchQuery = {
    ...asked,
    total: summaryCount ? 'accurate' : asked.total,
    count: summaryCount ? 0 : asked.count,
  };
  const page = await runtime.index.search(ctx.tenant, await withCodes(runtime, ctx, query));
  const [matches, included] = await Promise.all([readAll(runtime, ctx, page.matches), readAll(runtime, ctx, page.included)]);
  const subset = { ...(parsed.summary !== undefined ? { summary: parsed.summary } : {}), ...(parsed.elements !== undefined ? { elements: parsed.elements } : {}) };
  const subsetting = subset.summary !== undefined || subset.elements !== undefined;
  const entry = (version: StoredVersion, mode: 'match' | 'include'): BundleEntry => {
    const fullUrl = `${ctx.baseUrl}/${version.resourceType}/${version.id}`;
    // Stored text goes into the response as is unless _summary/_elements reshape the resource.
    if (version.json !== undefined && (mode === 'include' || !subsetting)) return storedEntry(fullUrl, version, version.json, mode);
    const resource = version.resource as Resource;
    return { fullUrl, resource: mode === 'match' ? applySubset(resource, subset) : resource, search: { mode } };
  };
  const entries: BundleEntry[] = [...matches.map((r) => entry(r, 'match')), ...included.map((r) => entry(r, 'include'))];
  if (parsed.ignored.length > 0) {
    entries.push({
      resource: {
        resourceType: 'OperationOutcome',
        issue: parsed.ignored.map((p) => ({ severity: 'warning', code: 'not-supported', diagnostics: `Ignored search parameter ${p.name}: ${p.reason}`, expression: [p.name] })),
      },
      search: { mode: 'outcome' },
    });
  }
  const links: { relation: string; url: string }[] = [{ relation: 'self', url: link(ctx, path, parsed.applied, asked.cursor) }];
  if (asked.cursor !== undefined) links.push({ relation: 'first', url: link(ctx, path, parsed.applied) });
  if (page.nextCursor !== undefined) links.push({ relation: 'next', url: link(ctx, path, parsed.applied, page.nextCursor) });
  if (page.previousCursor !== undefined) links.push({ relation: 'previous', url: link(ctx, path, parsed.applied, page.previousCursor) });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(page.total !== undefined ? { total: page.total } : {}),
    link: links,
    ...(entries.length > 0 ? { entry: entries } : {}),
  };
}
