import { FhirError } from '../errors/fhir-error';
import type { HttpMethod } from '../request';

/** A FHIR RESTful interaction identified from method and path (http.html#summary). */
export type Route =
  | { readonly kind: 'capabilities' }
  | { readonly kind: 'read'; readonly type: string; readonly id: string }
  | { readonly kind: 'vread'; readonly type: string; readonly id: string; readonly versionId: string }
  | { readonly kind: 'create'; readonly type: string }
  | { readonly kind: 'update'; readonly type: string; readonly id: string }
  | { readonly kind: 'conditional-update'; readonly type: string }
  | { readonly kind: 'patch'; readonly type: string; readonly id: string }
  | { readonly kind: 'conditional-patch'; readonly type: string }
  | { readonly kind: 'delete'; readonly type: string; readonly id: string }
  | { readonly kind: 'conditional-delete'; readonly type: string }
  | { readonly kind: 'history-instance'; readonly type: string; readonly id: string }
  | { readonly kind: 'history-type'; readonly type: string }
  | { readonly kind: 'history-system' }
  | { readonly kind: 'search-type'; readonly type: string; readonly viaPost: boolean }
  | { readonly kind: 'search-system'; readonly viaPost: boolean }
  | { readonly kind: 'search-compartment'; readonly compartmentType: string; readonly compartmentId: string; readonly type: string | undefined }
  | { readonly kind: 'bundle' }
  /** Bulk Data status URL of an export job (GET polls, DELETE cancels), export.html#bulk-data-status-request. */
  | { readonly kind: 'export-status'; readonly jobId: string }
  /** An output file of an export job, served to its owner. */
  | { readonly kind: 'export-file'; readonly jobId: string; readonly name: string }
  /** An extended operation (https://hl7.org/fhir/R4/operations.html): [base]/$op, [base]/Type/$op, [base]/Type/id/$op. */
  | { readonly kind: 'operation'; readonly name: string; readonly type?: string; readonly id?: string };

/** Maps method + path segments to an interaction; unknown combinations are 405 or 404. */
export function route(method: HttpMethod, path: readonly string[]): Route {
  const read = method === 'GET' || method === 'HEAD';
  const [a, b, c, d, ...rest] = path;
  const notAllowed = (): never => {
    throw new FhirError('METHOD_NOT_ALLOWED', `${method} is not supported on /${path.join('/')}`);
  };
  if (rest.length > 0) throw new FhirError('NOT_FOUND', `No FHIR interaction at /${path.join('/')}`);
  if (a === '$export-status' && b !== undefined && c === undefined) return { kind: 'export-status', jobId: b };
  if (a === '$export-file' && b !== undefined && c !== undefined && d === undefined) return { kind: 'export-file', jobId: b, name: c };
  const operation = operationRoute(method, [a, b, c, d].filter((s): s is string => s !== undefined));
  if (operation) return operation;
  if (a === undefined) {
    if (read) return { kind: 'search-system', viaPost: false };
    if (method === 'POST') return { kind: 'bundle' };
    return notAllowed();
  }
  if (a === 'metadata' && b === undefined) return read ? { kind: 'capabilities' } : notAllowed();
  if (a === '_history' && b === undefined) return read ? { kind: 'history-system' } : notAllowed();
  if (a === '_search' && b === undefined) return method === 'POST' ? { kind: 'search-system', viaPost: true } : notAllowed();
  if (!/^[A-Z][A-Za-z]+$/.test(a)) throw new FhirError('NOT_FOUND', `No FHIR interaction at /${path.join('/')}`);
  const type = a;
  if (b === undefined) {
    if (read) return { kind: 'search-type', type, viaPost: false };
    if (method === 'POST') return { kind: 'create', type };
    if (method === 'PUT') return { kind: 'conditional-update', type };
    if (method === 'PATCH') return { kind: 'conditional-patch', type };
    return { kind: 'conditional-delete', type };
  }
  if (b === '_search' && c === undefined) return method === 'POST' ? { kind: 'search-type', type, viaPost: true } : notAllowed();
  if (b === '_history' && c === undefined) return read ? { kind: 'history-type', type } : notAllowed();
  const id = b;
  if (c === undefined) {
    if (read) return { kind: 'read', type, id };
    if (method === 'PUT') return { kind: 'update', type, id };
    if (method === 'PATCH') return { kind: 'patch', type, id };
    if (method === 'DELETE') return { kind: 'delete', type, id };
    return notAllowed();
  }
  if (c === '_history') {
    if (!read) return notAllowed();
    return d === undefined ? { kind: 'history-instance', type, id } : { kind: 'vread', type, id, versionId: d };
  }
  if (d === undefined && (c === '*' || /^[A-Z][A-Za-z]+$/.test(c))) {
    return read ? { kind: 'search-compartment', compartmentType: type, compartmentId: id, type: c === '*' ? undefined : c } : notAllowed();
  }
  throw new FhirError('NOT_FOUND', `No FHIR interaction at /${path.join('/')}`);
}

/** Operations are invoked with GET (when they change nothing) or POST (operations.html#executing). */
function operationRoute(method: HttpMethod, segments: readonly string[]): Route | undefined {
  const last = segments[segments.length - 1];
  if (last === undefined || !last.startsWith('$')) return undefined;
  if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') {
    throw new FhirError('METHOD_NOT_ALLOWED', `Operations are invoked with GET or POST, not ${method}`);
  }
  const name = last.slice(1);
  const [type, id] = segments;
  if (segments.length === 1) return { kind: 'operation', name };
  if (segments.length === 2 && type !== undefined) return { kind: 'operation', name, type };
  if (segments.length === 3 && type !== undefined && id !== undefined) return { kind: 'operation', name, type, id };
  throw new FhirError('NOT_FOUND', `No FHIR operation at /${segments.join('/')}`);
}
