import { extractBearerToken } from '../authz/bearer';
import { assertTenant } from '../authz/tenancy';
import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { TokenVerifier } from '../ports/token-verifier';
import { DEFAULT_TENANT, type FhirRequest, type FhirResponse, type HttpMethod, type Principal } from '../request';
import { pathSegments } from './fhir-url';
import { errorResponse, handleRequest, type ServerInfo } from './handle-request';
import { restAuditRecord } from './rest-audit';

/** An HTTP request as any transport sees it, before FHIR meaning is given to it. */
export interface RawHttpRequest {
  readonly method: string;
  /** The path below the FHIR root, e.g. `/Patient/1` or `/tenant/t1/Patient/1`. */
  readonly path: string;
  /** The query string without `?`. */
  readonly rawQuery: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  /** The same body as bytes, for Binary uploads in their own media type. */
  readonly bytes?: Uint8Array;
  /** Absolute URL of the FHIR root, e.g. http://127.0.0.1:8080/fhir. */
  readonly rootUrl: string;
  readonly correlationId: string;
  /** The peer address, for the audit log. */
  readonly sourceIp?: string;
}

export interface FrontDoor {
  readonly deps: CoreDeps;
  readonly info: ServerInfo;
  /** Undefined only in the explicit no-auth mode. */
  readonly verifier: TokenVerifier | undefined;
}

/** https://hl7.org/fhir/R4/http.html: tenant ids are [A-Za-z0-9_-]{1,64} (issue 2, Multi-tenancy). */
const TENANT_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** The caller in the explicit no-auth mode. */
export const ANONYMOUS: Principal = { subject: 'anonymous', groups: [], scopes: [], unauthenticated: true };
/** A caller without credentials, for the public endpoints only; it has no groups or scopes. */
const PUBLIC: Principal = { subject: 'public', groups: [], scopes: [] };

/**
 * Gives a raw HTTP request its FHIR meaning: tenant, principal, path. Shared by the local
 * server and the API Gateway handler, so neither decides anything itself.
 */
export async function handleHttp(door: FrontDoor, raw: RawHttpRequest): Promise<FhirResponse> {
  let request: FhirRequest | undefined;
  let response: FhirResponse;
  try {
    request = await toFhirRequest(door, raw);
    response = await handleRequest(door.deps, door.info, request);
  } catch (error) {
    response = errorResponse(door.deps, error, { method: raw.method, path: raw.path, correlationId: raw.correlationId, pretty: false });
  }
  // One audit record per request, whatever its outcome (issue 13).
  door.deps.audit?.record(restAuditRecord(raw, request, response, door.deps.config.multiTenancy, door.deps.clock()));
  return response;
}

export async function toFhirRequest(door: FrontDoor, raw: RawHttpRequest): Promise<FhirRequest> {
  const method = raw.method.toUpperCase();
  if (!METHODS.has(method)) throw new FhirError('METHOD_NOT_ALLOWED', `HTTP method ${raw.method} is not supported`);
  let segments: string[];
  try {
    segments = pathSegments(raw.path);
  } catch {
    throw new FhirError('INVALID_REQUEST', 'The URL path is not validly encoded');
  }
  const { tenant, path, baseUrl } = splitTenant(door.deps.config.multiTenancy, segments, raw.rootUrl);
  // The CapabilityStatement is public (http.html#capabilities): clients read it before they log in.
  const isCapabilities = (method === 'GET' || method === 'HEAD') && path.length === 1 && path[0] === 'metadata';
  const principal = isCapabilities && raw.headers['authorization'] === undefined ? PUBLIC : await authenticate(door, raw.headers['authorization'], tenant);
  return {
    method: method as HttpMethod,
    path,
    query: [...new URLSearchParams(raw.rawQuery)],
    headers: raw.headers,
    ...(raw.body !== undefined && raw.body !== '' ? { body: { contentType: raw.headers['content-type'], text: raw.body, ...(raw.bytes !== undefined ? { bytes: raw.bytes } : {}) } } : {}),
    context: { principal, tenant, baseUrl, correlationId: raw.correlationId, client: clientOf(raw) },
  };
}

function clientOf(raw: RawHttpRequest): { sourceIp?: string; userAgent?: string } {
  const userAgent = raw.headers['user-agent'];
  return { ...(raw.sourceIp !== undefined ? { sourceIp: raw.sourceIp } : {}), ...(userAgent !== undefined ? { userAgent: userAgent.slice(0, 300) } : {}) };
}

function splitTenant(multiTenancy: boolean, segments: string[], rootUrl: string): { tenant: string; path: string[]; baseUrl: string } {
  if (!multiTenancy) return { tenant: DEFAULT_TENANT, path: segments, baseUrl: rootUrl };
  const [prefix, tenant, ...path] = segments;
  if (prefix !== 'tenant' || tenant === undefined) {
    throw new FhirError('NOT_FOUND', 'Multi-tenancy is on: URLs are [root]/tenant/<tenantId>/...');
  }
  if (!TENANT_PATTERN.test(tenant)) {
    throw new FhirError('INVALID_TENANT', `Tenant id '${tenant.slice(0, 80)}' must be 1-64 characters of A-Z, a-z, 0-9, '_' and '-'`);
  }
  return { tenant, path, baseUrl: `${rootUrl}/tenant/${tenant}` };
}

async function authenticate(door: FrontDoor, authorization: string | undefined, tenant: string): Promise<Principal> {
  if (door.verifier === undefined) return ANONYMOUS;
  const principal = await door.verifier.verify(extractBearerToken(authorization));
  assertTenant(principal, tenant, door.deps.config.multiTenancy);
  return principal;
}
