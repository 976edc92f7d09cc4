// Input generators of the hostile-input fuzzer (issue 16): resources generated from the R4 type
// model (core/validation/model.ts) then mutated, search query strings over the real search
// parameter table, GraphQL documents, Bundle shapes, JSON Patch and FHIRPath Patch documents,
// and request headers. Each generator is a fast-check arbitrary; resources are built from a
// seed with a small PRNG (the model is recursive and large, and a seed keeps cases replayable).
import fc from 'fast-check';
import { getTypeDefinition, resourceTypes, type PropertyDefinition } from '../../core/validation/model';
import { baseSearchParameters } from '../../core/search/parameters';
import { seededRandom } from '../../tools/synthetic/random';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const nasty = ['', ' ', '\u0000', '\ud800', '💥', '<script>alert(1)</script>', "' OR 1=1 --", '../../etc/passwd', '%00', '\\', '"', 'a'.repeat(5000), '-0', '1e309', 'NaN', '2024-13-45', 'urn:uuid:', '#', 'Patient/', 'http://169.254.169.254/'];

function primitive(code: string, r: () => number): Json {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  if (r() < 0.1) return pick<Json>([...nasty, 0, -1, true, null, [], {}]);
  switch (code) {
    case 'boolean': return r() < 0.5;
    case 'integer': case 'positiveInt': case 'unsignedInt': return Math.floor(r() * 2000) - 100;
    case 'decimal': return Math.round(r() * 1e6) / 1000;
    case 'date': return pick(['2020', '2020-02', '2020-02-29', '1900-01-01']);
    case 'dateTime': case 'instant': return pick(['2020-02-29T12:00:00Z', '2020-02-29T12:00:00.123+02:00', '2021', '2021-06-01']);
    case 'time': return pick(['12:00:00', '23:59:59.999']);
    case 'code': return pick(['active', 'final', 'male', 'unknown', 'x']);
    case 'id': return pick(['a1', 'example', 'x'.repeat(64)]);
    case 'uri': case 'url': case 'canonical': case 'oid': case 'uuid': return pick(['http://example.org/a', 'urn:oid:1.2.3', 'urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0']);
    case 'base64Binary': return pick(['aGVsbG8=', 'not base64']);
    default: return pick(['text', 'Smith', 'Ada Lovelace', '']);
  }
}

/** A value for one property of the model, recursing into complex and backbone types. */
function valueOf(property: PropertyDefinition, depth: number, r: () => number): Json {
  const one = (): Json => {
    if (property.kind === 'primitive') return primitive(property.type.code, r);
    if (property.kind === 'resource') return depth > 1 ? { resourceType: 'Basic', code: { text: 'x' } } : resourceFromModel('Basic', depth + 1, r);
    if (property.type.code === 'Reference') return { reference: r() < 0.7 ? `Patient/p${Math.floor(r() * 5)}` : String(primitive('string', r)) };
    const children = property.kind === 'backbone' ? property.element.children : getTypeDefinition(property.type.code);
    return children === undefined || depth > 3 ? {} : objectOf(children.properties, depth + 1, r);
  };
  if (!property.element.isArray) return one();
  return Array.from({ length: 1 + Math.floor(r() * 2) }, one);
}

function objectOf(properties: ReadonlyMap<string, PropertyDefinition>, depth: number, r: () => number): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  const chance = depth === 0 ? 0.35 : 0.2;
  for (const [name, property] of properties) {
    if (name === 'resourceType' || name === 'id' || name === 'meta' || name === 'text' || name === 'contained') continue;
    if (property.element.min > 0 || r() < chance) out[name] = valueOf(property, depth, r);
  }
  return out;
}

/** A resource of `type` drawn from the R4 model (often valid, often not: the server must tell). */
export function resourceFromModel(type: string, depth: number, r: () => number): { [key: string]: Json } {
  const definition = getTypeDefinition(type);
  return { resourceType: type, ...(definition ? objectOf(definition.properties, depth, r) : {}) };
}

/** Structural mutations applied at random places of a JSON value. */
function mutate(value: Json, r: () => number, budget: number): Json {
  if (budget <= 0 || r() < 0.6) return value;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  if (Array.isArray(value)) {
    const copy = value.map((v) => mutate(v, r, budget - 1));
    if (r() < 0.2) copy.push(pick<Json>([null, {}, [], 'x', 1]));
    if (r() < 0.1) return {};
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) {
      const roll = r();
      if (roll < 0.05) continue;
      if (roll < 0.1) copy[`${k}_x`] = v;
      else if (roll < 0.15) copy[k] = pick<Json>([null, [], {}, '', 0, true, [null], [[]]]);
      else copy[k] = mutate(v, r, budget - 1);
    }
    if (r() < 0.1) copy['__proto__'] = { polluted: true };
    if (r() < 0.1) copy['resourceType'] = pick<Json>(['Patient', 'Nope', '', 3, null]);
    return copy;
  }
  return r() < 0.3 ? pick<Json>([...nasty, null, 0, true, {}, []]) : value;
}

const creatable = resourceTypes.filter((t) => t !== 'Binary' && t !== 'Parameters' && t !== 'Bundle');

export interface FuzzRequest {
  readonly method: string;
  /** Below the FHIR base, or an absolute path on the server when it starts with '//'. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** POST/PUT of model-generated, mutated resources (sometimes as broken JSON text). */
export const resourceWrites: fc.Arbitrary<FuzzRequest> = fc
  .tuple(fc.constantFrom(...creatable), fc.integer(), fc.constantFrom('POST', 'PUT', 'POST-validate'), fc.nat(6), fc.boolean())
  .map(([type, seed, method, budget, breakText]) => {
    const r = seededRandom(seed);
    const body = mutate(resourceFromModel(type, 0, r), r, budget);
    let text = JSON.stringify(body);
    if (breakText) text = text.slice(0, Math.floor(r() * text.length)) + ['', '}', ',', '\u0000', '{"a":'][Math.floor(r() * 5)];
    const headers = { 'content-type': 'application/fhir+json' };
    if (method === 'PUT') return { method, path: `${type}/fz${seed & 0xffff}`, headers, body: text };
    if (method === 'POST-validate') return { method: 'POST', path: `${type}/$validate`, headers, body: text };
    return { method, path: type, headers, body: text };
  });

const prefixes = ['', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap', 'zz'];
const modifiers = ['', ':missing', ':exact', ':contains', ':text', ':not', ':above', ':below', ':in', ':not-in', ':of-type', ':identifier', ':Patient', ':nosuch', ':'];
const specials = ['_id', '_lastUpdated', '_tag', '_profile', '_security', '_text', '_content', '_list', '_has', '_type', '_count', '_sort', '_include', '_revinclude', '_summary', '_elements', '_total', '_contained', '_format', '_filter', '_query'];

/** Search query strings over the real parameter table, with chains, modifiers, prefixes and junk. */
export const searches: fc.Arbitrary<FuzzRequest> = fc
  .tuple(fc.constantFrom(...creatable, ''), fc.array(fc.tuple(fc.integer(), fc.string({ maxLength: 30 }), fc.constantFrom(...prefixes), fc.constantFrom(...modifiers)), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([type, params, system]) => {
    const parts = params.map(([seed, value, prefix, modifier]) => {
      const r = seededRandom(seed);
      const known = type === '' ? [] : [...baseSearchParameters.searchParametersFor(type).keys()];
      const names = [...known, ...specials];
      let name = names[Math.floor(r() * names.length)] ?? '_id';
      if (r() < 0.15) name = `${name}.${known[Math.floor(r() * known.length)] ?? 'name'}`;
      if (r() < 0.05) name = `_has:Observation:patient:${name}`;
      const v = r() < 0.5 ? value : `${prefix}${['2020', '5', 'http://x|y', 'a,b', '|', '5||mg', 'Patient/1', ''][Math.floor(r() * 8)]}`;
      return `${encodeURIComponent(name + modifier).replace(/%3A/gi, ':')}=${r() < 0.9 ? encodeURIComponent(v) : v.replace(/[#\s]/g, '')}`;
    });
    return { method: 'GET', path: `${system || type === '' ? '' : type}?${parts.join('&')}`, headers: {} };
  });

const graphqlSeeds = [
  '{ PatientList(name: "Smith") { id name { family } } }',
  '{ Patient(id: "p1") { id gender generalPractitioner { reference resource { ... on Practitioner { id } } } } }',
  'mutation { PatientCreate(res: "{\\"resourceType\\":\\"Patient\\"}") { id } }',
  '{ ObservationConnection(_count: 2) { edges { resource { id } } } }',
  'query Q($id: ID!) { Patient(id: $id) { id } }',
  '{ __schema { types { name } } }',
];

/** GraphQL documents: real queries mutated at the character level, plus deep nesting and junk. */
export const graphqlDocuments: fc.Arbitrary<FuzzRequest> = fc
  .tuple(fc.constantFrom(...graphqlSeeds), fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 5 })), { maxLength: 4 }), fc.nat(60), fc.boolean(), fc.jsonValue({ maxDepth: 2 }))
  .map(([seed, edits, depth, deep, variables]) => {
    let query = seed;
    for (const [at, text] of edits) {
      const i = at % (query.length + 1);
      query = query.slice(0, i) + text + query.slice(i + (at % 3));
    }
    if (deep) query = `{ ${'PatientList { link { other { resource { ... on Patient { '.repeat(depth % 20)} id ${'} } } } }'.repeat(depth % 20)} }`;
    return { method: 'POST', path: '//graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) };
  });

/** Bundles of every type with entries of random methods, urls and resources. */
export const bundles: fc.Arbitrary<FuzzRequest> = fc
  .tuple(fc.constantFrom('transaction', 'batch', 'collection', 'searchset', 'nope', ''), fc.array(fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', ''), fc.constantFrom('Patient', 'Patient/p1', 'Patient/', 'Patient?name=x', 'urn:uuid:1', '', '/', 'http://other/Patient/1', 'Observation/$validate', 'Patient/p1/_history/1'), fc.integer(), fc.constantFrom('urn:uuid:9a1b2c3d-0000-4000-8000-000000000001', 'Patient/p1', '', 'x')), { maxLength: 8 }), fc.nat(4))
  .map(([type, entries, budget]) => {
    const bundle: Json = {
      resourceType: 'Bundle',
      type,
      entry: entries.map(([method, url, seed, fullUrl]) => {
        const r = seededRandom(seed);
        const entry: { [key: string]: Json } = { fullUrl, request: { method, url } };
        if (r() < 0.7) entry['resource'] = resourceFromModel(r() < 0.5 ? 'Patient' : 'Observation', 1, r);
        if (r() < 0.2) entry['request'] = { method, url, ifMatch: 'W/"1"', ifNoneExist: 'identifier=x' };
        return entry;
      }),
    };
    return { method: 'POST', path: '', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(mutate(bundle, seededRandom(budget), budget)) };
  });

/** JSON Patch and FHIRPath Patch documents, valid-looking and broken. */
export const patches: fc.Arbitrary<FuzzRequest> = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'insert', 'delete', 'bogus'), fc.constantFrom('/name', '/name/0/family', '/id', '/meta', '/-', '', '/telecom/-', 'Patient.name', 'Patient.telecom', 'Patient', 'Patient.name.where(', '/resourceType'), fc.jsonValue({ maxDepth: 2 })), { maxLength: 5 }))
  .map(([fhirpath, ops]) => {
    if (!fhirpath) {
      return { method: 'PATCH', path: 'Patient/fuzz-target', headers: { 'content-type': 'application/json-patch+json' }, body: JSON.stringify(ops.map(([op, path, value]) => ({ op, path, value, from: path }))) };
    }
    const parameter = ops.map(([op, path, value]) => ({
      name: 'operation',
      part: [
        { name: 'type', valueCode: op },
        { name: 'path', valueString: path },
        { name: 'name', valueString: 'telecom' },
        { name: 'value', ...(typeof value === 'string' ? { valueString: value } : { valueContactPoint: { system: 'phone', value: String(value) } }) },
        { name: 'index', valueInteger: typeof value === 'number' ? value : 0 },
      ],
    }));
    return { method: 'PATCH', path: 'Patient/fuzz-target', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Parameters', parameter }) };
  });

const headerNames = ['if-match', 'if-none-match', 'if-none-exist', 'if-modified-since', 'prefer', 'accept', 'content-type', 'x-request-id', 'authorization', 'x-http-method-override', 'accept-charset', 'range'];
const headerValues = ['W/"1"', 'W/"x"', '*', 'identifier=x', 'name=', 'return=representation', 'return=OperationOutcome', 'handling=strict', 'respond-async', 'application/fhir+xml', 'text/html', '*/*;q=0', 'application/fhir+json; fhirVersion=3.0', 'Bearer x.y.z', 'Basic Zm9vOmJhcg==', 'bytes=0-1', '\t', 'x'.repeat(2000), 'Thu, 01 Jan 1970 00:00:00 GMT', 'garbage'];

/** Requests whose headers are the hostile part. */
export const headerRequests: fc.Arbitrary<FuzzRequest> = fc
  .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), fc.constantFrom('Patient', 'Patient/fuzz-target', 'Patient/fuzz-target/_history', 'metadata', '', 'Patient/fuzz-target/_history/1', '$export', 'Binary'), fc.dictionary(fc.constantFrom(...headerNames), fc.constantFrom(...headerValues), { maxKeys: 4 }))
  .map(([method, path, headers]) => {
    const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
    return { method, path, headers: { 'content-type': 'application/fhir+json', ...headers }, ...(withBody ? { body: JSON.stringify({ resourceType: 'Patient', id: 'fuzz-target' }) } : {}) };
  });
