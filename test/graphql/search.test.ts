// RList, RConnection and the reverse-reference ResourceList run the core's search
// (https://hl7.org/fhir/R4/graphql.html#searching) on the embedded SQLite index.
import type { Resource } from '../../core/fhir-types';
import { create } from '../../core/interactions/create';
import { createGraphqlService, type GraphqlResponse, type GraphqlService } from '../../resolvers/execute-graphql';
import { createHarness, type GraphqlHarness } from './harness';

let harness: GraphqlHarness;
let service: GraphqlService;
let patientIds: string[];

async function store(resource: Resource): Promise<string> {
  const result = await create(harness.deps, harness.context(), resource.resourceType, resource);
  return result.resource?.id ?? '';
}

function run(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlResponse> {
  return service.execute({ query, variables }, harness.context());
}

const LOINC_PULSE = { coding: [{ system: 'http://loinc.org', code: '8867-4' }] };
const LOINC_WEIGHT = { coding: [{ system: 'http://loinc.org', code: '29463-7' }] };

beforeAll(async () => {
  harness = createHarness();
  service = createGraphqlService(harness.deps);
  patientIds = [];
  for (const given of ['Ann', 'Bob', 'Cid']) patientIds.push(await store({ resourceType: 'Patient', name: [{ family: 'Searchable', given: [given] }], gender: given === 'Bob' ? 'male' : 'female' }));
  await store({ resourceType: 'Patient', name: [{ family: 'Other' }] });
  const first = patientIds[0] ?? '';
  await store({ resourceType: 'Observation', status: 'final', code: LOINC_PULSE, subject: { reference: `Patient/${first}` } });
  await store({ resourceType: 'Observation', status: 'final', code: LOINC_WEIGHT, subject: { reference: `Patient/${first}` } });
});
afterAll(async () => {
  await harness.close();
});

test('PatientList returns the matches of its search arguments', async () => {
  const response = await run('{ PatientList(family: "Searchable", gender: "female") { name { given } } }');

  expect(response.errors).toBeUndefined();
  const given = (response.data?.['PatientList'] as { name: { given: string[] }[] }[]).map((patient) => patient.name[0]?.given[0]).sort();
  expect(given).toEqual(['Ann', 'Cid']);
});

test('argument names with _ are the search parameters with - (address_city is address-city)', async () => {
  const response = await run('{ PatientList(address_city: "Nowhere") { id } }');

  expect(response).toEqual({ data: { PatientList: [] } });
});

test('PatientConnection pages with cursors that carry the search', async () => {
  const first = await run('{ PatientConnection(family: "Searchable", _count: 2, _sort: "_id") { pageSize next edges { mode resource { id } } } }');
  const page = first.data?.['PatientConnection'] as { pageSize: number; next: string | null; edges: { mode: string; resource: { id: string } }[] };

  const second = await run('query ($cursor: String) { PatientConnection(_cursor: $cursor) { pageSize next edges { resource { id } } } }', { cursor: page.next });
  const rest = second.data?.['PatientConnection'] as { pageSize: number; next: string | null; edges: { resource: { id: string } }[] };

  expect(first.errors).toBeUndefined();
  expect(page.pageSize).toBe(2);
  expect(page.edges[0]?.mode).toBe('match');
  expect(typeof page.next).toBe('string');
  expect(second.errors).toBeUndefined();
  expect(rest.pageSize).toBe(1);
  expect(rest.next).toBeNull();
  expect([...page.edges, ...rest.edges].map((edge) => edge.resource.id).sort()).toEqual([...patientIds].sort());
});

test('ResourceList finds the resources whose reference parameter points at this resource', async () => {
  const response = await run('query ($id: ID!) { Patient(id: $id) { ResourceList(_type: "Observation", _reference: "subject") { ... on Observation { code { coding { code } } } } } }', { id: patientIds[0] });

  expect(response.errors).toBeUndefined();
  const codes = ((response.data?.['Patient'] as { ResourceList: { code: { coding: { code: string }[] } }[] }).ResourceList).map((obs) => obs.code.coding[0]?.code).sort();
  expect(codes).toEqual(['29463-7', '8867-4']);
});

test('ResourceList narrows with _params', async () => {
  const response = await run('query ($id: ID!) { Patient(id: $id) { ResourceList(_type: "Observation", _reference: "subject", _params: "code=http://loinc.org|8867-4") { id } } }', { id: patientIds[0] });

  expect((response.data?.['Patient'] as { ResourceList: unknown[] }).ResourceList).toHaveLength(1);
});

test('an unknown _reference parameter is an error, not a search over everything', async () => {
  const response = await run('query ($id: ID!) { Patient(id: $id) { ResourceList(_type: "Observation", _reference: "no-such-param") { id } } }', { id: patientIds[0] });

  expect(response.errors?.[0]?.extensions).toMatchObject({ status: 400 });
});

test('an invalid search value is reported with the search error code', async () => {
  const response = await run('{ PatientList(birthdate: "not-a-date") { id } }');

  expect(response.errors?.[0]?.extensions).toMatchObject({ status: 400, operationOutcome: { resourceType: 'OperationOutcome' } });
});

test('_params carries modifiers that argument names cannot', async () => {
  const response = await run('{ PatientList(_params: "given:exact=Bob&family=Searchable") { name { given } } }');

  expect(response).toEqual({ data: { PatientList: [{ name: [{ given: ['Bob'] }] }] } });
});
