// Kick-off parameters of $export (https://hl7.org/fhir/uv/bulkdata/export.html#query-parameters,
// Bulk Data Access IG v2.0.0): from the query string (GET) or a Parameters resource (POST).
import { FhirError } from '../errors/fhir-error';
import { isJsonObject, type JsonObject, type OperationOutcomeIssue } from '../fhir-types';
import type { SearchParameterRegistry } from '../search/parameters';
import { parseSearch } from '../search/parse-query';

/** export.html#query-parameters: the NDJSON media types; the server may accept the short forms. */
const OUTPUT_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
const KNOWN = new Set(['_outputFormat', '_since', '_type', '_typeFilter', 'patient', 'includeAssociatedData']);
/** Response-shaping parameters every FHIR request may carry (http.html#parameters). */
const IGNORABLE = new Set(['_format', '_pretty']);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export interface ExportParameters {
  readonly since?: string;
  /** Types asked for with `_type`, in order, without repeats. */
  readonly types?: readonly string[];
  /** `_typeFilter` queries per type, in order. */
  readonly typeFilters: ReadonlyMap<string, readonly string[]>;
  /** Patient ids from `patient` (POST only). */
  readonly patients?: readonly string[];
  /** Warnings for the kick-off response (e.g. includeAssociatedData is not supported). */
  readonly warnings: readonly OperationOutcomeIssue[];
}

interface RawParameter {
  readonly name: string;
  readonly value: string;
  /** FHIRPath-like location for issue.expression. */
  readonly where: string;
}

/** The parameters of a POST kick-off body (a Parameters resource, export.html#bulk-data-kick-off-request). */
function fromParametersResource(body: unknown): RawParameter[] {
  if (!isJsonObject(body) || body['resourceType'] !== 'Parameters') {
    throw new FhirError('INVALID_REQUEST', 'A POST $export takes a Parameters resource', { expression: ['Parameters'] });
  }
  const list = body['parameter'] ?? [];
  if (!Array.isArray(list)) throw new FhirError('INVALID_REQUEST', 'Parameters.parameter must be an array', { expression: ['Parameters.parameter'] });
  return list.map((p, i) => {
    const where = `Parameters.parameter[${i}]`;
    if (!isJsonObject(p) || typeof p['name'] !== 'string') throw new FhirError('INVALID_REQUEST', `${where} needs a name`, { expression: [`${where}.name`] });
    return { name: p['name'], value: parameterValue(p, where), where };
  });
}

function parameterValue(p: JsonObject, where: string): string {
  for (const [key, value] of Object.entries(p)) {
    if (!key.startsWith('value')) continue;
    if (typeof value === 'string') return value;
    if (isJsonObject(value) && typeof value['reference'] === 'string') return value['reference'];
  }
  throw new FhirError('INVALID_REQUEST', `${where} (${String(p['name'])}) needs a value (valueString, valueInstant, valueCode or valueReference)`, { expression: [where] });
}

function knownType(registry: SearchParameterRegistry, type: string, where: string): string {
  if (!registry.isResourceType(type)) throw new FhirError('INVALID_REQUEST', `'${type}' is not a FHIR R4 resource type`, { expression: [where] });
  return type;
}

/**
 * Validates every parameter; unknown ones are refused unless `lenient` (Prefer:
 * handling=lenient, export.html#query-parameters), then they are ignored.
 */
export function parseExportParameters(
  method: 'GET' | 'POST',
  query: readonly (readonly [string, string])[],
  body: unknown,
  lenient: boolean,
  registry: SearchParameterRegistry,
): ExportParameters {
  const raw: RawParameter[] = query.filter(([name]) => !IGNORABLE.has(name)).map(([name, value]) => ({ name, value, where: name }));
  if (method === 'POST' && body !== undefined) raw.push(...fromParametersResource(body));
  let since: string | undefined;
  let types: string[] | undefined;
  const typeFilters = new Map<string, string[]>();
  const patients: string[] = [];
  const warnings: OperationOutcomeIssue[] = [];
  for (const p of raw) {
    if (!KNOWN.has(p.name)) {
      if (lenient) {
        warnings.push({ severity: 'warning', code: 'not-supported', diagnostics: `Ignored parameter ${p.name}`, expression: [p.where] });
        continue;
      }
      throw new FhirError('INVALID_REQUEST', `$export does not support the parameter '${p.name}' (send Prefer: handling=lenient to ignore it)`, { expression: [p.where] });
    }
    switch (p.name) {
      case '_outputFormat':
        if (!OUTPUT_FORMATS.has(p.value)) throw new FhirError('INVALID_REQUEST', `_outputFormat '${p.value}' is not supported; use application/fhir+ndjson`, { expression: [p.where] });
        break;
      case '_since':
        if (!INSTANT.test(p.value) || Number.isNaN(Date.parse(p.value))) throw new FhirError('INVALID_REQUEST', `_since must be a FHIR instant, not '${p.value}'`, { expression: [p.where] });
        since = new Date(Date.parse(p.value)).toISOString();
        break;
      case '_type':
        types ??= [];
        for (const type of p.value.split(',').map((t) => t.trim()).filter((t) => t !== '')) {
          if (!types.includes(knownType(registry, type, p.where))) types.push(type);
        }
        break;
      case '_typeFilter': {
        const [type = '', filter = ''] = splitOnce(p.value, '?');
        knownType(registry, type, p.where);
        checkFilter(registry, type, filter, p.where);
        typeFilters.set(type, [...(typeFilters.get(type) ?? []), filter]);
        break;
      }
      case 'patient': {
        if (method !== 'POST') throw new FhirError('INVALID_REQUEST', 'The patient parameter is only supported with POST (export.html#query-parameters)', { expression: [p.where] });
        const match = /^(?:.*\/)?Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(p.value);
        if (match?.[1] === undefined) throw new FhirError('INVALID_REQUEST', `patient must reference a Patient, not '${p.value}'`, { expression: [p.where] });
        if (!patients.includes(match[1])) patients.push(match[1]);
        break;
      }
      case 'includeAssociatedData':
        warnings.push({ severity: 'warning', code: 'not-supported', diagnostics: `includeAssociatedData (${p.value}) is not supported and was ignored`, expression: [p.where] });
        break;
    }
  }
  if (types !== undefined) {
    for (const type of typeFilters.keys()) {
      if (!types.includes(type)) throw new FhirError('INVALID_REQUEST', `_typeFilter names ${type}, which is not in _type`, { expression: ['_typeFilter'] });
    }
  }
  return { ...(since !== undefined ? { since } : {}), ...(types !== undefined ? { types } : {}), typeFilters, ...(patients.length > 0 ? { patients } : {}), warnings };
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

/** Parameters that page or shape a search; they mean nothing inside an export filter. */
const NOT_IN_FILTER = new Set(['_count', '_sort', '_include', '_revinclude', '_summary', '_elements', '_total', '_cursor', '_contained', '_containedType']);

/** A _typeFilter is a search on its type, checked now with the real parser (strict). */
function checkFilter(registry: SearchParameterRegistry, type: string, filter: string, where: string): void {
  if (filter === '') throw new FhirError('INVALID_REQUEST', `_typeFilter '${type}' needs a query after '?'`, { expression: [where] });
  const params = [...new URLSearchParams(filter)];
  for (const [name] of params) {
    if (NOT_IN_FILTER.has(name.split(':')[0] ?? name)) throw new FhirError('INVALID_REQUEST', `_typeFilter may not use ${name}`, { expression: [where] });
  }
  try {
    parseSearch([type], params, { strict: true, defaultCount: 1, maxCount: 1, defaultTotal: 'none', registry });
  } catch (error) {
    if (error instanceof FhirError) throw new FhirError('INVALID_REQUEST', `_typeFilter ${type}?${filter}: ${error.message}`, { expression: [where] });
    throw error;
  }
}
