// GraphQL goes through the same AccessPolicy as REST (config/access-policy.json: auditors read
// Patient only), and references never reveal what the caller may not read (DESIGN.md: Auth).
import type { Resource } from '../../core/fhir-types';
import { create } from '../../core/interactions/create';
import { createGraphqlService, type GraphqlResponse, type GraphqlService } from '../../resolvers/execute-graphql';
import { createHarness, type GraphqlHarness } from './harness';

let harness: GraphqlHarness;
let service: GraphqlService;
let patientId: string;
let observationId: string;

const AUDITOR = { subject: 'auditor-1', groups: ['auditor'] };

async function store(resource: Resource): Promise<string> {
  const result = await create(harness.deps, harness.context(), resource.resourceType, resource);
  return result.resource?.id ?? '';
}

beforeAll(async () => {
  harness = createHarness('cognito');
  service = createGraphqlService(harness.deps);
  const practitioner = await store({ resourceType: 'Practitioner', name: [{ family: 'Hidden' }] });
  patientId = await store({ resourceType: 'Patient', name: [{ family: 'Visible' }], generalPractitioner: [{ reference: `Practitioner/${practitioner}` }] });
  observationId = await store({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${patientId}` } });
});
afterAll(async () => {
  await harness.close();
});

function runAs(principal: { subject: string; groups: string[] }, query: string, variables: Record<string, unknown> = {}): Promise<GraphqlResponse> {
  return service.execute({ query, variables }, harness.context(principal));
}

test('an auditor reads a Patient', async () => {
  const response = await runAs(AUDITOR, 'query ($id: ID!) { Patient(id: $id) { name { family } } }', { id: patientId });

  expect(response).toEqual({ data: { Patient: { name: [{ family: 'Visible' }] } } });
});

test('an auditor reading an Observation gets FORBIDDEN with an OperationOutcome', async () => {
  const response = await runAs(AUDITOR, 'query ($id: ID!) { Observation(id: $id) { id } }', { id: observationId });

  expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', status: 403, operationOutcome: { issue: [{ code: 'forbidden' }] } });
});

test('an auditor cannot create', async () => {
  const response = await runAs(AUDITOR, 'mutation { PatientCreate(res: "{\\"resourceType\\":\\"Patient\\"}") { id } }');

  expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
});

test('a reference to a resource the caller may not read does not reveal it', async () => {
  const response = await runAs(AUDITOR, 'query ($id: ID!) { Patient(id: $id) { generalPractitioner { resource { id } } } }', { id: patientId });

  expect(response.data).toEqual({ Patient: { generalPractitioner: [{ resource: null }] } });
  expect(response.errors?.[0]?.message).toMatch(/not found or not allowed/);
  expect(JSON.stringify(response)).not.toContain('Hidden');
});

test('the same reference resolves for a practitioner', async () => {
  const response = await runAs({ subject: 'doc', groups: ['practitioner'] }, 'query ($id: ID!) { Patient(id: $id) { generalPractitioner { resource { ... on Practitioner { name { family } } } } } }', { id: patientId });

  expect(response).toEqual({ data: { Patient: { generalPractitioner: [{ resource: { name: [{ family: 'Hidden' }] } }] } } });
});
