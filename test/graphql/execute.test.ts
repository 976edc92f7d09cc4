// GraphQL execution over the real core (SQLite, validation, access policy): the same
// interactions and errors as REST (issue 4: Execution).
import type { Principal } from '../../core/request';
import { createGraphqlService, executeGraphql, type GraphqlResponse, type GraphqlService } from '../../resolvers/execute-graphql';
import { createHarness, type GraphqlHarness } from './harness';

let harness: GraphqlHarness;
let service: GraphqlService;

beforeAll(() => {
  harness = createHarness();
  service = createGraphqlService(harness.deps);
});
afterAll(async () => {
  await harness.close();
});

function run(query: string, variables: Record<string, unknown> = {}, principal?: Partial<Principal>): Promise<GraphqlResponse> {
  return service.execute({ query, variables }, harness.context(principal));
}

function field<T>(response: GraphqlResponse, name: string): T {
  return (response.data ?? {})[name] as T;
}

interface Created {
  readonly id: string;
  readonly meta: { readonly versionId: string };
}

async function createPatient(resource: Record<string, unknown> = {}): Promise<Created> {
  const response = await run('mutation ($res: AWSJSON!) { PatientCreate(res: $res) { id meta { versionId } } }', {
    res: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Chalmers', given: ['Peter'] }], birthDate: '1974-12', ...resource }),
  });
  expect(response.errors).toBeUndefined();
  return field<Created>(response, 'PatientCreate');
}

describe('mutations', () => {
  test('PatientCreate stores the resource and returns it with a server id and version 1', async () => {
    const created = await createPatient();

    expect(created.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(created.meta.versionId).toBe('1');
  });

  test('PatientCreate accepts the resource as an object literal too', async () => {
    const response = await run('mutation { PatientCreate(res: { resourceType: "Patient", gender: "female" }) { gender } }');

    expect(response).toEqual({ data: { PatientCreate: { gender: 'female' } } });
  });

  test('PatientUpdate writes a new version', async () => {
    const created = await createPatient();

    const response = await run('mutation ($id: ID!, $res: AWSJSON!) { PatientUpdate(id: $id, res: $res) { meta { versionId } gender } }', {
      id: created.id,
      res: JSON.stringify({ resourceType: 'Patient', id: created.id, gender: 'male' }),
    });

    expect(response).toEqual({ data: { PatientUpdate: { meta: { versionId: '2' }, gender: 'male' } } });
  });

  test('PatientDelete writes a tombstone and a later read answers GONE', async () => {
    const created = await createPatient();

    const deleted = await run('mutation ($id: ID!) { PatientDelete(id: $id) { resourceType id versionId } }', { id: created.id });
    const read = await run('query ($id: ID!) { Patient(id: $id) { id } }', { id: created.id });

    expect(deleted).toEqual({ data: { PatientDelete: { resourceType: 'Patient', id: created.id, versionId: '2' } } });
    expect(read.errors?.[0]?.extensions).toMatchObject({ code: 'GONE', status: 410, operationOutcome: { resourceType: 'OperationOutcome', issue: [{ code: 'deleted' }] } });
  });

  test('an invalid resource is refused with the validator\'s OperationOutcome, as in REST', async () => {
    const response = await run('mutation ($res: AWSJSON!) { PatientCreate(res: $res) { id } }', { res: JSON.stringify({ resourceType: 'Patient', birthDate: 'yesterday' }) });

    const extensions = response.errors?.[0]?.extensions as { code: string; status: number; operationOutcome: { issue: { expression?: string[] }[] } } | undefined;
    expect(extensions?.code).toBe('INVALID_RESOURCE');
    expect(extensions?.status).toBe(400);
    expect(extensions?.operationOutcome.issue.flatMap((issue) => issue.expression ?? [])).toContain('Patient.birthDate');
    expect(field(response, 'PatientCreate')).toBeNull();
  });

  test('a res that is not JSON is INVALID_JSON', async () => {
    const response = await run('mutation ($res: AWSJSON!) { PatientCreate(res: $res) { id } }', { res: '{not json' });

    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_JSON', status: 400 });
  });

  test('a body of another type is refused like REST does', async () => {
    const response = await run('mutation ($res: AWSJSON!) { PatientCreate(res: $res) { id } }', { res: JSON.stringify({ resourceType: 'Observation' }) });

    expect(response.errors?.[0]?.extensions).toMatchObject({ status: 400 });
  });

  test('publishResourceChange is refused locally', async () => {
    const response = await run('mutation { publishResourceChange(tenant: "default", action: create, resourceType: "Patient", id: "1", versionId: "1", lastUpdated: "2020-01-01T00:00:00Z") { id } }');

    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });
});

describe('read', () => {
  test('Patient(id:) returns the selected elements, choice elements by their JSON names', async () => {
    const created = await createPatient({ deceasedBoolean: false });

    const response = await run('query ($id: ID!) { Patient(id: $id) { resourceType id birthDate deceasedBoolean name { family given } } }', { id: created.id });

    expect(response).toEqual({ data: { Patient: { resourceType: 'Patient', id: created.id, birthDate: '1974-12', deceasedBoolean: false, name: [{ family: 'Chalmers', given: ['Peter'] }] } } });
  });

  test('an unknown id is a NOT_FOUND error with an OperationOutcome', async () => {
    const response = await run('{ Patient(id: "does-not-exist") { id } }');

    expect(response.data).toEqual({ Patient: null });
    expect(response.errors?.[0]).toMatchObject({ path: ['Patient'], extensions: { code: 'NOT_FOUND', status: 404, operationOutcome: { issue: [{ severity: 'error', code: 'not-found' }] } } });
  });

  test('an invalid id is INVALID_ID', async () => {
    const response = await run('{ Patient(id: "not valid!") { id } }');

    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_ID', status: 400 });
  });

  test('a syntax error is reported without executing', async () => {
    const response = await run('{ Patient(id: ');

    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  test('a subscription operation over HTTP is refused', async () => {
    const response = await run('subscription { onResourceChange { id } }');

    expect(response.errors?.[0]?.message).toMatch(/WebSocket/);
  });
});

describe('executeGraphql', () => {
  test('executes with a service cached per CoreDeps', async () => {
    const created = await createPatient({ gender: 'unknown' });

    const response = await executeGraphql({ query: 'query ($id: ID!) { Patient(id: $id) { gender } }', variables: { id: created.id } }, harness.context(), harness.deps);

    expect(response).toEqual({ data: { Patient: { gender: 'unknown' } } });
  });
});
