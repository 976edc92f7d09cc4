import { FhirError } from '../errors/fhir-error';
import type { FhirRequest } from '../request';

export const FHIR_JSON = 'application/fhir+json';

/** _format values and Accept types this server answers in JSON (http.html#mime-type). */
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json', 'application/json+fhir', 'text/json']);
const ANY = new Set(['*/*', 'application/*']);

export interface Negotiated {
  /** The Content-Type of the response. */
  readonly contentType: string;
  readonly pretty: boolean;
}

function queryValue(req: FhirRequest, name: string): string | undefined {
  return req.query.find(([key]) => key === name)?.[1];
}

/**
 * Picks the response format from `_format` (which overrides Accept) or Accept. Only JSON is
 * served; anything that excludes JSON is 406.
 */
export function negotiate(req: FhirRequest): Negotiated {
  const pretty = queryValue(req, '_pretty') === 'true';
  const format = queryValue(req, '_format');
  if (format !== undefined) {
    const type = format.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!JSON_FORMATS.has(type)) throw new FhirError('NOT_ACCEPTABLE', `_format '${format}' is not supported; use json`, { expression: ['_format'] });
    return { contentType: type === 'application/json' || type === 'text/json' ? 'application/json' : FHIR_JSON, pretty };
  }
  const accept = req.headers['accept'];
  if (accept === undefined || accept.trim() === '') return { contentType: FHIR_JSON, pretty };
  const types = accept.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q ? Number(q.slice(2)) : 1 };
  });
  const acceptable = types.filter((t) => t.q > 0 && (JSON_FORMATS.has(t.type) || ANY.has(t.type) || t.type === 'text/html' || t.type === 'text/*'));
  // Browsers ask for text/html first; they get JSON, which they show. Anything JSON-excluding is 406.
  if (acceptable.length === 0) throw new FhirError('NOT_ACCEPTABLE', `None of '${accept}' can be served; this server speaks application/fhir+json`);
  const best = types.find((t) => t.type === 'application/json' && t.q > 0) && !types.some((t) => t.type === FHIR_JSON) ? 'application/json' : FHIR_JSON;
  return { contentType: best, pretty };
}

/** Body media types accepted for resources (415 otherwise). */
export function bodyKind(contentType: string | undefined, method: string): 'resource' | 'json-patch' | 'form' {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (method === 'PATCH' && type === 'application/json-patch+json') return 'json-patch';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (JSON_FORMATS.has(type) || type === '') return 'resource';
  throw new FhirError('UNSUPPORTED_MEDIA_TYPE', `Content-Type '${contentType ?? ''}' is not supported; send application/fhir+json${method === 'PATCH' ? ' or application/json-patch+json' : ''}`);
}
