// The AppSync Lambda resolver handler, driven by AppSync direct-Lambda event JSON (shape of
// https://docs.aws.amazon.com/appsync/latest/devguide/resolver-context-reference.html, with a
// Cognito user-pool identity), over the real core.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '../../core/fhir-types';
import { create } from '../../core/interactions/create';
import { createAppSyncHandler, type AppSyncBatchItem, type AppSyncEvent } from '../../resolvers/appsync/handler';
import { createGraphqlService } from '../../resolvers/execute-graphql';
import { BASE_URL, createHarness, type GraphqlHarness } from './harness';

let harness: GraphqlHarness;
let handler: (event: AppSyncEvent | AppSyncEvent[]) => Promise<unknown>;
let patientId: string;
let observationId: string;

const template = readFileSync(join(__dirname, 'fixtures', 'appsync-query-patient.json'), 'utf8');

/** The captured query event, re-targeted at another root field. */
function event(overrides: { fieldName?: string; parentTypeName?: string; arguments?: Record<string, unknown>; selectionSetGraphQL?: string; groups?: string[] } = {}): AppSyncEvent {
  const base = JSON.parse(template.replace(/PATIENT_ID/g, patientId)) as AppSyncEvent & { identity: { groups: string[]; claims: Record<string, unknown> } };
  if (overrides.groups) {
    base.identity.groups = overrides.groups;
    base.identity.claims['cognito:groups'] = overrides.groups;
  }
  if (overrides.fieldName) base.info.fieldName = overrides.fieldName;
  if (overrides.parentTypeName) base.info.parentTypeName = overrides.parentTypeName;
  if (overrides.arguments) base.arguments = overrides.arguments;
  if (overrides.selectionSetGraphQL !== undefined) base.info.selectionSetGraphQL = overrides.selectionSetGraphQL;
  return base;
}

async function store(resource: Resource): Promise<string> {
  const result = await create(harness.deps, harness.context(), resource.resourceType, resource);
  return result.resource?.id ?? '';
}

beforeAll(async () => {
  harness = createHarness('cognito');
  handler = createAppSyncHandler({ deps: harness.deps, service: createGraphqlService(harness.deps), baseUrl: () => BASE_URL });
  const practitioner = await store({ resourceType: 'Practitioner', name: [{ family: 'Grey' }] });
  patientId = await store({ resourceType: 'Patient', name: [{ family: 'Chalmers' }], generalPractitioner: [{ reference: `Practitioner/${practitioner}` }] });
  observationId = await store({ resourceType: 'Observation', status: 'final', code: { text: 'pulse' }, subject: { reference: `Patient/${patientId}` } });
});
afterAll(async () => {
  await harness.close();
});

test('a root query event returns the field\'s data keyed by field names, with __typename for AppSync', async () => {
  const data = await handler(event());

  expect(data).toEqual({
    __typename: 'Patient',
    id: patientId,
    name: [{ family: 'Chalmers', __typename: 'HumanName' }],
    generalPractitioner: [{ resource: { __typename: 'Practitioner', name: [{ family: 'Grey', __typename: 'HumanName' }] }, __typename: 'Reference' }],
  });
});

test('a mutation event with an AWSJSON argument creates through the core', async () => {
  const data = await handler(event({
    parentTypeName: 'Mutation',
    fieldName: 'PatientCreate',
    arguments: { res: JSON.stringify({ resourceType: 'Patient', gender: 'other' }) },
    selectionSetGraphQL: '{\n  id\n  gender\n  meta {\n    versionId\n  }\n}',
  }));

  expect(data).toMatchObject({ gender: 'other', meta: { versionId: '1' } });
});

test('a failed root field throws an error whose type is the FHIR error code', async () => {
  const call = handler(event({ arguments: { id: 'unknown-patient' } }));

  await expect(call).rejects.toMatchObject({ name: 'NOT_FOUND', message: 'Patient/unknown-patient is not known' });
});

test('a caller the policy refuses gets FORBIDDEN', async () => {
  const call = handler(event({ fieldName: 'Observation', arguments: { id: observationId }, selectionSetGraphQL: '{\n  id\n}', groups: ['auditor'] }));

  await expect(call).rejects.toMatchObject({ name: 'FORBIDDEN' });
});

test('BatchInvoke answers each item in order, errors as errorMessage/errorType with the OperationOutcome', async () => {
  const items = (await handler([
    event({ selectionSetGraphQL: '{\n  id\n}' }),
    event({ arguments: { id: 'unknown-patient' }, selectionSetGraphQL: '{\n  id\n}' }),
    event({ fieldName: 'Observation', arguments: { id: observationId }, selectionSetGraphQL: '{\n  status\n}' }),
  ])) as AppSyncBatchItem[];

  expect(items[0]).toEqual({ data: { id: patientId, __typename: 'Patient' } });
  expect(items[1]).toMatchObject({ data: null, errorType: 'NOT_FOUND', errorInfo: { status: 404, operationOutcome: { issue: [{ code: 'not-found' }] } } });
  expect(items[2]).toEqual({ data: { status: 'final', __typename: 'Observation' } });
});

test('a nested field event is refused: the handler serves root fields only', async () => {
  const call = handler(event({ parentTypeName: 'Reference', fieldName: 'resource' }));

  await expect(call).rejects.toMatchObject({ name: 'INVALID_REQUEST' });
});

test('nested references resolve inside one invocation with one batched read', async () => {
  const entries = Array.from({ length: 50 }, (_, i) => ({ fullUrl: `urn:uuid:10000000-0000-0000-0000-${String(i).padStart(12, '0')}`, resource: { resourceType: 'Observation', status: 'final', code: { text: 'pulse' }, subject: { reference: `Patient/${patientId}` } } }));
  const bundle = await store({ resourceType: 'Bundle', type: 'collection', entry: entries });
  harness.resetCounts();

  const data = (await handler(event({ fieldName: 'Bundle', arguments: { id: bundle }, selectionSetGraphQL: '{\n  entry {\n    resource {\n      ... on Observation {\n        subject {\n          resource {\n            id\n          }\n        }\n      }\n    }\n  }\n}' }))) as { entry: unknown[] };

  expect(data.entry).toHaveLength(50);
  expect(harness.counts.read).toBe(1);
  expect(harness.counts.readMany).toBe(1);
});

test('with multi-tenancy on, a token without custom:tenantId is refused', async () => {
  const deps = { ...harness.deps, config: { ...harness.deps.config, multiTenancy: true } };
  const multiTenant = createAppSyncHandler({ deps, service: createGraphqlService(deps), baseUrl: (tenant) => `${BASE_URL}/tenant/${tenant}` });

  await expect(multiTenant(event())).rejects.toMatchObject({ name: 'FORBIDDEN' });
});

test('a named fragment spread, whose definition AppSync does not forward, is refused clearly', async () => {
  const call = handler(event({ selectionSetGraphQL: '{\n  id\n  ... PatientParts\n}' }));

  await expect(call).rejects.toMatchObject({ name: 'INVALID_REQUEST', message: expect.stringContaining('use inline fragments') });
});
