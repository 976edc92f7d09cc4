// A broad corpus for testing index extraction: for every R4 resource type, resources generated
// from the R4 model (core/validation/model.ts) with every element filled down to a bounded depth.
// Variant n takes the n-th type of each choice element, the n-th code of each required binding
// and the n-th target of each Reference, so that together the variants reach every branch a
// search parameter expression can take (`value.ofType(Quantity)`, `telecom.where(system='email')`,
// `subject.where(reference.startsWith('Patient/'))`). Not valid resources in every respect (no
// invariants), which is fine: they test navigation, not validation.
import type { Resource } from '../../core/fhir-types';
import { getTypeDefinition, isPrimitiveType, resourceTypes, type ElementDefinition, type TypeDefinition } from '../../core/validation/model';

const DATES = ['2020', '2020-05', '2020-05-12', '1999-12-31'];
const DATE_TIMES = ['2020-05-12T10:00:00Z', '2021', '2019-03-04', '2018-07-01T23:59:59.123+02:00'];
const WORDS = ['Smith', 'Jürgen Müller', 'glucose', 'Anna', 'http://example.org/fhir/x', 'peanuts'];
const SKIPPED = new Set(['extension', 'modifierExtension', 'contained']);

function primitive(type: string, v: number, element: ElementDefinition | undefined, path: string): unknown {
  const codes = element?.binding ? [...element.binding.codes] : [];
  switch (type) {
    case 'boolean': return v % 2 === 0;
    case 'integer': case 'unsignedInt': case 'positiveInt': return v + 1;
    case 'decimal': return 1.5 + v;
    case 'date': return DATES[v % DATES.length];
    case 'dateTime': return DATE_TIMES[v % DATE_TIMES.length];
    case 'instant': return '2020-05-12T10:00:00.000Z';
    case 'time': return '10:00:00';
    case 'base64Binary': return 'aGVsbG8=';
    case 'oid': return 'urn:oid:1.2.3.' + v;
    case 'uuid': return 'urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    case 'uri': case 'url': return v % 3 === 2 ? `Patient/u${v}` : `http://example.org/${path}/${v}`;
    case 'canonical': return v % 2 === 0 ? `http://example.org/fhir/Questionnaire/${path}|${v}` : `http://example.org/fhir/StructureDefinition/${v}`;
    case 'xhtml': return `<div xmlns="http://www.w3.org/1999/xhtml">Text of <b>${WORDS[v % WORDS.length] ?? ''}</b></div>`;
    case 'code': return codes.length > 0 ? codes[v % codes.length] : `code-${v}`;
    case 'id': return `id-${v}`;
    default: return `${WORDS[v % WORDS.length] ?? ''} ${path.split('.').pop() ?? ''}`;
  }
}

function reference(targets: readonly string[] | undefined, v: number): Record<string, unknown> {
  const list = targets === undefined || targets.length === 0 || targets.includes('Resource') ? ['Patient', 'Practitioner', 'Organization', 'Location', 'Group'] : targets;
  const target = list[v % list.length] ?? 'Patient';
  const out: Record<string, unknown> = { reference: v % 4 === 3 ? `http://example.org/fhir/${target}/r${v}` : `${target}/r${v}`, display: `ref ${v}` };
  if (v % 3 === 1) out['type'] = target;
  if (v % 5 === 4) out['identifier'] = { system: 'urn:ids', value: `i${v}` };
  return out;
}

function fill(type: TypeDefinition, v: number, depth: number, path: string, maxDepth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const element of type.elements.values()) {
    if (SKIPPED.has(element.name)) continue;
    const pick = element.types.length === 0 ? 0 : v % element.types.length;
    const t = element.types[pick];
    if (t === undefined) continue;
    const jsonName = element.jsonNames[pick] ?? element.name;
    const count = element.isArray && depth <= 1 ? 2 : 1;
    const values: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const value = valueOf(t.code, t.targets, element, v + i, depth, `${path}.${element.name}`, maxDepth);
      if (value !== undefined) values.push(value);
    }
    if (values.length === 0) continue;
    out[jsonName] = element.isArray ? values : values[0];
  }
  return out;
}

function valueOf(code: string, targets: readonly string[] | undefined, element: ElementDefinition, v: number, depth: number, path: string, maxDepth: number): unknown {
  if (isPrimitiveType(code)) return primitive(code, v, element, path);
  if (depth >= maxDepth) return undefined;
  if (code === 'Reference') return reference(targets, v);
  if (code === 'Resource') return { resourceType: 'Patient', id: `inner${v}`, name: [{ family: 'Inner' }], birthDate: '1970' };
  if (code === 'Quantity' || code === 'Age' || code === 'Duration' || code === 'SimpleQuantity' || code === 'Distance' || code === 'Count') {
    const units = [['mg', 'mg'], ['kg', 'kg'], ['a', 'year'], ['/min', 'per minute']];
    const [ucum = 'mg', unit = 'mg'] = units[v % units.length] ?? [];
    return { value: 10 + v, unit, system: 'http://unitsofmeasure.org', code: ucum, ...(v % 3 === 2 ? { comparator: '<' } : {}) };
  }
  const def = element.children ?? getTypeDefinition(code);
  if (def === undefined) return undefined;
  const value = fill(def, v, depth + 1, path, maxDepth);
  return Object.keys(value).length === 0 ? undefined : value;
}

/** `variants` resources of every concrete R4 resource type, complex values nested `maxDepth` deep. */
export function modelResources(variants: number, maxDepth = 4): Resource[] {
  const out: Resource[] = [];
  for (const resourceType of resourceTypes) {
    const def = getTypeDefinition(resourceType);
    if (def === undefined) continue;
    for (let v = 0; v < variants; v++) {
      const body = fill(def, v, 0, resourceType, maxDepth);
      delete body['resourceType'];
      out.push({ ...body, resourceType, id: `${resourceType.toLowerCase()}-${v}` } as Resource);
    }
  }
  return out;
}
