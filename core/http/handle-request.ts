import type { CoreDeps } from '../core-deps';
import { FhirError, outcome, toFhirError } from '../errors/fhir-error';
import { jsonText } from '../format/json-text';
import { applySubset, parseSubset } from '../format/subset';
import { processBundle } from '../interactions/bundle';
import { capabilities } from '../interactions/capabilities';
import { etagOf, httpDate } from '../interactions/common';
import { create } from '../interactions/create';
import { conditionalDelete, deleteResource } from '../interactions/delete';
import { history } from '../interactions/history';
import { conditionalPatch, patch, type PatchFormat } from '../interactions/patch';
import { binaryBytes } from '../interactions/binary-content';
import { read, respondWithVersion, storedVersion } from '../interactions/read';
import type { InteractionResult } from '../interactions/result';
import { conditionalUpdate, update } from '../interactions/update';
import { vread } from '../interactions/vread';
import { everythingOperation } from '../operations/everything';
import { exportKickOff } from '../operations/export';
import { exportFile, exportStatus } from '../operations/export-status';
import { validateOperation } from '../operations/validate';
import { codeSystemLookup } from '../operations/code-system-lookup';
import { codeSystemSubsumes } from '../operations/code-system-subsumes';
import { validateCode } from '../operations/validate-code';
import { valueSetExpand } from '../operations/value-set-expand';
import type { FhirRequest, FhirResponse } from '../request';
import { bodyKind, FHIR_JSON, negotiate, type Negotiated } from './negotiation';
import { parseJsonBody } from './parse-json';
import { route, type Route } from './route';

export interface ServerInfo {
  readonly name: string;
  readonly version: string;
  readonly releaseDate: string;
}

/** Parameters that shape the response, not the search (http.html#parameters). */
const FORMAT_PARAMS = new Set(['_format', '_pretty']);

/**
 * The REST front door of the core: every transport (local HTTP, API Gateway) builds a
 * FhirRequest and renders the FhirResponse verbatim, so that ETag, Prefer, negotiation and
 * OperationOutcome rules are decided once (STYLE.md: transports only translate).
 */
export async function handleRequest(deps: CoreDeps, info: ServerInfo, req: FhirRequest): Promise<FhirResponse> {
  let negotiated: Negotiated = { contentType: FHIR_JSON, pretty: false };
  try {
    const r = route(req.method, req.path);
    if ((r.kind === 'read' || r.kind === 'vread') && r.type === 'Binary' && wantsNativeBinary(req)) {
      return await nativeBinaryRead(deps, req, r.id, r.kind === 'vread' ? r.versionId : undefined);
    }
    // The Bulk Data status and file endpoints answer JSON manifests and NDJSON, not FHIR resources.
    if (r.kind === 'export-status') return await exportStatus(deps, req, r.jobId);
    if (r.kind === 'export-file') return await exportFile(deps, req, r.jobId, r.name);
    negotiated = negotiate(req);
    const result = await dispatch(deps, info, req, r);
    return render(req, result, negotiated);
  } catch (error) {
    return errorResponse(deps, error, { method: req.method, path: req.path.join('/'), correlationId: req.context.correlationId, pretty: negotiated.pretty });
  }
}

export async function dispatch(deps: CoreDeps, info: ServerInfo, req: FhirRequest, r: Route): Promise<InteractionResult> {
  const ctx = req.context;
  const header = (name: string): string | undefined => req.headers[name];
  const optional = <K extends string>(key: K, value: string | undefined): { [P in K]?: string } =>
    (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
  const query = req.query.filter(([name]) => !FORMAT_PARAMS.has(name));
  const conditionalQuery = (): string => new URLSearchParams(query.map(([k, v]): [string, string] => [k, v])).toString();
  const subset = (result: InteractionResult): InteractionResult => {
    const spec = parseSubset(query);
    if (spec.summary === undefined && spec.elements === undefined) return result;
    if (!result.resource) return result;
    const { json: _stored, ...rest } = result;
    return { ...rest, resource: applySubset(result.resource, spec) };
  };
  switch (r.kind) {
    case 'capabilities':
      return capabilities(deps, ctx, info, info.releaseDate);
    case 'read':
      return subset(await read(deps, ctx, r.type, r.id, { ...optional('ifNoneMatch', header('if-none-match')), ...optional('ifModifiedSince', header('if-modified-since')) }));
    case 'vread':
      return subset(await vread(deps, ctx, r.type, r.id, r.versionId, { ...optional('ifNoneMatch', header('if-none-match')), ...optional('ifModifiedSince', header('if-modified-since')) }));
    case 'create':
      return create(deps, ctx, r.type, binaryOrResourceBody(deps, req, r.type, undefined), optional('ifNoneExist', header('if-none-exist')));
    case 'update':
      return update(deps, ctx, r.type, r.id, binaryOrResourceBody(deps, req, r.type, r.id), optional('ifMatch', header('if-match')));
    case 'conditional-update':
      return conditionalUpdate(deps, ctx, r.type, requireCriteria(conditionalQuery()), resourceBody(deps, req), optional('ifMatch', header('if-match')));
    case 'patch': {
      const [format, body] = patchBody(deps, req);
      return patch(deps, ctx, r.type, r.id, format, body, optional('ifMatch', header('if-match')));
    }
    case 'conditional-patch': {
      const [format, body] = patchBody(deps, req);
      return conditionalPatch(deps, ctx, r.type, requireCriteria(conditionalQuery()), format, body, optional('ifMatch', header('if-match')));
    }
    case 'delete':
      return deleteResource(deps, ctx, r.type, r.id);
    case 'conditional-delete':
      return conditionalDelete(deps, ctx, r.type, requireCriteria(conditionalQuery()));
    case 'history-instance':
      return history(deps, ctx, { resourceType: r.type, id: r.id }, query);
    case 'history-type':
      return history(deps, ctx, { resourceType: r.type }, query);
    case 'history-system':
      return history(deps, ctx, {}, query);
    case 'search-type':
    case 'search-system':
    case 'search-compartment': {
      const params = r.kind !== 'search-compartment' && r.viaPost ? [...query, ...formBody(deps, req)] : query;
      if (r.kind === 'search-type' && !deps.isResourceType(r.type)) throw new FhirError('UNKNOWN_RESOURCE_TYPE', `'${r.type}' is not a FHIR R4 resource type`);
      const target = r.kind === 'search-type' ? { resourceType: r.type } : r.kind === 'search-compartment'
        ? { ...(r.type !== undefined ? { resourceType: r.type } : {}), compartment: { resourceType: r.compartmentType, id: r.compartmentId } }
        : {};
      const bundle = await deps.search.search(ctx, target, params, { strict: preferHandling(req) === 'strict' });
      return { status: 200, resource: bundle };
    }
    case 'operation':
      if (r.name === 'validate' && req.method === 'POST') return validateOperation(deps, ctx, r.type, r.id, resourceBody(deps, req), query);
      if (r.name === 'everything' && r.type === 'Patient' && req.method !== 'POST') return everythingOperation(deps, ctx, r.id, query);
      if (r.type === 'CodeSystem' || r.type === 'ValueSet') {
        const body = req.method === 'POST' ? resourceBody(deps, req) : undefined;
        if (r.name === 'lookup' && r.type === 'CodeSystem') return codeSystemLookup(deps, ctx, r.id, query, body);
        if (r.name === 'subsumes' && r.type === 'CodeSystem') return codeSystemSubsumes(deps, ctx, r.id, query, body);
        if (r.name === 'expand' && r.type === 'ValueSet') return valueSetExpand(deps, ctx, r.id, query, body);
        if (r.name === 'validate-code') return validateCode(deps, ctx, r.type, r.id, query, body);
      }
      if (r.name === 'export' && req.method !== 'HEAD') return exportKickOff(deps, req, r.type, r.id, req.method === 'POST' && req.body !== undefined ? resourceBody(deps, req) : undefined);
      throw new FhirError('NOT_IMPLEMENTED', `The operation $${r.name} is not supported ${r.type ? `on ${r.type}${r.id ? ' instances' : ''}` : 'at the system level'}${r.name === 'validate' ? ' with this method; POST the resource' : ''}`);
    case 'export-status':
    case 'export-file':
      throw new FhirError('NOT_FOUND', 'Export status and files are not FHIR interactions');
    case 'bundle':
      return processBundle(deps, ctx, resourceBody(deps, req), (sub) => handleRequest(deps, info, sub));
  }
}

/**
 * binary.html#rest: a Binary read answers in the content's own media type unless the client
 * asks for a FHIR format (Accept or _format).
 */
function wantsNativeBinary(req: FhirRequest): boolean {
  if (req.query.some(([name]) => name === '_format')) return false;
  const accept = (req.headers['accept'] ?? '').toLowerCase();
  return !/(application\/(fhir\+)?json|application\/json\+fhir)/.test(accept);
}

async function nativeBinaryRead(deps: CoreDeps, req: FhirRequest, id: string, versionId: string | undefined): Promise<FhirResponse> {
  const conditional = {
    ...(req.headers['if-none-match'] !== undefined ? { ifNoneMatch: req.headers['if-none-match'] } : {}),
    ...(req.headers['if-modified-since'] !== undefined ? { ifModifiedSince: req.headers['if-modified-since'] } : {}),
  };
  // The stored version as is: its bytes go out raw, without a base64 round trip through the resource.
  const { version, label } = await storedVersion(deps, req.context, 'Binary', id, versionId);
  const result = respondWithVersion(deps, req.context, version, label, conditional);
  const headers: Record<string, string> = {};
  if (result.version) {
    headers['etag'] = etagOf(result.version.versionId);
    headers['last-modified'] = httpDate(result.version.lastUpdated);
  }
  if (result.status === 304 || !result.resource || !version) return { status: result.status, headers };
  const contentType = typeof result.resource['contentType'] === 'string' ? result.resource['contentType'] : 'application/octet-stream';
  headers['content-type'] = contentType;
  if (req.method === 'HEAD') return { status: 200, headers };
  return { status: 200, headers, body: (await binaryBytes(deps, req.context, version)) ?? new Uint8Array() };
}

/** A Binary may be sent as the raw content in its own media type (binary.html#rest). */
function binaryOrResourceBody(deps: CoreDeps, req: FhirRequest, type: string, id: string | undefined): unknown {
  const contentType = (req.body?.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const isFhirJson = contentType === '' || /(^|\/)(fhir\+)?json$|json\+fhir$/.test(contentType);
  if (type !== 'Binary' || req.body === undefined || isFhirJson) return resourceBody(deps, req);
  const bytes = req.body.bytes ?? Buffer.from(req.body.text, 'utf8');
  if (bytes.byteLength > deps.config.maxBodyBytes) throw new FhirError('PAYLOAD_TOO_LARGE', `The body is larger than ${deps.config.maxBodyBytes} bytes`);
  return { resourceType: 'Binary', ...(id !== undefined ? { id } : {}), contentType, data: Buffer.from(bytes).toString('base64') };
}

function requireCriteria(query: string): string {
  if (query === '') throw new FhirError('INVALID_REQUEST', 'A conditional interaction on a type needs search criteria in the URL');
  return query;
}

function resourceBody(deps: CoreDeps, req: FhirRequest): unknown {
  if (req.body === undefined) throw new FhirError('INVALID_REQUEST', 'A resource body is required');
  if (bodyKind(req.body.contentType, req.method) !== 'resource') {
    throw new FhirError('UNSUPPORTED_MEDIA_TYPE', `Content-Type '${req.body.contentType ?? ''}' is not supported here; send application/fhir+json`);
  }
  return parseJsonBody(req.body.text, deps.config.maxBodyBytes, deps.config.maxJsonDepth);
}

function patchBody(deps: CoreDeps, req: FhirRequest): [PatchFormat, unknown] {
  if (req.body === undefined) throw new FhirError('INVALID_REQUEST', 'A patch body is required');
  const kind = bodyKind(req.body.contentType, req.method);
  const body = parseJsonBody(req.body.text, deps.config.maxBodyBytes, deps.config.maxJsonDepth);
  return [kind === 'json-patch' ? 'json-patch' : 'fhirpath-patch', body];
}

function formBody(deps: CoreDeps, req: FhirRequest): [string, string][] {
  if (req.body === undefined || req.body.text === '') return [];
  if (bodyKind(req.body.contentType, req.method) !== 'form') {
    throw new FhirError('UNSUPPORTED_MEDIA_TYPE', 'POST _search takes application/x-www-form-urlencoded parameters');
  }
  if (Buffer.byteLength(req.body.text) > deps.config.maxBodyBytes) throw new FhirError('PAYLOAD_TOO_LARGE');
  return [...new URLSearchParams(req.body.text)];
}

type PreferReturn = 'minimal' | 'representation' | 'OperationOutcome';

function preferValue(req: FhirRequest, key: string): string | undefined {
  const prefer = req.headers['prefer'];
  if (prefer === undefined) return undefined;
  for (const part of prefer.split(/[,;]/)) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (k === key && v !== undefined) return v.replace(/^"|"$/g, '');
  }
  return undefined;
}

export function preferHandling(req: FhirRequest): 'strict' | 'lenient' {
  return preferValue(req, 'handling') === 'strict' ? 'strict' : 'lenient';
}

function preferReturn(req: FhirRequest): PreferReturn {
  const value = preferValue(req, 'return');
  return value === 'minimal' || value === 'OperationOutcome' ? value : 'representation';
}

function render(req: FhirRequest, result: InteractionResult, negotiated: Negotiated): FhirResponse {
  const headers: Record<string, string> = {};
  if (result.version) {
    headers['etag'] = etagOf(result.version.versionId);
    headers['last-modified'] = httpDate(result.version.lastUpdated);
  }
  if (result.location !== undefined) headers[result.status === 201 ? 'location' : 'content-location'] = result.location;
  if (result.status === 304) return { status: 304, headers };
  const isWrite = req.method !== 'GET' && req.method !== 'HEAD';
  const mode = isWrite ? preferReturn(req) : 'representation';
  // Stored JSON text is sent as it is (issue 11); `resource` is then not read, so not parsed.
  const stored = mode === 'representation' && !negotiated.pretty ? result.json : undefined;
  const body = stored !== undefined ? stored
    : mode === 'minimal' ? undefined
    : mode === 'OperationOutcome' ? (result.outcome ?? outcome('information', 'informational', `${req.method} succeeded with status ${result.status}`))
    : (result.resource ?? result.outcome);
  if (body === undefined || req.method === 'HEAD') {
    if (body !== undefined) headers['content-type'] = `${negotiated.contentType}; charset=utf-8`;
    return { status: result.status, headers };
  }
  headers['content-type'] = `${negotiated.contentType}; charset=utf-8`;
  const audit = auditFacts(result);
  return { status: result.status, headers, body: typeof body === 'string' ? body : jsonText(body, negotiated.pretty), ...(audit !== undefined ? { audit } : {}) };
}

/** Result count and Bundle kind for the audit log (issue 13), from the result, not the body text. */
function auditFacts(result: InteractionResult): FhirResponse['audit'] {
  const resource = result.resource;
  if (resource?.resourceType !== 'Bundle') return undefined;
  const entries = Array.isArray(resource['entry']) ? (resource['entry'] as { search?: { mode?: string } }[]) : [];
  const type = resource['type'];
  if (type === 'searchset') return { resultCount: entries.filter((e) => e.search?.mode !== 'include' && e.search?.mode !== 'outcome').length };
  if (type === 'transaction-response' || type === 'batch-response') return { resultCount: entries.length, bundleType: type === 'transaction-response' ? 'transaction' : 'batch' };
  return { resultCount: entries.length };
}

export interface ErrorContext {
  readonly method: string;
  readonly path: string;
  readonly correlationId: string;
  readonly pretty: boolean;
}

/** Renders any error as an OperationOutcome; unexpected ones are logged and masked (500). */
export function errorResponse(deps: Pick<CoreDeps, 'log'>, error: unknown, where: ErrorContext): FhirResponse {
  const fhirError = toFhirError(error, where.correlationId);
  if (fhirError.status >= 500) {
    deps.log.error('request failed', {
      correlationId: where.correlationId,
      method: where.method,
      path: where.path,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  const headers: Record<string, string> = { 'content-type': `${FHIR_JSON}; charset=utf-8`, ...fhirError.headers };
  if (fhirError.status >= 500) headers['x-correlation-id'] = where.correlationId;
  const body = where.method === 'HEAD' ? undefined : JSON.stringify(fhirError.toOperationOutcome(), null, where.pretty ? 2 : undefined);
  return { status: fhirError.status, headers, ...(body !== undefined ? { body } : {}) };
}
