// Reference.resource (https://hl7.org/fhir/R4/graphql.html#references), batched through
// ResourceStore.readMany (issue 4: bounded store reads for 50 observations with subjects).
import type { Resource } from '../../core/fhir-types';
import { create } from '../../core/interactions/create';
import { update } from '../../core/interactions/update';
import { createGraphqlService, type GraphqlResponse, type GraphqlService } from '../../resolvers/execute-graphql';
import { BASE_URL, createHarness, type GraphqlHarness } from './harness';

let harness: GraphqlHarness;
let service: GraphqlService;

beforeAll(() => {
  harness = createHarness();
  service = createGraphqlService(harness.deps);
});
afterAll(async () => {
  await harness.close();
});

async function store(resource: Resource): Promise<string> {
  const result = await create(harness.deps, harness.context(), resource.resourceType, resource);
  const id = result.resource?.id;
  if (id === undefined) throw new Error('create returned no id');
  return id;
}

function observation(subject: string, extra: Record<string, unknown> = {}): Resource {
  return { resourceType: 'Observation', status: 'final', code: { text: 'heart rate' }, subject: { reference: subject }, ...extra };
}

function run(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlResponse> {
  return service.execute({ query, variables }, harness.context());
}

const SUBJECT_NAME = 'subject { resource { ... on Patient { name { family } } } }';

describe('Reference.resource', () => {
  test('resolves a relative reference to the current version', async () => {
    const patient = await store({ resourceType: 'Patient', name: [{ family: 'Relative' }] });
    const obs = await store(observation(`Patient/${patient}`));

    const response = await run(`query ($id: ID!) { Observation(id: $id) { ${SUBJECT_NAME} } }`, { id: obs });

    expect(response).toEqual({ data: { Observation: { subject: { resource: { name: [{ family: 'Relative' }] } } } } });
  });

  test('resolves an absolute reference on this server\'s base', async () => {
    const patient = await store({ resourceType: 'Patient', name: [{ family: 'Absolute' }] });
    const obs = await store(observation(`${BASE_URL}/Patient/${patient}`));

    const response = await run(`query ($id: ID!) { Observation(id: $id) { ${SUBJECT_NAME} } }`, { id: obs });

    expect(response.data).toEqual({ Observation: { subject: { resource: { name: [{ family: 'Absolute' }] } } } });
  });

  test('resolves a version-specific reference to that version', async () => {
    const patient = await store({ resourceType: 'Patient', name: [{ family: 'Before' }] });
    await update(harness.deps, harness.context(), 'Patient', patient, { resourceType: 'Patient', id: patient, name: [{ family: 'After' }] });
    const obs = await store(observation(`Patient/${patient}/_history/1`));

    const response = await run(`query ($id: ID!) { Observation(id: $id) { ${SUBJECT_NAME} } }`, { id: obs });

    expect(response.data).toEqual({ Observation: { subject: { resource: { name: [{ family: 'Before' }] } } } });
  });

  test('returns null, without error, when the target is not of the requested type', async () => {
    const patient = await store({ resourceType: 'Patient' });
    const obs = await store(observation(`Patient/${patient}`));

    const response = await run('query ($id: ID!) { Observation(id: $id) { subject { resource(type: "Group") { id } } } }', { id: obs });

    expect(response).toEqual({ data: { Observation: { subject: { resource: null } } } });
  });

  test('an unresolvable reference is a NOT_FOUND error at its path', async () => {
    const obs = await store(observation('Patient/missing'));

    const response = await run('query ($id: ID!) { Observation(id: $id) { subject { resource { id } } } }', { id: obs });

    expect(response.data).toEqual({ Observation: { subject: { resource: null } } });
    expect(response.errors?.[0]).toMatchObject({ path: ['Observation', 'subject', 'resource'], extensions: { code: 'NOT_FOUND', status: 404 } });
  });

  test('optional: true turns an unresolvable reference into null without error', async () => {
    const obs = await store(observation('https://elsewhere.example.org/fhir/Patient/1'));

    const response = await run('query ($id: ID!) { Observation(id: $id) { subject { resource(optional: true) { id } } } }', { id: obs });

    expect(response).toEqual({ data: { Observation: { subject: { resource: null } } } });
  });

  test('resolves a contained reference against its container', async () => {
    const obs = await store(observation('#p1', { contained: [{ resourceType: 'Patient', id: 'p1', name: [{ family: 'Contained' }] }] }));
    harness.resetCounts();

    const response = await run(`query ($id: ID!) { Observation(id: $id) { ${SUBJECT_NAME} } }`, { id: obs });

    expect(response).toEqual({ data: { Observation: { subject: { resource: { name: [{ family: 'Contained' }] } } } } });
    expect(harness.counts.readMany).toBe(0);
  });

  test('resolves contained references inside each Bundle entry against that entry', async () => {
    const entry = (family: string, i: number): { fullUrl: string; resource: Resource } => ({
      fullUrl: `urn:uuid:20000000-0000-0000-0000-00000000000${i}`,
      resource: observation('#p', { contained: [{ resourceType: 'Patient', id: 'p', name: [{ family }] }] }),
    });
    const bundle = await store({ resourceType: 'Bundle', type: 'collection', entry: [entry('First', 1), entry('Second', 2)] });

    const response = await run(`query ($id: ID!) { Bundle(id: $id) { entry { resource { ... on Observation { ${SUBJECT_NAME} } } } } }`, { id: bundle });

    const families = (response.data?.['Bundle'] as { entry: { resource: { subject: { resource: { name: { family: string }[] } } } }[] }).entry.map((e) => e.resource.subject.resource.name[0]?.family);
    expect(families).toEqual(['First', 'Second']);
  });

  test('a deleted target is unresolvable', async () => {
    const patient = await store({ resourceType: 'Patient' });
    const obs = await store(observation(`Patient/${patient}`));
    await service.execute({ query: 'mutation ($id: ID!) { PatientDelete(id: $id) { id } }', variables: { id: patient } }, harness.context());

    const response = await run('query ($id: ID!) { Observation(id: $id) { subject { resource(optional: true) { id } } } }', { id: obs });

    expect(response).toEqual({ data: { Observation: { subject: { resource: null } } } });
  });
});

describe('batched reference resolution', () => {
  test('50 observations in a Bundle resolve their 10 subjects with one store read and one readMany', async () => {
    const patients = await Promise.all(Array.from({ length: 10 }, (_, i) => store({ resourceType: 'Patient', name: [{ family: `P${i}` }] })));
    const entries = Array.from({ length: 50 }, (_, i) => ({ fullUrl: `urn:uuid:00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, resource: observation(`Patient/${patients[i % 10] ?? ''}`) }));
    const bundle = await store({ resourceType: 'Bundle', type: 'collection', entry: entries });
    harness.resetCounts();

    const response = await run(`query ($id: ID!) { Bundle(id: $id) { entry { resource { ... on Observation { ${SUBJECT_NAME} } } } } }`, { id: bundle });

    const families = ((response.data?.['Bundle'] as { entry: { resource: { subject: { resource: { name: { family: string }[] } } } }[] }).entry).map((entry) => entry.resource.subject.resource.name[0]?.family);
    expect(response.errors).toBeUndefined();
    expect(families).toHaveLength(50);
    expect(families[13]).toBe('P3');
    expect(harness.counts.read).toBe(1);
    expect(harness.counts.readMany).toBe(1);
    expect(harness.counts.readManyKeys).toEqual([10]);
  });

  test('50 observations read by aliased root fields share batched subject reads', async () => {
    const patients = await Promise.all(Array.from({ length: 50 }, (_, i) => store({ resourceType: 'Patient', name: [{ family: `Q${i}` }] })));
    const observations = await Promise.all(patients.map((patient) => store(observation(`Patient/${patient}`))));
    const query = `{ ${observations.map((id, i) => `o${i}: Observation(id: "${id}") { ${SUBJECT_NAME} }`).join(' ')} }`;
    harness.resetCounts();

    const response = await run(query);

    expect(response.errors).toBeUndefined();
    expect(Object.keys(response.data ?? {})).toHaveLength(50);
    expect(harness.counts.read).toBe(50);
    expect(harness.counts.readManyKeys.reduce((a, b) => a + b, 0)).toBe(50);
    expect(harness.counts.readMany).toBeLessThanOrEqual(2);
  });

  test('ObservationList of 50 observations with their subjects makes a bounded number of store reads', async () => {
    const patients = await Promise.all(Array.from({ length: 50 }, (_, i) => store({ resourceType: 'Patient', name: [{ family: `L${i}` }] })));
    await Promise.all(patients.map((patient) => store(observation(`Patient/${patient}`, { code: { coding: [{ system: 'http://example.org/codes', code: 'batched-list' }] } }))));
    harness.resetCounts();

    const response = await run(`{ ObservationList(code: "http://example.org/codes|batched-list", _count: 50) { ${SUBJECT_NAME} } }`);

    const list = response.data?.['ObservationList'] as { subject: { resource: { name: { family: string }[] } } }[];
    expect(response.errors).toBeUndefined();
    expect(list).toHaveLength(50);
    expect(list.every((obs) => obs.subject.resource.name[0]?.family.startsWith('L'))).toBe(true);
    console.log(`ObservationList(50) with subjects: ${harness.counts.read} read, ${harness.counts.readMany} readMany (${harness.counts.readManyKeys.join(', ')} keys)`);
    expect(harness.counts.read).toBe(0);
    expect(harness.counts.readMany).toBeLessThanOrEqual(2);
  });
});
