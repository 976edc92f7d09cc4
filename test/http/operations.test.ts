import { startTestServer, type TestServer } from './local-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

interface Issue { severity: string; code: string; diagnostics?: string; expression?: string[] }
const issuesOf = (json: Record<string, unknown>): Issue[] => json['issue'] as Issue[];

describe('$validate', () => {
  it('answers a valid resource with 200 and an informational outcome, storing nothing', async () => {
    const res = await server.request('/Patient/$validate', { method: 'POST', body: { resourceType: 'Patient', id: 'never-stored', birthDate: '2000-01-01' } });
    expect(res.status).toBe(200);
    // The warning is dom-6 (no narrative): reported by $validate, never enforced (issue 9, defect 2).
    expect(issuesOf(res.json).map((i) => i.severity)).toEqual(['information', 'warning']);
    expect(issuesOf(res.json)[1]?.diagnostics).toContain('dom-6');
    expect((await server.request('/Patient/never-stored')).status).toBe(404);
  });

  it('reports an R4 invariant error (pat-1) at its element, and no warning for a resource with narrative', async () => {
    const text = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">p</div>' };
    const invalid = await server.request('/Patient/$validate', { method: 'POST', body: { resourceType: 'Patient', text, contact: [{ gender: 'male' }] } });
    expect(invalid.status).toBe(200);
    expect(issuesOf(invalid.json).map((i) => [i.severity, i.expression])).toEqual([['error', ['Patient.contact[0]']]]);
    const valid = await server.request('/Patient/$validate', { method: 'POST', body: { resourceType: 'Patient', text } });
    expect(issuesOf(valid.json).map((i) => i.severity)).toEqual(['information']);
  });

  it('answers an invalid resource with 200 and the errors, pointing at the elements', async () => {
    const res = await server.request('/Patient/$validate', { method: 'POST', body: { resourceType: 'Patient', birthDate: 'soon', colour: 'red' } });
    expect(res.status).toBe(200);
    const expressions = issuesOf(res.json).flatMap((i) => i.expression ?? []);
    expect(expressions).toEqual(expect.arrayContaining(['Patient.birthDate', 'Patient.colour']));
  });

  it('takes a Parameters body with resource and mode', async () => {
    const res = await server.request('/Patient/abc/$validate', {
      method: 'POST',
      body: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: { resourceType: 'Patient', id: 'other' } }, { name: 'mode', valueCode: 'update' }] },
    });
    expect(res.status).toBe(200);
    expect(issuesOf(res.json).some((i) => i.severity === 'error' && i.expression?.includes('Patient.id'))).toBe(true);
  });

  it('refuses a resource of another type than the URL with 400', async () => {
    const res = await server.request('/Observation/$validate', { method: 'POST', body: { resourceType: 'Patient' } });
    expect(res.status).toBe(400);
  });
});

describe('Patient/$everything', () => {
  it('returns the patient and its compartment, not other patients data', async () => {
    const mine = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Everything' }] } });
    const theirs = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient' } });
    const id = String(mine.json['id']);
    await server.request('/Observation', { method: 'POST', body: { resourceType: 'Observation', status: 'final', code: { text: 'a' }, subject: { reference: `Patient/${id}` } } });
    await server.request('/Condition', { method: 'POST', body: { resourceType: 'Condition', subject: { reference: `Patient/${id}` } } });
    await server.request('/Observation', { method: 'POST', body: { resourceType: 'Observation', status: 'final', code: { text: 'b' }, subject: { reference: `Patient/${String(theirs.json['id'])}` } } });
    const res = await server.request(`/Patient/${id}/$everything`);
    expect(res.status).toBe(200);
    const entries = res.json['entry'] as { resource: { resourceType: string; id: string; subject?: { reference: string } } }[];
    expect(entries[0]?.resource).toMatchObject({ resourceType: 'Patient', id });
    expect(entries.map((e) => e.resource.resourceType).sort()).toEqual(['Condition', 'Observation', 'Patient']);
    expect(entries.filter((e) => e.resource.subject).every((e) => e.resource.subject?.reference === `Patient/${id}`)).toBe(true);
  });

  it('gives 404 for an unknown patient', async () => {
    expect((await server.request('/Patient/nobody/$everything')).status).toBe(404);
  });

  it('answers an unknown operation with 501', async () => {
    const res = await server.request('/Patient/$frobnicate', { method: 'POST', body: { resourceType: 'Parameters' } });
    expect(res.status).toBe(501);
  });
});
