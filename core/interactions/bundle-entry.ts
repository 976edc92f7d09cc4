import { FhirError } from '../errors/fhir-error';
import { isJsonObject, type BundleEntry, type JsonObject } from '../fhir-types';
import { parseFhirUrl } from '../http/fhir-url';
import type { HttpMethod } from '../request';

/** A Bundle.entry.request parsed into method, path segments and query (http.html#transaction). */
export interface EntryRequest {
  readonly index: number;
  readonly entry: BundleEntry;
  readonly method: HttpMethod;
  readonly url: string;
  readonly path: string[];
  readonly query: [string, string][];
}

const METHODS = new Set<HttpMethod>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

export function parseEntryRequest(entry: unknown, index: number, baseUrl: string): EntryRequest {
  const where = `Bundle.entry[${index}]`;
  if (!isJsonObject(entry)) throw new FhirError('INVALID_REQUEST', `${where} must be an object`, { expression: [where] });
  const request = entry['request'];
  if (!isJsonObject(request)) throw new FhirError('INVALID_REQUEST', `${where}.request is required`, { expression: [`${where}.request`] });
  const method = typeof request['method'] === 'string' ? request['method'].toUpperCase() : '';
  if (!METHODS.has(method as HttpMethod)) {
    throw new FhirError('INVALID_REQUEST', `${where}.request.method must be GET, HEAD, POST, PUT, PATCH or DELETE`, { expression: [`${where}.request.method`] });
  }
  const rawUrl = request['url'];
  if (typeof rawUrl !== 'string' || rawUrl.trim() === '') {
    throw new FhirError('INVALID_REQUEST', `${where}.request.url is required`, { expression: [`${where}.request.url`] });
  }
  // Entry URLs are relative to the base; an absolute URL on this server's base (tenant
  // included) is accepted too, and paths split exactly as over HTTP (core/http/fhir-url.ts).
  const url = rawUrl.trim();
  const parsed = parseFhirUrl(url, baseUrl);
  if (typeof parsed === 'string') {
    throw new FhirError('INVALID_REQUEST', `${where}.request.url: ${parsed}`, { expression: [`${where}.request.url`] });
  }
  const { path, query } = parsed;
  return { index, entry: entry as BundleEntry, method: method as HttpMethod, url, path, query };
}

export function entryRequestField(entry: BundleEntry, name: string): string | undefined {
  const request = entry.request as JsonObject | undefined;
  const value = request?.[name];
  return typeof value === 'string' ? value : undefined;
}
