// OpenSearch index layout for FHIR search (DESIGN.md: Search, shared between backends; issue 6).
// One index per resource type behind an alias (`{prefix}-{type}` -> `{prefix}-{type}-v1`), so a
// mapping change is a reindex and an alias swap, never downtime. A document is one resource in
// one tenant: its id is `{tenant}|{id}` and every query filters on `tenant`, so tenants share
// indexes without seeing each other. The search values are the IndexEntry rows the core
// extracted (core/search/index-entry.ts), one nested list per value type, so that one entry's
// fields match together (a token's system and code, a date's start and end).
import type { IndexEntry } from '../../core/search/index-entry';
import { normalizeString } from '../../core/search/normalize';

export const mappingVersion = 1;

const keyword = { type: 'keyword' } as const;
const long = { type: 'long' } as const;
const double = { type: 'double' } as const;

function nested(properties: Record<string, unknown>): Record<string, unknown> {
  return { type: 'nested', properties: { param: keyword, ...properties } };
}

/** Mapping properties of one value type, reused inside composites. */
const valueProperties: Record<IndexEntry['type'], Record<string, unknown>> = {
  // norm: the display/text normalized like strings, for :text (search.html#token).
  token: { system: keyword, code: keyword, text: keyword, norm: keyword },
  string: { value: keyword, exact: keyword },
  date: { start: long, end: long },
  number: { value: double, low: double, high: double },
  quantity: { value: double, low: double, high: double, system: keyword, code: keyword, unit: keyword },
  reference: { targetType: keyword, targetId: keyword, version: keyword, url: keyword, identifierSystem: keyword, identifierValue: keyword },
  uri: { value: keyword },
  composite: {},
  text: { value: { type: 'text', analyzer: 'fhir_text' } },
};

/** Component i of a composite is stored flat as `c{i}_{field}` inside the composite's nested entry. */
function compositeProperties(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < 3; i++) {
    for (const type of ['token', 'string', 'date', 'number', 'quantity', 'reference', 'uri'] as const) {
      for (const [field, mapping] of Object.entries(valueProperties[type])) {
        properties[`c${i}_${field}`] = mapping;
      }
    }
  }
  return properties;
}

/**
 * Settings and mappings of a new type index. `refreshInterval` bounds how long a write-path
 * `refresh=wait_for` waits (OpenSearch's default is 1s).
 */
export function indexBody(refreshInterval?: string): Record<string, unknown> {
  return {
    settings: {
      number_of_shards: 1,
      number_of_replicas: 0,
      ...(refreshInterval === undefined ? {} : { refresh_interval: refreshInterval }),
      analysis: {
        // _text/_content match words regardless of case and accents (search.html#text).
        analyzer: { fhir_text: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] } },
      },
    },
    mappings: {
      dynamic: 'strict',
      properties: {
        tenant: keyword,
        resourceType: keyword,
        id: keyword,
        versionId: keyword,
        deleted: { type: 'boolean' },
        token: nested(valueProperties.token),
        string: nested(valueProperties.string),
        date: nested(valueProperties.date),
        number: nested(valueProperties.number),
        quantity: nested(valueProperties.quantity),
        reference: nested(valueProperties.reference),
        uri: nested(valueProperties.uri),
        composite: nested(compositeProperties()),
        text: nested(valueProperties.text),
        // Location.position for `near` (search.html#special), paired from the
        // `<param>:latitude` and `<param>:longitude` number entries the core extracts.
        geo: nested({ point: { type: 'geo_point' } }),
      },
    },
  };
}

export type SearchDocument = Record<string, unknown>;

function flatComponent(entry: IndexEntry, position: number): Record<string, unknown> {
  const { type: _type, param: _param, ...fields } = entry;
  const flat: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) flat[`c${position}_${field}`] = value;
  return flat;
}

/** The document of one resource version. */
export function searchDocument(tenant: string, resourceType: string, id: string, versionId: string, entries: readonly IndexEntry[]): SearchDocument {
  const lists: Record<IndexEntry['type'], Record<string, unknown>[]> = {
    token: [], string: [], date: [], number: [], quantity: [], reference: [], uri: [], composite: [], text: [],
  };
  for (const entry of entries) {
    if (entry.type === 'composite') {
      lists.composite.push(Object.assign({ param: entry.param }, ...entry.components.slice(0, 3).map(flatComponent)));
      continue;
    }
    const { type, ...fields } = entry;
    if (entry.type === 'token') lists.token.push({ ...fields, norm: entry.text === null ? null : normalizeString(entry.text) });
    else lists[type].push(fields);
  }
  return { tenant, resourceType, id, versionId, deleted: false, ...lists, geo: geoPoints(entries) };
}

/** One point per special parameter that has both a latitude and a longitude entry. */
function geoPoints(entries: readonly IndexEntry[]): { param: string; point: { lat: number; lon: number } }[] {
  const coordinates = new Map<string, { lat?: number; lon?: number }>();
  for (const entry of entries) {
    if (entry.type !== 'number') continue;
    const match = /^(.+):(latitude|longitude)$/.exec(entry.param);
    if (!match?.[1]) continue;
    const point = coordinates.get(match[1]) ?? {};
    if (match[2] === 'latitude') point.lat ??= entry.value;
    else point.lon ??= entry.value;
    coordinates.set(match[1], point);
  }
  const points: { param: string; point: { lat: number; lon: number } }[] = [];
  for (const [param, { lat, lon }] of coordinates) {
    if (lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) points.push({ param, point: { lat, lon } });
  }
  return points;
}

/** What is left of a deleted resource: enough to refuse older versions arriving late. */
export function tombstoneDocument(tenant: string, resourceType: string, id: string, versionId: string): SearchDocument {
  return { tenant, resourceType, id, versionId, deleted: true };
}

export function aliasName(prefix: string, resourceType: string): string {
  return `${prefix}-${resourceType.toLowerCase()}`;
}

export function physicalIndexName(prefix: string, resourceType: string): string {
  return `${aliasName(prefix, resourceType)}-v${mappingVersion}`;
}

export function documentId(tenant: string, id: string): string {
  return `${encodeURIComponent(tenant)}|${id}`;
}
