// CORS for browser apps on another origin (https://fetch.spec.whatwg.org/#http-cors-protocol).
// Tokens travel in the Authorization header, never in cookies, so credentials are not allowed
// and a wildcard origin is safe as the default.

export interface CorsPolicy {
  /** Allowed origins, or ['*'] for any. */
  readonly origins: readonly string[];
}

const ALLOWED_HEADERS = 'authorization, content-type, accept, prefer, if-match, if-none-match, if-none-exist, if-modified-since, x-request-id, sec-websocket-protocol';
const EXPOSED_HEADERS = 'etag, location, content-location, last-modified, x-request-id, x-correlation-id, www-authenticate';
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

export function parseCorsOrigins(setting: string): CorsPolicy {
  const origins = setting.split(',').map((o) => o.trim()).filter((o) => o !== '');
  return { origins: origins.length === 0 ? ['*'] : origins };
}

/** Headers to add to a response for a request from `origin` (none when the origin is not allowed). */
export function corsHeaders(policy: CorsPolicy, origin: string | undefined): Record<string, string> {
  if (origin === undefined) return {};
  if (policy.origins.includes('*')) return { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED_HEADERS };
  if (!policy.origins.includes(origin)) return {};
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED_HEADERS, vary: 'Origin' };
}

/** The answer to a preflight (OPTIONS with Access-Control-Request-Method), or undefined if it is not one. */
export function preflightResponse(policy: CorsPolicy, method: string, headers: Readonly<Record<string, string | undefined>>): { status: number; headers: Record<string, string> } | undefined {
  if (method !== 'OPTIONS' || headers['access-control-request-method'] === undefined) return undefined;
  const allowed = corsHeaders(policy, headers['origin']);
  if (allowed['access-control-allow-origin'] === undefined) return { status: 403, headers: {} };
  return {
    status: 204,
    headers: { ...allowed, 'access-control-allow-methods': ALLOWED_METHODS, 'access-control-allow-headers': ALLOWED_HEADERS, 'access-control-max-age': '600' },
  };
}
