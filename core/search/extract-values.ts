// Turns one FHIRPath result node into typed index values, following the type mapping of
// https://hl7.org/fhir/R4/search.html#table (which data types each parameter type indexes).
import { isJsonObject, type JsonObject } from '../fhir-types';
import { MAX_INSTANT, MIN_INSTANT, parseDateRange } from './date-range';
import type { IndexEntry } from './index-entry';
import { normalizeString } from './normalize';
import type { SearchParamType } from './parameter-types';
import { parseReference } from './reference';

/** A FHIRPath result with its FHIR data type when the model knows it. */
export interface TypedValue {
  readonly data: unknown;
  readonly fhirType: string | undefined;
}

const QUANTITY_TYPES = new Set(['Quantity', 'Age', 'Duration', 'Count', 'Distance', 'SimpleQuantity', 'MoneyQuantity']);

function str(o: JsonObject, key: string): string | null {
  const v = o[key];
  return typeof v === 'string' ? v : null;
}

function num(o: JsonObject, key: string): number | null {
  const v = o[key];
  return typeof v === 'number' ? v : null;
}

function strings(o: JsonObject, key: string): string[] {
  const v = o[key];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function stringEntry(param: string, value: string): IndexEntry {
  return { type: 'string', param, value: normalizeString(value), exact: value };
}

function stringValues(param: string, v: TypedValue): IndexEntry[] {
  const { data } = v;
  if (typeof data === 'string') return [stringEntry(param, data)];
  if (!isJsonObject(data)) return [];
  // HumanName and Address: every part is searchable (search.html#string).
  const parts =
    v.fhirType === 'HumanName' || 'family' in data || 'given' in data
      ? [...strings(data, 'text'), ...strings(data, 'family'), ...strings(data, 'given'), ...strings(data, 'prefix'), ...strings(data, 'suffix')]
      : [...strings(data, 'text'), ...strings(data, 'line'), ...strings(data, 'city'), ...strings(data, 'district'), ...strings(data, 'state'), ...strings(data, 'postalCode'), ...strings(data, 'country')];
  return parts.map((p) => stringEntry(param, p));
}

function codingEntry(param: string, c: JsonObject, text: string | null): IndexEntry {
  return { type: 'token', param, system: str(c, 'system'), code: str(c, 'code'), text: str(c, 'display') ?? text };
}

function tokenValues(param: string, v: TypedValue): IndexEntry[] {
  const { data, fhirType } = v;
  if (typeof data === 'string') return [{ type: 'token', param, system: null, code: data, text: null }];
  if (typeof data === 'boolean') return [{ type: 'token', param, system: null, code: String(data), text: null }];
  if (typeof data === 'number') return [{ type: 'token', param, system: null, code: String(data), text: null }];
  if (!isJsonObject(data)) return [];
  if (fhirType === 'CodeableConcept' || Array.isArray(data['coding'])) {
    const text = str(data, 'text');
    const codings = Array.isArray(data['coding']) ? data['coding'].filter(isJsonObject) : [];
    const out = codings.map((c) => codingEntry(param, c, text));
    // :text matches CodeableConcept.text or a Coding.display (search.html#token): when every
    // coding has a display of its own, the text needs a row of its own (issue 9, defect 7).
    if (text !== null && !out.some((entry) => entry.type === 'token' && entry.text === text)) out.push({ type: 'token', param, system: null, code: null, text });
    return out;
  }
  if (fhirType === 'ContactPoint') return [{ type: 'token', param, system: str(data, 'system'), code: str(data, 'value'), text: null }];
  if (fhirType === 'Identifier' || (fhirType === undefined && 'value' in data && !('code' in data))) {
    const type = isJsonObject(data['type']) ? data['type'] : undefined;
    const out: IndexEntry[] = [{ type: 'token', param, system: str(data, 'system'), code: str(data, 'value'), text: type ? str(type, 'text') : null }];
    // :of-type (search.html#token) matches type coding and value together: a row of its own.
    const typeCodings = type && Array.isArray(type['coding']) ? type['coding'].filter(isJsonObject) : [];
    for (const tc of typeCodings) {
      out.push({ type: 'token', param: `${param}:of-type`, system: str(tc, 'system'), code: `${str(tc, 'code') ?? ''}|${str(data, 'value') ?? ''}`, text: null });
    }
    return out;
  }
  if (fhirType === 'Coding' || 'code' in data || 'system' in data) return [codingEntry(param, data, null)];
  return [];
}

function dateValues(param: string, v: TypedValue): IndexEntry[] {
  const { data } = v;
  if (typeof data === 'string') {
    const r = parseDateRange(data);
    return r ? [{ type: 'date', param, start: r.start, end: r.end }] : [];
  }
  if (!isJsonObject(data)) return [];
  const start = str(data, 'start');
  const end = str(data, 'end');
  if (start !== null || end !== null || v.fhirType === 'Period') {
    // An open end means "ongoing" (datatypes.html#Period).
    const s = start === null ? MIN_INSTANT : parseDateRange(start)?.start;
    const e = end === null ? MAX_INSTANT : parseDateRange(end)?.end;
    return s === undefined || e === undefined ? [] : [{ type: 'date', param, start: s, end: e }];
  }
  // Timing: each event, and the repeat bounds (datatypes.html#Timing).
  const out: IndexEntry[] = [];
  for (const ev of strings(data, 'event')) out.push(...dateValues(param, { data: ev, fhirType: 'dateTime' }));
  const repeat = isJsonObject(data['repeat']) ? data['repeat'] : undefined;
  if (repeat && isJsonObject(repeat['boundsPeriod'])) out.push(...dateValues(param, { data: repeat['boundsPeriod'], fhirType: 'Period' }));
  return out;
}

function quantityValues(param: string, v: TypedValue): IndexEntry[] {
  const { data, fhirType } = v;
  if (typeof data === 'number') return [{ type: 'quantity', param, value: data, low: data, high: data, system: null, code: null, unit: null }];
  if (!isJsonObject(data)) return [];
  if (fhirType === 'Range' || 'low' in data || 'high' in data) {
    const low = isJsonObject(data['low']) ? data['low'] : undefined;
    const high = isJsonObject(data['high']) ? data['high'] : undefined;
    const unitOf = low ?? high;
    const lo = low ? num(low, 'value') : null;
    const hi = high ? num(high, 'value') : null;
    if (lo === null && hi === null) return [];
    return [{
      type: 'quantity', param, value: lo ?? hi ?? 0, low: lo ?? -Number.MAX_VALUE, high: hi ?? Number.MAX_VALUE,
      system: unitOf ? str(unitOf, 'system') : null, code: unitOf ? str(unitOf, 'code') : null, unit: unitOf ? str(unitOf, 'unit') : null,
    }];
  }
  if (fhirType === 'Money' || 'currency' in data) {
    const value = num(data, 'value');
    return value === null ? [] : [{ type: 'quantity', param, value, low: value, high: value, system: 'urn:iso:std:iso:4217', code: str(data, 'currency'), unit: str(data, 'currency') }];
  }
  if (fhirType === 'SampledData') {
    const origin = isJsonObject(data['origin']) ? data['origin'] : undefined;
    return origin ? quantityValues(param, { data: origin, fhirType: 'Quantity' }) : [];
  }
  if (fhirType === undefined || QUANTITY_TYPES.has(fhirType) || 'value' in data) {
    const value = num(data, 'value');
    if (value === null) return [];
    return [{ type: 'quantity', param, value, low: value, high: value, system: str(data, 'system'), code: str(data, 'code'), unit: str(data, 'unit') }];
  }
  return [];
}

function referenceValues(param: string, v: TypedValue): IndexEntry[] {
  const { data } = v;
  if (typeof data === 'string') {
    // canonical / uri targets (e.g. ConceptMap.source as canonical).
    const p = parseReference(data);
    return [{ type: 'reference', param, targetType: p.targetType, targetId: p.targetId, version: p.version, url: p.url ?? data, identifierSystem: null, identifierValue: null }];
  }
  if (!isJsonObject(data)) return [];
  const ref = str(data, 'reference');
  const identifier = isJsonObject(data['identifier']) ? data['identifier'] : undefined;
  if (ref === null && identifier === undefined) return [];
  if (ref !== null && ref.startsWith('#')) return []; // contained: not searchable by reference (search.html#contained)
  const p = ref === null ? { targetType: null, targetId: null, version: null, url: null } : parseReference(ref);
  return [{
    type: 'reference', param,
    targetType: p.targetType ?? str(data, 'type'), targetId: p.targetId, version: p.version, url: p.url,
    identifierSystem: identifier ? str(identifier, 'system') : null, identifierValue: identifier ? str(identifier, 'value') : null,
  }];
}

function numberValues(param: string, v: TypedValue): IndexEntry[] {
  const n = typeof v.data === 'number' ? v.data : typeof v.data === 'string' ? Number(v.data) : NaN;
  return Number.isFinite(n) ? [{ type: 'number', param, value: n, low: n, high: n }] : [];
}

function uriValues(param: string, v: TypedValue): IndexEntry[] {
  return typeof v.data === 'string' ? [{ type: 'uri', param, value: v.data }] : [];
}

/**
 * `special` parameters: only Location.position (near, search.html#special) has values, stored
 * as two numbers, `<param>:latitude` and `<param>:longitude`, which every backend can index.
 */
function specialValues(param: string, v: TypedValue): IndexEntry[] {
  if (!isJsonObject(v.data)) return [];
  const latitude = num(v.data, 'latitude');
  const longitude = num(v.data, 'longitude');
  if (latitude === null || longitude === null) return [];
  return [
    { type: 'number', param: `${param}:latitude`, value: latitude, low: latitude, high: latitude },
    { type: 'number', param: `${param}:longitude`, value: longitude, low: longitude, high: longitude },
  ];
}

/** Index values of one node for a parameter of the given type (composite is handled by the caller). */
export function valuesOf(type: SearchParamType, param: string, value: TypedValue): IndexEntry[] {
  switch (type) {
    case 'string': return stringValues(param, value);
    case 'token': return tokenValues(param, value);
    case 'date': return dateValues(param, value);
    case 'quantity': return quantityValues(param, value);
    case 'reference': return referenceValues(param, value);
    case 'number': return numberValues(param, value);
    case 'uri': return uriValues(param, value);
    case 'special': return specialValues(param, value);
    default: return [];
  }
}
