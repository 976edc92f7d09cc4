// A service over a subset schema (FHIR_GRAPHQL_TYPES) serves its types and nothing else.
import type { Resource } from '../../core/fhir-types';
import { create } from '../../core/interactions/create';
import { createGraphqlService, type GraphqlService } from '../../resolvers/execute-graphql';
import { createHarness, type GraphqlHarness } from './harness';

let harness: GraphqlHarness;
let service: GraphqlService;

async function store(resource: Resource): Promise<string> {
  const result = await create(harness.deps, harness.context(), resource.resourceType, resource);
  return result.resource?.id ?? '';
}

beforeAll(() => {
  harness = createHarness();
  service = createGraphqlService(harness.deps, { resourceTypes: ['Patient', 'Observation'] });
});
afterAll(async () => {
  await harness.close();
});

test('a type outside the subset is not queryable', async () => {
  const response = await service.execute({ query: '{ Practitioner(id: "1") { id } }' }, harness.context());

  expect(response.errors?.[0]?.message).toMatch(/Cannot query field "Practitioner"/);
});

test('a reference to a type outside the subset is unresolvable here', async () => {
  const practitioner = await store({ resourceType: 'Practitioner' });
  const patient = await store({ resourceType: 'Patient', generalPractitioner: [{ reference: `Practitioner/${practitioner}` }] });

  const response = await service.execute({ query: `{ Patient(id: "${patient}") { generalPractitioner { reference resource { id } } } }` }, harness.context());

  expect(response.data).toEqual({ Patient: { generalPractitioner: [{ reference: `Practitioner/${practitioner}`, resource: null }] } });
  expect(response.errors?.[0]?.message).toMatch(/Practitioner is not in this schema/);
});

test('references between subset types resolve', async () => {
  const patient = await store({ resourceType: 'Patient', gender: 'female' });
  const observation = await store({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${patient}` } });

  const response = await service.execute({ query: `{ Observation(id: "${observation}") { subject { resource { ... on Patient { gender } } } } }` }, harness.context());

  expect(response).toEqual({ data: { Observation: { subject: { resource: { gender: 'female' } } } } });
});

test('a reverse lookup of a type outside the subset is UNKNOWN_RESOURCE_TYPE', async () => {
  const patient = await store({ resourceType: 'Patient' });

  const response = await service.execute({ query: `{ Patient(id: "${patient}") { ResourceList(_type: "Encounter", _reference: "subject") { id } } }` }, harness.context());

  expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNKNOWN_RESOURCE_TYPE', operationOutcome: { issue: [{ expression: ['_type'] }] } });
});
