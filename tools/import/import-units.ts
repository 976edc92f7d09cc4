// Turns input files into units of work, each one FHIR Bundle to submit: NDJSON in batches of
// `batch` lines, and Bundle files (transaction, batch, collection; Synthea's patient bundles) or
// single resources as one unit each. Bad NDJSON lines are reported with file and line number.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { isJsonObject, isResource, type Bundle, type BundleEntry, type JsonValue, type Resource } from '../../core/fhir-types';

export interface BadLine {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

export interface ImportUnit {
  readonly file: string;
  /** The last NDJSON line in the unit (0 for a whole JSON file); the resume position. */
  readonly line: number;
  /** Bytes of the file read up to the end of the unit (progress and ETA). */
  readonly bytes: number;
  readonly bundle: Bundle;
  /** Line number of each entry (NDJSON), for failure reports. */
  readonly lines?: readonly number[];
  readonly badLines: readonly BadLine[];
}

const UUID_URN = /^urn:uuid:([A-Za-z0-9\-.]{1,64})$/;

function entryFor(resource: Resource): BundleEntry {
  return typeof resource.id === 'string' && resource.id !== ''
    ? { resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } }
    : { resource, request: { method: 'POST', url: resource.resourceType } };
}

/**
 * A Bundle made safe to submit twice (resume after a kill): a POST whose fullUrl is a urn:uuid
 * becomes a PUT to that id, so the same resource is written again instead of duplicated; the
 * server still maps the urn:uuid references to it (http.html#trules). Conditional creates
 * (ifNoneExist) stay as they are: they are idempotent by nature.
 */
export function idempotentBundle(bundle: Bundle): Bundle {
  const type = bundle.type === 'collection' ? 'transaction' : bundle.type;
  const entry = (bundle.entry ?? []).map((e): BundleEntry => {
    if (bundle.type === 'collection' && e.resource !== undefined) return { ...(e.fullUrl !== undefined ? { fullUrl: e.fullUrl } : {}), ...entryFor(e.resource) };
    const id = typeof e.fullUrl === 'string' ? UUID_URN.exec(e.fullUrl)?.[1] : undefined;
    if (e.request?.method !== 'POST' || e.request.ifNoneExist !== undefined || id === undefined || e.resource === undefined) return e;
    return { ...e, resource: { ...e.resource, id }, request: { method: 'PUT', url: `${e.resource.resourceType}/${id}` } };
  });
  return { ...bundle, type, entry };
}

async function* jsonFile(file: string): AsyncGenerator<ImportUnit> {
  const text = await readFile(file, 'utf8');
  const bytes = Buffer.byteLength(text);
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(text) as JsonValue;
  } catch (error) {
    yield { file, line: 0, bytes, bundle: { resourceType: 'Bundle', type: 'batch', entry: [] }, badLines: [{ file, line: 1, reason: `not JSON: ${(error as Error).message}` }] };
    return;
  }
  if (!isResource(parsed)) {
    yield { file, line: 0, bytes, bundle: { resourceType: 'Bundle', type: 'batch', entry: [] }, badLines: [{ file, line: 1, reason: 'not a FHIR resource (no resourceType)' }] };
    return;
  }
  const bundle: Bundle = parsed.resourceType === 'Bundle' && ['transaction', 'batch', 'collection'].includes(String(parsed['type']))
    ? idempotentBundle(parsed as Bundle)
    : { resourceType: 'Bundle', type: 'transaction', entry: [entryFor(parsed)] };
  yield { file, line: 0, bytes, bundle, badLines: [] };
}

async function* ndjsonFile(file: string, batch: number, fromLine: number): AsyncGenerator<ImportUnit> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let entries: BundleEntry[] = [];
  let lineNumbers: number[] = [];
  let bad: BadLine[] = [];
  let line = 0;
  let bytes = 0;
  const unit = (): ImportUnit => ({ file, line, bytes, bundle: { resourceType: 'Bundle', type: 'transaction', entry: entries }, lines: lineNumbers, badLines: bad });
  for await (const text of lines) {
    line += 1;
    bytes += Buffer.byteLength(text) + 1;
    if (line <= fromLine || text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      bad.push({ file, line, reason: `not JSON: ${(error as Error).message}` });
      continue;
    }
    if (!isJsonObject(value) || !isResource(value)) {
      bad.push({ file, line, reason: 'not a FHIR resource (no resourceType)' });
      continue;
    }
    entries.push(entryFor(value));
    lineNumbers.push(line);
    if (entries.length >= batch) {
      yield unit();
      entries = [];
      lineNumbers = [];
      bad = [];
    }
  }
  if (entries.length > 0 || bad.length > 0) yield unit();
}

/** The units of one file, from `fromLine` on (NDJSON resume). */
export function unitsOf(file: string, batch: number, fromLine: number): AsyncGenerator<ImportUnit> {
  return /\.ndjson$/i.test(file) ? ndjsonFile(file, batch, fromLine) : jsonFile(file);
}
