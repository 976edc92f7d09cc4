import { FhirError } from '../errors/fhir-error';
import type { Coding, Resource } from '../fhir-types';
import { mandatoryElements, summaryElements } from '../generated/summary-elements';

export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';

/** Always kept in a subset (search.html#summary and #elements). */
const MANDATORY = new Set(['resourceType', 'id', 'meta']);

/** The SUBSETTED tag marks a resource that is not complete (search.html#summary). */
const SUBSETTED: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };

export interface SubsetRequest {
  readonly summary?: SummaryMode;
  readonly elements?: readonly string[];
}

/** Reads _summary and _elements from query parameters; bad values are 400 naming the parameter. */
export function parseSubset(query: readonly (readonly [string, string])[]): SubsetRequest {
  let summary: SummaryMode | undefined;
  let elements: string[] | undefined;
  for (const [name, value] of query) {
    if (name === '_summary') {
      if (!['true', 'text', 'data', 'count', 'false'].includes(value)) {
        throw new FhirError('INVALID_REQUEST', `_summary must be one of true, text, data, count, false; not '${value}'`, { expression: ['_summary'] });
      }
      summary = value as SummaryMode;
    } else if (name === '_elements') {
      elements = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
    }
  }
  return { ...(summary !== undefined ? { summary } : {}), ...(elements !== undefined ? { elements } : {}) };
}

/** Applies _summary or _elements to one resource; returns it unchanged when neither applies. */
export function applySubset(resource: Resource, subset: SubsetRequest): Resource {
  const { summary, elements } = subset;
  if (summary === 'text') return pick(resource, (key) => key === 'text' || isMandatory(resource.resourceType, key));
  if (summary === 'data') return pick(resource, (key) => key !== 'text');
  if (summary === 'true') {
    const keep = summaryElements[resource.resourceType] ?? [];
    return pick(resource, (key) => MANDATORY.has(key) || keep.some((name) => key === name || (key.startsWith(name) && /^[A-Z]/.test(key.slice(name.length)))));
  }
  if (elements && elements.length > 0 && summary !== 'false') {
    // Element names may be given as "name" or "Type.name"; only top-level elements are selected.
    const wanted = new Set(elements.map((e) => (e.includes('.') ? (e.split('.')[1] ?? e) : e)));
    return pick(resource, (key) => MANDATORY.has(key) || wanted.has(key) || wanted.has(key.replace(/^_/, '')));
  }
  return resource;
}

function isMandatory(resourceType: string, key: string): boolean {
  return MANDATORY.has(key) || (mandatoryElements[resourceType]?.some((name) => key === name || (key.startsWith(name) && /^[A-Z]/.test(key.slice(name.length)))) ?? false);
}

function pick(resource: Resource, keep: (key: string) => boolean): Resource {
  const result: Resource = { resourceType: resource.resourceType };
  let dropped = false;
  for (const [key, value] of Object.entries(resource)) {
    if (keep(key)) result[key] = value;
    else dropped = true;
  }
  if (dropped) {
    const meta = { ...(result.meta ?? {}) };
    meta.tag = [...(meta.tag ?? []).filter((t) => t.code !== 'SUBSETTED'), SUBSETTED];
    result.meta = meta;
  }
  return result;
}
