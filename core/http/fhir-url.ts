// The one parser for URLs a client sends relative to this server's base (issue 9, defects 4
// and 5): the HTTP request path, Bundle.entry.request.url, conditional criteria (If-None-Exist,
// entry.request.ifNoneExist, conditional references) and fullUrl / references inside Bundles.
// http.html#general: every URL is [base]/..., and a client may send the base itself (the HAPI
// client sends `[base]/Patient?identifier=...` in If-None-Exist), so one function strips it,
// tenant included, and one function splits paths the way plain HTTP does.

export interface FhirUrl {
  /** Decoded path segments below the base, e.g. ['Patient', '123']. */
  readonly path: string[];
  readonly query: [string, string][];
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Decoded path segments. Empty segments (a trailing or doubled slash) are dropped, so
 * `Patient/` and `Patient/123/` mean what they mean over HTTP. Throws URIError on bad escapes.
 */
export function pathSegments(path: string): string[] {
  return path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
}

/**
 * The part of `url` below `baseUrl` (path and query, without a leading slash) when `url` is
 * relative or an absolute URL on this server's base (same origin, path under the base's path);
 * undefined when it is an absolute URL anywhere else (another server, another tenant, a urn).
 */
export function relativeToBase(url: string, baseUrl: string): string | undefined {
  const trimmed = url.trim();
  if (!SCHEME.test(trimmed)) return trimmed.replace(/^\/+/, '');
  let target: URL;
  let base: URL;
  try {
    target = new URL(trimmed);
    base = new URL(baseUrl);
  } catch {
    return undefined;
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  if (target.origin !== base.origin || !(target.pathname === basePath || target.pathname.startsWith(`${basePath}/`))) return undefined;
  return `${target.pathname.slice(basePath.length)}${target.search}`.replace(/^\/+/, '');
}

/** Parses a URL relative to the base (or absolute on it); a string says why it cannot be. */
export function parseFhirUrl(url: string, baseUrl: string): FhirUrl | string {
  const relative = relativeToBase(url, baseUrl);
  if (relative === undefined) return `'${url.slice(0, 200)}' is not on this server's base ${baseUrl}`;
  const at = relative.indexOf('?');
  const pathPart = at < 0 ? relative : relative.slice(0, at);
  const queryPart = at < 0 ? '' : relative.slice(at + 1);
  try {
    return { path: pathSegments(pathPart), query: [...new URLSearchParams(queryPart)] };
  } catch {
    return `'${url.slice(0, 200)}' is not validly encoded`;
  }
}

/**
 * Search criteria of a conditional interaction (If-None-Exist, conditional update/delete/patch,
 * conditional references): `?query`, `query`, `Type?query` or `[base]/Type?query`. A type other
 * than `resourceType`, or a base other than this server's, is a string saying why not.
 */
export function conditionalCriteria(criteria: string, resourceType: string, baseUrl: string): [string, string][] | string {
  let relative = criteria.trim();
  // Only an explicit `scheme://` is a URL here: `code:text=x` is a bare query with a modifier.
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(relative)) {
    const below = relativeToBase(relative, baseUrl);
    if (below === undefined) return `'${criteria.slice(0, 200)}' is not on this server's base ${baseUrl}`;
    relative = below;
  }
  relative = relative.replace(/^\/+/, '');
  const typed = /^([A-Za-z]+)\/?\?([\s\S]*)$/.exec(relative);
  if (typed) {
    if (typed[1] !== resourceType) return `'${criteria.slice(0, 200)}' must be search criteria on ${resourceType} ([base]/${resourceType}?...)`;
    relative = typed[2] ?? '';
  } else if (relative.startsWith('?')) {
    relative = relative.slice(1);
  }
  return [...new URLSearchParams(relative)];
}

/**
 * The key a reference or fullUrl is matched by inside a Bundle (http.html#trules, bundle.html#references):
 * an absolute URL on this server's base and its relative `Type/id` form are the same resource.
 */
export function bundleReferenceKey(reference: string, baseUrl: string): string {
  if (!SCHEME.test(reference) || reference.startsWith('urn:')) return reference;
  const relative = relativeToBase(reference, baseUrl);
  return relative !== undefined && relative !== '' ? relative : reference;
}
