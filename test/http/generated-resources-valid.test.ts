// Everything the server generates is valid R4 (issue 9, defect 3): the CapabilityStatement,
// Bundles of every type it answers with, and OperationOutcomes, checked with the server's own
// R4 validator (structure, cardinality, value sets, and the StructureDefinitions' invariants).
import { validateResource } from '../../core/validation/validate-resource';
import { startTestServer, type TestServer } from './local-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const errorsOf = async (path: string, init: Parameters<TestServer['request']>[1] = {}): Promise<unknown[]> => {
  const res = await server.request(path, init);
  expect(res.json['resourceType']).toBeDefined();
  return validateResource(res.json).map((issue) => `${res.json['resourceType'] ?? ''} ${JSON.stringify(issue.expression)} ${issue.diagnostics ?? ''}`);
};

describe('resources the server generates validate against R4', () => {
  it('the CapabilityStatement: no R4B types, every search parameter with its definition canonical', async () => {
    const res = await server.request('/metadata');
    expect(validateResource(res.json)).toEqual([]);
    const resources = ((res.json['rest'] as { resource: { type: string; searchParam?: { name: string; definition?: string }[] }[] }[])[0]?.resource) ?? [];
    expect(resources.map((r) => r.type)).not.toContain('SubscriptionStatus');
    expect(resources.map((r) => r.type)).toContain('Patient');
    const params = resources.flatMap((r) => r.searchParam ?? []);
    expect(params.length).toBeGreaterThan(2000);
    expect(params.filter((p) => !/^http:\/\/hl7\.org\/fhir\/SearchParameter\/[A-Za-z0-9.-]+$/.test(p.definition ?? ''))).toEqual([]);
    const family = resources.find((r) => r.type === 'Patient')?.searchParam?.find((p) => p.name === 'family');
    expect(family?.definition).toBe('http://hl7.org/fhir/SearchParameter/individual-family');
  });

  it('does not serve SubscriptionStatus (an R4B type) over REST', async () => {
    expect((await server.request('/SubscriptionStatus')).status).toBe(404);
  });

  it('search, history, batch and transaction Bundles, empty or not', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Valid' }] } });
    const id = String(created.json['id']);
    await server.request(`/Patient/${id}`, { method: 'PUT', body: { resourceType: 'Patient', id, active: true } });
    const bundle = (type: string, entry: unknown[]): unknown => ({ resourceType: 'Bundle', type, entry });
    const errors = [
      ...(await errorsOf('/Patient?family=Valid')),
      ...(await errorsOf('/Patient?family=NoSuchName')),
      ...(await errorsOf('/Patient?_summary=count')),
      ...(await errorsOf(`/Patient/${id}/_history`)),
      ...(await errorsOf('/Patient/_history?_count=2')),
      ...(await errorsOf('/_history?_since=2999-01-01T00:00:00Z')),
      ...(await errorsOf(`/Patient/${id}/$everything`)),
      ...(await errorsOf('/', { method: 'POST', body: bundle('batch', [{ request: { method: 'GET', url: `Patient/${id}` } }, { request: { method: 'GET', url: 'Patient/nope' } }, { request: { method: 'DELETE', url: 'Patient/nope2' } }]) })),
      ...(await errorsOf('/', { method: 'POST', body: bundle('transaction', [{ resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } }, { request: { method: 'DELETE', url: 'Patient/nope3' } }]) })),
      ...(await errorsOf('/', { method: 'POST', body: bundle('batch', []) })),
    ];
    expect(errors).toEqual([]);
  });

  it('OperationOutcomes of errors and of $validate', async () => {
    const errors = [
      ...(await errorsOf('/Patient/nope')),
      ...(await errorsOf('/Nope')),
      ...(await errorsOf('/Patient?family:nosuch=x')),
      ...(await errorsOf('/Patient', { method: 'POST', rawBody: '{', headers: { 'content-type': 'application/fhir+json' } })),
      ...(await errorsOf('/Patient', { method: 'POST', body: { resourceType: 'Patient', contact: [{}] } })),
      ...(await errorsOf('/Patient/$validate', { method: 'POST', body: { resourceType: 'Patient' } })),
      ...(await errorsOf('/Patient/$validate', { method: 'POST', body: { resourceType: 'Patient', birthDate: 'x' } })),
    ];
    expect(errors).toEqual([]);
  });
});
