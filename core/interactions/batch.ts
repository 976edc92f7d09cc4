import { FhirError, toFhirError } from '../errors/fhir-error';
import type { Bundle, BundleEntry, Resource } from '../fhir-types';
import type { FhirRequest, RequestContext } from '../request';
import { entryRequestField, parseEntryRequest } from './bundle-entry';
import type { SubRequestHandler } from './bundle';

/**
 * A batch: every entry is processed on its own, as if it were a separate request, and gets its
 * own status and outcome (http.html#transaction, "batch").
 */
export async function batch(ctx: RequestContext, entries: readonly unknown[], handle: SubRequestHandler): Promise<Bundle> {
  const results: BundleEntry[] = [];
  for (let index = 0; index < entries.length; index += 1) {
    results.push(await runEntry(ctx, entries[index], index, handle));
  }
  // json.html: no empty arrays (an empty batch answers with no entry element).
  return { resourceType: 'Bundle', type: 'batch-response', ...(results.length > 0 ? { entry: results } : {}) };
}

async function runEntry(ctx: RequestContext, raw: unknown, index: number, handle: SubRequestHandler): Promise<BundleEntry> {
  try {
    const entry = parseEntryRequest(raw, index, ctx.baseUrl);
    if (entry.method === 'POST' && entry.path.length === 0) {
      throw new FhirError('INVALID_REQUEST', `Bundle.entry[${index}] may not nest a batch or transaction`, { expression: [`Bundle.entry[${index}].request`] });
    }
    const headers: Record<string, string> = { accept: 'application/fhir+json' };
    const copy = (field: string, header: string): void => {
      const value = entryRequestField(entry.entry, field);
      if (value !== undefined) headers[header] = value;
    };
    copy('ifMatch', 'if-match');
    copy('ifNoneMatch', 'if-none-match');
    copy('ifNoneExist', 'if-none-exist');
    copy('ifModifiedSince', 'if-modified-since');
    const resource = entry.entry.resource;
    const sub: FhirRequest = {
      method: entry.method,
      path: entry.path,
      query: entry.query,
      headers,
      ...(resource !== undefined ? { body: bodyOf(entry.method, resource) } : {}),
      context: ctx,
    };
    const response = await handle(sub);
    const parsed = typeof response.body === 'string' && response.body !== '' ? (JSON.parse(response.body) as Resource) : undefined;
    const result: BundleEntry = { response: { status: String(response.status) } };
    const responseHeaders = response.headers;
    if (result.response) {
      if (responseHeaders['location']) result.response.location = responseHeaders['location'];
      if (responseHeaders['etag']) result.response.etag = responseHeaders['etag'];
      if (responseHeaders['last-modified']) result.response.lastModified = new Date(responseHeaders['last-modified']).toISOString();
      if (parsed?.resourceType === 'OperationOutcome' && response.status >= 400) result.response.outcome = parsed;
    }
    if (parsed && response.status < 400) result.resource = parsed;
    return result;
  } catch (error) {
    const fhirError = toFhirError(error, ctx.correlationId);
    return { response: { status: String(fhirError.status), outcome: fhirError.toOperationOutcome() } };
  }
}

/** PATCH entries carry a Parameters (FHIRPath Patch) or a Binary holding a JSON Patch. */
export function bodyOf(method: string, resource: Resource): { contentType: string; text: string } {
  if (method === 'PATCH' && resource.resourceType === 'Binary' && typeof resource['data'] === 'string') {
    return { contentType: String(resource['contentType'] ?? 'application/json-patch+json'), text: Buffer.from(resource['data'], 'base64').toString('utf8') };
  }
  return { contentType: 'application/fhir+json', text: JSON.stringify(resource) };
}
