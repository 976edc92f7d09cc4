// R4 invariants enforced on every write path (issue 9, defect 2): each of the issue's examples
// was accepted with 201; now 400 with an OperationOutcome pointing at the element, and nothing
// is stored. Warnings (dom-6) never block a write.
import { issueOf, startTestServer, type TestServer } from './local-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const cases: [string, Record<string, unknown>, string][] = [
  ['Patient.contact with no details (pat-1)', { resourceType: 'Patient', contact: [{ gender: 'male' }] }, 'Patient.contact[0]'],
  ['Observation with a value and a dataAbsentReason (obs-6)', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueString: 'v', dataAbsentReason: { text: 'unknown' } }, 'Observation'],
  [
    'an abated Condition whose clinicalStatus is active (con-4)',
    { resourceType: 'Condition', subject: { reference: 'Patient/1' }, abatementDateTime: '2020-01-01', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] } },
    'Condition',
  ],
  ['Organization without name or identifier (org-1)', { resourceType: 'Organization', active: true }, 'Organization'],
  ['a Period whose start is after its end (per-1)', { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, period: { start: '2020-02-01', end: '2020-01-01' } }, 'Encounter.period'],
  ['a Quantity with a code but no system (qty-3)', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: 1, code: 'mg' } }, 'Observation.valueQuantity'],
];

describe('R4 invariant errors are rejected on create, update and in transactions', () => {
  it.each(cases)('create: %s is 400 naming the element', async (_name, resource, expression) => {
    const res = await server.request(`/${String(resource['resourceType'])}`, { method: 'POST', body: resource });
    expect(res.status).toBe(400);
    expect(issueOf(res.json).code).toBe('invariant');
    expect(issueOf(res.json).expression).toEqual([expression]);
  });

  it('update: an Organization losing its name is 400 and keeps version 1', async () => {
    const created = await server.request('/Organization', { method: 'POST', body: { resourceType: 'Organization', name: 'Acme' } });
    const id = String(created.json['id']);
    const res = await server.request(`/Organization/${id}`, { method: 'PUT', body: { resourceType: 'Organization', id, active: true } });
    expect(res.status).toBe(400);
    expect(issueOf(res.json).expression).toEqual(['Organization']);
    expect(((await server.request(`/Organization/${id}`)).json['meta'] as { versionId: string }).versionId).toBe('1');
  });

  it('transaction: the entry is named and nothing is written', async () => {
    const res = await server.request('/', {
      method: 'POST',
      body: { resourceType: 'Bundle', type: 'transaction', entry: [
        { resource: { resourceType: 'Organization', name: 'ok-in-tx' }, request: { method: 'POST', url: 'Organization' } },
        { resource: { resourceType: 'Patient', contact: [{ gender: 'male' }] }, request: { method: 'POST', url: 'Patient' } },
      ] },
    });
    expect(res.status).toBe(400);
    expect(issueOf(res.json).expression).toEqual(['Bundle.entry[1].resource.contact[0]']);
    expect((await server.request('/Organization?name=ok-in-tx')).json['total']).toBe(0);
  });

  it('a warning (dom-6, no narrative) does not block a create', async () => {
    const res = await server.request('/Organization', { method: 'POST', body: { resourceType: 'Organization', name: 'No narrative' } });
    expect(res.status).toBe(201);
  });
});
