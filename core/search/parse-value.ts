// Parsing of one search value by parameter type (https://hl7.org/fhir/R4/search.html#ptypes).
// Throws InvalidSearchValueError with a message; the query parser turns it into a FhirError naming the
// parameter (strict) or an ignored-parameter report (lenient).
import type { Modifier, Prefix, SearchValue } from './ast';
import { parseDateRange } from './date-range';
import { normalizeString } from './normalize';
import type { SearchParamType } from './parameter-types';
import { parseReference } from './reference';

export class InvalidSearchValueError extends Error {}

const PREFIXES: readonly Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

/** Splits on a separator not escaped with a backslash (search.html#escaping); escapes stay for the leaf. */
export function splitEscaped(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i] ?? '';
    if (ch === '\\' && i + 1 < value.length) {
      current += ch + (value[i + 1] ?? '');
      i += 1;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

export function unescape(value: string): string {
  return value.replace(/\\([,|$\\])/g, '$1');
}

function splitPrefix(value: string): [Prefix, string] {
  const head = value.slice(0, 2);
  if ((PREFIXES as readonly string[]).includes(head) && /^[0-9-+.]/.test(value.slice(2))) return [head as Prefix, value.slice(2)];
  return ['eq', value];
}

/** The implicit range of a decimal (search.html#number: "100" means [99.5, 100.5)). */
export function numberRange(text: string): { value: number; low: number; high: number } {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new InvalidSearchValueError(`'${text}' is not a number`);
  const value = Number(text);
  const [mantissa = '', exponent] = text.toLowerCase().split('e');
  const decimals = mantissa.includes('.') ? (mantissa.split('.')[1] ?? '').length : 0;
  const half = 0.5 * 10 ** (-decimals + (exponent === undefined ? 0 : Number(exponent)));
  return { value, low: value - half, high: value + half };
}

function approximate(prefix: Prefix, low: number, high: number, spread: number): { low: number; high: number } {
  // ap: "approximately the same", the server's choice; we widen by 10% (search.html#prefix).
  if (prefix !== 'ap') return { low, high };
  return { low: low - spread, high: high + spread };
}

function parseDate(text: string, now: number): SearchValue {
  const [prefix, rest] = splitPrefix(text);
  const range = parseDateRange(rest);
  if (!range) throw new InvalidSearchValueError(`'${text}' is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime)`);
  const spread = Math.max(86400000, Math.abs(now - range.start) * 0.1);
  return { kind: 'date', prefix, ...approximate(prefix, range.start, range.end, spread) };
}

function parseNumber(text: string): SearchValue {
  const [prefix, rest] = splitPrefix(text);
  const { value, low, high } = numberRange(rest);
  // A prefix other than eq/ne/ap compares against the exact value, not its precision range.
  const exact = prefix === 'eq' || prefix === 'ne' || prefix === 'ap' ? { low, high } : { low: value, high: value };
  return { kind: 'number', prefix, ...approximate(prefix, exact.low, exact.high, Math.abs(value) * 0.1) };
}

function parseQuantity(text: string): SearchValue {
  const [num = '', system, code] = splitEscaped(text, '|');
  const [prefix, rest] = splitPrefix(num);
  const { value, low, high } = numberRange(rest);
  const exact = prefix === 'eq' || prefix === 'ne' || prefix === 'ap' ? { low, high } : { low: value, high: value };
  const out: SearchValue = {
    kind: 'quantity', prefix, ...approximate(prefix, exact.low, exact.high, Math.abs(value) * 0.1),
    ...(system !== undefined && system !== '' ? { system: unescape(system) } : {}),
    ...(code !== undefined && code !== '' ? { code: unescape(code) } : {}),
  };
  return out;
}

function parseToken(text: string, modifier: Modifier | undefined): SearchValue {
  if (modifier === 'text') return { kind: 'token-text', value: normalizeString(unescape(text)) };
  if (modifier === 'code-text') return { kind: 'token-code-text', value: unescape(text) };
  // A value set's canonical URL; terminology-modifiers.ts turns it into the codes it contains.
  if (modifier === 'in' || modifier === 'not-in') return { kind: 'uri', value: unescape(text) };
  if (modifier === 'of-type') {
    const parts = splitEscaped(text, '|');
    if (parts.length !== 3 || parts.some((p) => p === '')) throw new InvalidSearchValueError(`:of-type needs system|code|value, not '${text}'`);
    const [system = '', code = '', value = ''] = parts.map(unescape);
    return { kind: 'token', system, code: `${code}|${value}` };
  }
  const parts = splitEscaped(text, '|');
  if (parts.length === 1) return { kind: 'token', code: unescape(parts[0] ?? '') };
  if (parts.length !== 2) throw new InvalidSearchValueError(`'${text}' has more than one unescaped |`);
  const [system = '', code = ''] = parts.map(unescape);
  return { kind: 'token', system: system === '' ? null : system, ...(code === '' ? {} : { code }) };
}

function parseReferenceValue(text: string, modifier: Modifier | undefined, typeModifier: string | undefined): SearchValue {
  const raw = unescape(text);
  if (modifier === 'identifier') {
    const parts = splitEscaped(text, '|');
    if (parts.length === 1) return { kind: 'reference-identifier', value: unescape(parts[0] ?? '') };
    const [system = '', value = ''] = parts.map(unescape);
    return { kind: 'reference-identifier', system: system === '' ? null : system, ...(value === '' ? {} : { value }) };
  }
  if (typeModifier !== undefined) {
    if (raw.includes('/')) {
      const p = parseReference(raw);
      if (p.targetType !== typeModifier) throw new InvalidSearchValueError(`'${raw}' is not a ${typeModifier} reference`);
      return { kind: 'reference', targetType: typeModifier, ...(p.targetId ? { id: p.targetId } : {}) };
    }
    return { kind: 'reference', targetType: typeModifier, id: raw };
  }
  if (!raw.includes('/') && !raw.includes(':')) return { kind: 'reference', id: raw };
  const p = parseReference(raw);
  if (p.targetType !== null && p.targetId !== null) {
    return { kind: 'reference', targetType: p.targetType, id: p.targetId, ...(p.version !== null ? { version: p.version } : {}) };
  }
  return { kind: 'reference', url: p.url ?? raw, ...(p.version !== null ? { version: p.version } : {}) };
}

const KM_PER_UNIT: Readonly<Record<string, number>> = { km: 1, m: 0.001, '[mi_i]': 1.609344, mi: 1.609344 };

/** `near=latitude|longitude|distance|units` (search.html#special; km when no units, 10 km when no distance). */
export function parseNear(text: string): SearchValue {
  const [lat = '', lon = '', distance, units] = splitEscaped(text, '|').map(unescape);
  const latitude = Number(lat);
  const longitude = Number(lon);
  if (lat === '' || lon === '' || !Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
    throw new InvalidSearchValueError(`near needs latitude|longitude[|distance[|units]], not '${text}'`);
  }
  const amount = distance === undefined || distance === '' ? 10 : Number(distance);
  const factor = KM_PER_UNIT[units === undefined || units === '' ? 'km' : units];
  if (!Number.isFinite(amount) || amount < 0 || factor === undefined) throw new InvalidSearchValueError(`near: distance must be a number in km, m or [mi_i], not '${distance ?? ''}|${units ?? ''}'`);
  return { kind: 'near', latitude, longitude, distanceKm: amount * factor };
}

/** Parses one (comma-separated part of a) value. `typeModifier` is the `:[type]` of a reference. */
export function parseValue(type: SearchParamType, text: string, modifier: Modifier | undefined, typeModifier: string | undefined, now: number): SearchValue {
  if (text === '') throw new InvalidSearchValueError('empty value');
  switch (type) {
    case 'token': return parseToken(text, modifier);
    case 'string': return { kind: 'string', value: modifier === 'exact' ? unescape(text) : normalizeString(unescape(text)) };
    case 'date': return parseDate(text, now);
    case 'number': return parseNumber(text);
    case 'quantity': return parseQuantity(text);
    case 'reference': return parseReferenceValue(text, modifier, typeModifier);
    case 'uri': return { kind: 'uri', value: unescape(text) };
    case 'special': {
      // Control characters are not text (and break full-text engines): they separate words.
      const words = [...unescape(text)].map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? ' ' : ch)).join('');
      const terms = words.split(/\s+/).filter((t) => t.length > 0);
      if (terms.length === 0) throw new InvalidSearchValueError('full-text search needs at least one word');
      return { kind: 'text', terms };
    }
    default: throw new InvalidSearchValueError(`parameters of type ${type} are parsed by the caller`);
  }
}
