// Placeholder references outside a transaction (issue 9, defect 8's class): a urn:uuid or
// urn:oid Reference.reference that nothing resolves is a 400 at the reference in a plain create,
// update, patch and batch entry, over real HTTP against the local server; a Bundle resource's
// references to its own entries, and urn:uuid values that are not references, stay accepted.
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from './local-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

interface Issue {
  severity?: string;
  diagnostics?: string;
  expression?: string[];
}
const issuesOf = (json: Record<string, unknown>): Issue[] => (json['issue'] as Issue[] | undefined) ?? [];
const observation = (subject: string, marker: string): Record<string, unknown> => ({
  resourceType: 'Observation',
  status: 'final',
  code: { text: marker },
  subject: { reference: subject },
});
const countByCode = async (marker: string): Promise<unknown> => (await server.request(`/Observation?code:text=${marker}&_summary=count`)).json['total'];

describe('a urn:uuid / urn:oid reference that nothing resolves', () => {
  it('fails a create with 400 at the reference, storing nothing', async () => {
    const marker = `m${randomUUID().slice(0, 8)}`;
    const placeholder = `urn:uuid:${randomUUID()}`;
    const res = await server.request('/Observation', { method: 'POST', body: observation(placeholder, marker) });
    expect(res.status).toBe(400);
    expect(res.json.resourceType).toBe('OperationOutcome');
    expect(issuesOf(res.json)).toEqual([expect.objectContaining({ severity: 'error', expression: ['Observation.subject.reference'] })]);
    expect(issuesOf(res.json)[0]?.diagnostics).toContain(placeholder);
    expect(await countByCode(marker)).toBe(0);
  });

  it('fails an update (urn:oid, in a repeating element) with 400 naming each offending reference', async () => {
    const res = await server.request('/Patient/placeholder-1', {
      method: 'PUT',
      body: { resourceType: 'Patient', id: 'placeholder-1', generalPractitioner: [{ reference: 'urn:oid:1.2.3.4' }, { reference: 'Practitioner/p' }, { reference: 'urn:uuid:6f1c1a52-0000-4000-8000-000000000009' }] },
    });
    expect(res.status).toBe(400);
    expect(issuesOf(res.json).map((i) => i.expression)).toEqual([['Patient.generalPractitioner[0].reference'], ['Patient.generalPractitioner[2].reference']]);
    expect((await server.request('/Patient/placeholder-1')).status).toBe(404);
  });

  it('fails a JSON Patch that adds one, leaving the resource as it was', async () => {
    const marker = `m${randomUUID().slice(0, 8)}`;
    const created = await server.request('/Observation', { method: 'POST', body: observation('Patient/p', marker) });
    expect(created.status).toBe(201);
    const id = String(created.json['id']);
    const res = await server.request(`/Observation/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json' },
      rawBody: JSON.stringify([{ op: 'replace', path: '/subject/reference', value: `urn:uuid:${randomUUID()}` }]),
    });
    expect(res.status).toBe(400);
    expect(issuesOf(res.json)[0]?.expression).toEqual(['Observation.subject.reference']);
    expect((await server.request(`/Observation/${id}`)).json['meta']).toMatchObject({ versionId: '1' });
  });

  it('fails that batch entry alone with 400 at the reference; the other entries are written', async () => {
    const marker = `m${randomUUID().slice(0, 8)}`;
    const res = await server.request('/', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { resource: observation(`urn:uuid:${randomUUID()}`, marker), request: { method: 'POST', url: 'Observation' } },
          { resource: observation('Patient/p', marker), request: { method: 'POST', url: 'Observation' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const entries = res.json['entry'] as { response: { status: string; outcome?: Record<string, unknown> } }[];
    expect(entries.map((e) => e.response.status.slice(0, 3))).toEqual(['400', '201']);
    expect(issuesOf(entries[0]?.response.outcome ?? {})[0]?.expression).toEqual([expect.stringMatching(/subject\.reference$/)]);
    expect(await countByCode(marker)).toBe(1);
  });

  it('fails a Bundle resource whose entry refers to a placeholder that is not one of its entries', async () => {
    const res = await server.request('/Bundle', {
      method: 'POST',
      body: { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: `urn:uuid:${randomUUID()}`, resource: observation(`urn:uuid:${randomUUID()}`, 'x') }] },
    });
    expect(res.status).toBe(400);
    expect(issuesOf(res.json)[0]?.expression).toEqual(['Bundle.entry[0].resource.subject.reference']);
  });
});

describe('what stays accepted', () => {
  it('a Bundle resource whose entries refer to each other by their urn:uuid fullUrls (bundle.html#references)', async () => {
    const patient = `urn:uuid:${randomUUID()}`;
    const res = await server.request('/Bundle', {
      method: 'POST',
      body: { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: patient, resource: { resourceType: 'Patient' } }, { fullUrl: `urn:uuid:${randomUUID()}`, resource: observation(patient, 'x') }] },
    });
    expect(res.status).toBe(201);
  });

  it('a urn:uuid that is not a reference (an identifier value, a uri)', async () => {
    const res = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', identifier: [{ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${randomUUID()}` }] } });
    expect(res.status).toBe(201);
  });

  it('a transaction whose entries define the placeholders it uses (rewritten to the new ids)', async () => {
    const patient = `urn:uuid:${randomUUID()}`;
    const res = await server.request('/', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: `urn:uuid:${randomUUID()}`, resource: observation(patient, 'tx'), request: { method: 'POST', url: 'Observation' } },
          { fullUrl: patient, resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const entries = res.json['entry'] as { resource: { subject?: { reference: string } } }[];
    expect(entries[0]?.resource.subject?.reference).toMatch(/^Patient\/[A-Za-z0-9-]+$/);
  });
});
