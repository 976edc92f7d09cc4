import type { CoreDeps } from '../core-deps';
import { FhirError, toFhirError, VersionConflictError } from '../errors/fhir-error';
import { isJsonObject, type Bundle, type BundleEntry, type JsonValue, type Resource } from '../fhir-types';
import { applyFhirPathPatch } from '../patch/fhirpath-patch';
import { applyJsonPatch } from '../patch/json-patch';
import { bundleReferenceKey } from '../http/fhir-url';
import type { CreateGuard, StoredVersion } from '../ports/resource-store';
import type { RequestContext } from '../request';
import { bodyOf, batch } from './batch';
import { requireResourceBody } from './body';
import { entryRequestField, parseEntryRequest, type EntryRequest } from './bundle-entry';
import type { SubRequestHandler } from './bundle';
import { assertResourceType, assertValidId, etagOf, location, parseEtag } from './common';
import { findConditionalMatch } from './create';
import { conditionalCreateGuard } from './create-guard';
import { conditionalCreateLockKey, withResourceLocks } from './write-lock';
import { commitWrites, prepareWrite, type PreparedWrite } from './write-path';

type Action = 'create' | 'update' | 'patch' | 'delete' | 'read' | 'noop-create' | 'noop-delete';

interface Plan {
  readonly request: EntryRequest;
  readonly action: Action;
  readonly resourceType: string;
  readonly id: string;
  resource?: Resource;
  write?: PreparedWrite;
  /** A conditional create's claim on its criteria, committed with the transaction (create-guard.ts). */
  guard?: CreateGuard;
}

/** Processing order of a transaction (http.html#trules): DELETE, POST, PUT/PATCH, then GET. */
const ORDER: Record<Action, number> = { delete: 0, 'noop-delete': 0, create: 1, 'noop-create': 1, update: 2, patch: 2, read: 3 };

/**
 * A transaction: all entries succeed and are committed in one atomic write, or nothing is
 * written and the OperationOutcome names the failing entry (http.html#transaction).
 */
export async function transaction(deps: CoreDeps, ctx: RequestContext, entries: readonly unknown[], handle: SubRequestHandler): Promise<Bundle> {
  // Conditional creates hold their criteria's lock from the search to the commit, like a
  // single conditional create (write-lock.ts), so concurrent transactions create one resource.
  // Writes to a resource by id hold that resource's lock, as update and delete do, so
  // transactions over the same resources queue in this process instead of failing each other.
  const locks = entries.flatMap((entry) => {
    const request = isJsonObject(entry) && isJsonObject(entry['request']) ? entry['request'] : undefined;
    const url = request?.['url'];
    if (typeof url !== 'string') return [];
    const [type = '', id] = url.replace(/^.*\/fhir\//, '').split('?')[0]?.split('/').filter((p) => p !== '') ?? [];
    const criteria = request?.['ifNoneExist'];
    if (typeof criteria === 'string') return [conditionalCreateLockKey(ctx.tenant, type, criteria)];
    return id !== undefined && request?.['method'] !== 'GET' ? [`${ctx.tenant}/${type}/${id}`] : [];
  });
  // Without If-Match on any entry the client asked for no particular version: a transaction that
  // raced another write is planned again from the new state (bounded), as a single update is.
  const versioned = entries.some((entry) => isJsonObject(entry) && isJsonObject(entry['request']) && entry['request']['ifMatch'] !== undefined);
  const attempts = versioned ? 1 : 5;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await withResourceLocks(deps.store, locks, () => transactionOnce(deps, ctx, entries, handle));
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      if (attempt >= attempts) throw new FhirError('VERSION_CONFLICT', `The transaction raced another write and was not applied: ${error.message}`);
    }
  }
}

async function transactionOnce(deps: CoreDeps, ctx: RequestContext, entries: readonly unknown[], handle: SubRequestHandler): Promise<Bundle> {
  const requests = entries.map((entry, index) => inEntry(index, () => parseEntryRequest(entry, index, ctx.baseUrl)));
  const plans: Plan[] = [];
  const fullUrls = new Map<string, string>();
  for (const request of requests) {
    const plan = await inEntry(request.index, () => planEntry(deps, ctx, request));
    plans.push(plan);
    const fullUrl = request.entry.fullUrl;
    if (typeof fullUrl === 'string' && plan.action !== 'read') fullUrls.set(bundleReferenceKey(fullUrl, ctx.baseUrl), `${plan.resourceType}/${plan.id}`);
  }
  assertNoDuplicates(plans);
  const conditionalRefs = new Map<string, string>();
  for (const plan of plans) {
    if (plan.resource) plan.resource = await inEntry(plan.request.index, () => rewriteReferences(deps, ctx, plan.resource as Resource, fullUrls, conditionalRefs));
  }

  const writes = plans.filter((p) => p.action === 'create' || p.action === 'update' || p.action === 'patch' || p.action === 'delete');
  if (writes.length > deps.store.maxAtomicWrites) {
    throw new FhirError('BUNDLE_TOO_LARGE', `This transaction writes ${writes.length} resources; the store commits at most ${deps.store.maxAtomicWrites} atomically`, { expression: ['Bundle.entry'] });
  }
  const currents = await deps.store.readMany(ctx.tenant, writes.map((p) => ({ resourceType: p.resourceType, id: p.id })));
  const now = deps.clock();
  const ordered = [...writes.keys()].sort((a, b) => ORDER[(writes[a] as Plan).action] - ORDER[(writes[b] as Plan).action]);
  for (const i of ordered) {
    const plan = writes[i] as Plan;
    await inEntry(plan.request.index, () => { plan.write = prepare(deps, ctx, plan, currents[i], now); });
  }
  // A VersionConflictError goes up to transaction(), which plans again or answers 409.
  await commitWrites(deps, ctx, ordered.map((i) => (writes[i] as Plan).write as PreparedWrite), [...new Map(writes.flatMap((plan) => (plan.guard !== undefined ? [[plan.guard.key, plan.guard] as const] : [])).reverse()).values()]);

  const reads = plans.filter((p) => p.action === 'read');
  const readResults = reads.length > 0 ? await batch(ctx, reads.map((p) => p.request.entry), handle) : undefined;
  const readEntries = new Map(reads.map((p, i) => [p.request.index, readResults?.entry?.[i] ?? {}]));
  return {
    resourceType: 'Bundle',
    type: 'transaction-response',
    // json.html: no empty arrays (an empty transaction answers with no entry element).
    ...(plans.length > 0 ? { entry: plans.map((plan) => readEntries.get(plan.request.index) ?? responseEntry(ctx, plan)) } : {}),
  };
}

async function planEntry(deps: CoreDeps, ctx: RequestContext, request: EntryRequest): Promise<Plan> {
  const { method, path, query } = request;
  const [type, id, ...rest] = path;
  if (method === 'GET' || method === 'HEAD') return { request, action: 'read', resourceType: type ?? '', id: id ?? '' };
  if (type === undefined || rest.length > 0 || (method === 'POST' && id !== undefined)) {
    throw new FhirError('INVALID_REQUEST', `${method} ${request.url} is not a supported transaction entry`, { expression: ['request.url'] });
  }
  assertResourceType(deps, type);
  const criteria = new URLSearchParams(query).toString();
  const resolveId = async (): Promise<string | undefined> => {
    if (id !== undefined) {
      assertValidId(id);
      return id;
    }
    if (criteria === '') throw new FhirError('INVALID_REQUEST', `${method} ${request.url} needs an id or search criteria`, { expression: ['request.url'] });
    return findConditionalMatch(deps, ctx, type, criteria);
  };
  const resource = request.entry.resource;
  switch (method) {
    case 'POST': {
      deps.access.assertAllowed(ctx, 'create', type);
      const body = requireResourceBody(resource, type);
      const ifNoneExist = entryRequestField(request.entry, 'ifNoneExist');
      const id = deps.newId();
      if (ifNoneExist === undefined) return { request, action: 'create', resourceType: type, id, resource: body };
      const existing = await findConditionalMatch(deps, ctx, type, ifNoneExist);
      const decision = existing !== undefined ? { match: existing } : await conditionalCreateGuard(deps, ctx, type, ifNoneExist, id);
      if ('match' in decision) return { request, action: 'noop-create', resourceType: type, id: decision.match };
      return { request, action: 'create', resourceType: type, id, resource: body, guard: decision.guard };
    }
    case 'PUT': {
      deps.access.assertAllowed(ctx, 'update', type);
      const body = requireResourceBody(resource, type);
      const target = (await resolveId()) ?? (typeof body.id === 'string' ? body.id : deps.newId());
      assertValidId(target);
      if (body.id !== undefined && body.id !== target) {
        throw new FhirError('ID_MISMATCH', `The body's id '${String(body.id)}' differs from ${type}/${target}`, { expression: [`${type}.id`] });
      }
      return { request, action: 'update', resourceType: type, id: target, resource: { ...body, id: target } };
    }
    case 'PATCH': {
      deps.access.assertAllowed(ctx, 'patch', type);
      const target = await resolveId();
      if (target === undefined) throw new FhirError('NOT_FOUND', `No ${type} matches '${criteria}'`);
      return { request, action: 'patch', resourceType: type, id: target };
    }
    default: {
      deps.access.assertAllowed(ctx, 'delete', type);
      const target = await resolveId();
      return target === undefined ? { request, action: 'noop-delete', resourceType: type, id: '' } : { request, action: 'delete', resourceType: type, id: target };
    }
  }
}

function prepare(deps: CoreDeps, ctx: RequestContext, plan: Plan, current: StoredVersion | undefined, now: Date): PreparedWrite {
  const label = `${plan.resourceType}/${plan.id}`;
  const ifMatch = entryRequestField(plan.request.entry, 'ifMatch');
  if (ifMatch !== undefined && current?.versionId !== parseEtag(ifMatch)) {
    throw new FhirError('PRECONDITION_FAILED', `If-Match ${ifMatch} does not match the current version of ${label}`, { expression: ['request.ifMatch'] });
  }
  let resource: Resource | undefined = plan.resource;
  if (plan.action === 'create' && current !== undefined) throw new FhirError('VERSION_CONFLICT', `${label} already exists`);
  if (plan.action === 'update' && current === undefined && !deps.config.updateCreate) {
    throw new FhirError('METHOD_NOT_ALLOWED', `${label} does not exist and this server does not create resources with client-assigned ids`);
  }
  if (plan.action === 'patch') {
    if (!current?.resource) throw new FhirError(current ? 'GONE' : 'NOT_FOUND', `${label} is not there to patch`);
    const body = plan.request.entry.resource;
    if (body === undefined) throw new FhirError('INVALID_PATCH', 'A PATCH entry needs a Parameters or Binary resource', { expression: ['resource'] });
    const { contentType, text } = bodyOf('PATCH', body);
    resource = body.resourceType === 'Parameters' ? applyFhirPathPatch(current.resource, body) : contentType.includes('json-patch') ? applyJsonPatch(current.resource, JSON.parse(text) as unknown) : undefined;
    if (resource === undefined) throw new FhirError('INVALID_PATCH', 'A PATCH entry needs a Parameters or a Binary with a JSON Patch', { expression: ['resource'] });
  }
  if (plan.action === 'delete' && !current?.resource) return prepareWrite(deps, ctx, { resourceType: plan.resourceType, id: plan.id, current, resource: undefined }, now);
  return prepareWrite(deps, ctx, { resourceType: plan.resourceType, id: plan.id, current, resource }, now);
}

function assertNoDuplicates(plans: readonly Plan[]): void {
  const seen = new Map<string, number>();
  for (const plan of plans) {
    if (plan.action === 'read' || plan.action === 'noop-delete' || plan.action === 'noop-create') continue;
    const key = `${plan.resourceType}/${plan.id}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new FhirError('INVALID_REQUEST', `Bundle.entry[${earlier}] and Bundle.entry[${plan.request.index}] both change ${key}; a transaction may change a resource once`, { expression: [`Bundle.entry[${plan.request.index}]`] });
    }
    seen.set(key, plan.request.index);
  }
}

/** A Reference.reference found in a resource, with the element path that holds it. */
interface FoundReference {
  readonly reference: string;
  /** `Patient.generalPractitioner[0].reference` */
  readonly path: string;
}

function findReferences(resource: Resource): FoundReference[] {
  const found: FoundReference[] = [];
  const walk = (value: JsonValue | undefined, path: string): void => {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (isJsonObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'reference' && typeof child === 'string') found.push({ reference: child, path: `${path}.reference` });
        else walk(child, `${path}.${key}`);
      }
    }
  };
  walk(resource, resource.resourceType);
  return found;
}

/** bundle.html#references: urn:uuid: and urn:oid: are placeholders that only a Bundle entry can give meaning to. */
const PLACEHOLDER = /^urn:(uuid|oid):/i;

/**
 * Rewrites references to other entries (by fullUrl, urn:uuid or an absolute URL on this
 * server's base) and resolves conditional references (http.html#trules). A placeholder that no
 * entry defines is a 400 naming the element (issue 9, defect 8): nothing would ever resolve it.
 */
async function rewriteReferences(deps: CoreDeps, ctx: RequestContext, resource: Resource, fullUrls: ReadonlyMap<string, string>, conditional: Map<string, string>): Promise<Resource> {
  const resolved = new Map<string, string>();
  for (const { reference, path } of findReferences(resource)) {
    const key = bundleReferenceKey(reference, ctx.baseUrl);
    const target = fullUrls.get(key) ?? conditional.get(key);
    if (target !== undefined) {
      resolved.set(reference, target);
      continue;
    }
    if (PLACEHOLDER.test(reference)) {
      throw new FhirError('INVALID_REQUEST', `The reference '${reference}' is a placeholder that no entry in this transaction defines (no entry has it as fullUrl)`, { expression: [path] });
    }
    if (/^[A-Z][A-Za-z]+\?/.test(key)) {
      const [type = '', criteria = ''] = key.split('?', 2);
      const match = await findConditionalMatch(deps, ctx, type, criteria);
      if (match === undefined) throw new FhirError('NOT_FOUND', `The conditional reference '${reference}' matches nothing`, { expression: [path] });
      conditional.set(key, `${type}/${match}`);
      resolved.set(reference, `${type}/${match}`);
    }
  }
  if (resolved.size === 0) return resource;
  const rewrite = (value: JsonValue | undefined): JsonValue | undefined => {
    if (Array.isArray(value)) return value.map((v) => rewrite(v) ?? null);
    if (!isJsonObject(value)) return value;
    const out: Record<string, JsonValue | undefined> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = key === 'reference' && typeof child === 'string' ? (resolved.get(child) ?? child) : rewrite(child);
    }
    return out;
  };
  return rewrite(resource) as Resource;
}

function responseEntry(ctx: RequestContext, plan: Plan): BundleEntry {
  const write = plan.write?.operation;
  if (!write) {
    const status = plan.action === 'noop-create' ? '200 OK' : '204 No Content';
    return { response: { status, ...(plan.action === 'noop-create' ? { location: `${ctx.baseUrl}/${plan.resourceType}/${plan.id}` } : {}) } };
  }
  const created = plan.write?.change.action === 'create';
  const entry: BundleEntry = {
    fullUrl: `${ctx.baseUrl}/${plan.resourceType}/${plan.id}`,
    response: {
      status: write.resource === undefined ? '204 No Content' : created ? '201 Created' : '200 OK',
      location: location(ctx.baseUrl, plan.resourceType, plan.id, write.versionId),
      etag: etagOf(write.versionId),
      lastModified: write.lastUpdated,
    },
  };
  if (write.resource) entry.resource = write.resource;
  return entry;
}

/** Runs one entry's step and names the entry in any error, keeping the element pointer. */
function inEntry<T>(index: number, step: () => T): T {
  const wrap = (error: unknown): never => {
    const fhirError = toFhirError(error, 'transaction');
    if (fhirError.code === 'INTERNAL') throw error;
    const prefix = `Bundle.entry[${index}]`;
    // Expressions already rooted at the entry (request.url checks) stay as they are.
    const scoped = (e: string): string => (e.startsWith(`${prefix}`) ? e : `${prefix}.${e.replace(/^[A-Z][A-Za-z]+\./, 'resource.')}`);
    const expression = (fhirError.expression ?? []).map(scoped);
    const issues = fhirError.issues?.map((issue) => ({ ...issue, diagnostics: `${prefix}: ${issue.diagnostics ?? ''}`, expression: (issue.expression ?? []).map(scoped) }));
    const message = fhirError.message.startsWith(prefix) ? fhirError.message : `${prefix}: ${fhirError.message}`;
    throw new FhirError(fhirError.code, message, {
      expression: expression.length > 0 ? expression : [prefix],
      ...(issues ? { issues } : {}),
      headers: fhirError.headers,
      cause: error,
    });
  };
  try {
    const result = step();
    return result instanceof Promise ? (result.catch(wrap) as T) : result;
  } catch (error) {
    return wrap(error);
  }
}
