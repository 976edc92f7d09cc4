// The search interactions over real HTTP on the local server (SQLite, writes through the core,
// so the index is extracted on the write path): GET and POST _search, system and compartment
// search, links a client can follow, strict and lenient handling.
import Client from 'fhir-kit-client';
import { issueOf, startTestServer, type TestServer } from '../http/local-server';

let server: TestServer;
const ids: Record<string, string> = {};

interface Entry { fullUrl?: string; resource?: { resourceType: string; id: string }; search?: { mode?: string } }

function matchIds(json: Record<string, unknown>): string[] {
  return ((json['entry'] as Entry[] | undefined) ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id ?? '');
}

function linkOf(json: Record<string, unknown>, relation: string): string | undefined {
  return (json['link'] as { relation: string; url: string }[] | undefined)?.find((l) => l.relation === relation)?.url;
}

beforeAll(async () => {
  server = await startTestServer();
  for (const [key, family, birthDate] of [['ann', 'Searchable', '1970-01-01'], ['bob', 'Searcher', '1980-01-01'], ['cy', 'Other', '1990-01-01']] as const) {
    const res = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family }], birthDate } });
    ids[key] = String(res.json['id']);
  }
  for (const [key, patient, code] of [['o1', 'ann', '1234-5'], ['o2', 'ann', '9999-9'], ['o3', 'bob', '1234-5']] as const) {
    const res = await server.request('/Observation', {
      method: 'POST',
      body: { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code }] }, subject: { reference: `Patient/${ids[patient] ?? ''}` } },
    });
    ids[key] = String(res.json['id']);
  }
});

afterAll(async () => {
  await server.stop();
});

describe('search over HTTP', () => {
  it('GET [type]?params answers a searchset with fullUrl, search.mode and a self link', async () => {
    const res = await server.request('/Patient?name=search&_sort=birthdate');
    const entries = res.json['entry'] as Entry[];
    expect([res.status, res.json['type'], res.json['total'], matchIds(res.json)]).toEqual([200, 'searchset', 2, [ids['ann'], ids['bob']]]);
    expect(entries[0]?.fullUrl).toBe(`${server.base}/Patient/${ids['ann'] ?? ''}`);
    expect(linkOf(res.json, 'self')).toBe(`${server.base}/Patient?name=search&_sort=birthdate`);
  });

  it('POST [type]/_search takes the parameters as a form body', async () => {
    const res = await server.request('/Patient/_search', { method: 'POST', rawBody: 'family=searcher', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([res.status, matchIds(res.json)]).toEqual([200, [ids['bob']]]);
  });

  it('a search right after a write sees it', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Fresh' }] } });
    const res = await server.request('/Patient?family=fresh');
    expect(matchIds(res.json)).toEqual([created.json['id']]);
  });

  it('follows next links page by page', async () => {
    const first = await server.request('/Observation?_count=2');
    const next = linkOf(first.json, 'next') ?? '';
    const second = await server.request(next);
    expect([matchIds(first.json).length, matchIds(second.json).length, linkOf(second.json, 'next')]).toEqual([2, 1, undefined]);
  });

  it('GET Patient/[id]/Observation searches the patient compartment', async () => {
    const res = await server.request(`/Patient/${ids['ann'] ?? ''}/Observation?code=1234-5`);
    expect(matchIds(res.json)).toEqual([ids['o1']]);
  });

  it('GET [base]?_type= searches several types', async () => {
    const res = await server.request(`/?_type=Patient,Observation&_id=${ids['cy'] ?? ''},${ids['o3'] ?? ''}`);
    expect(matchIds(res.json).sort()).toEqual([ids['cy'], ids['o3']].sort());
  });

  it('includes referenced resources with search.mode include', async () => {
    const res = await server.request(`/Observation?_id=${ids['o3'] ?? ''}&_include=Observation:subject`);
    const included = (res.json['entry'] as Entry[]).filter((e) => e.search?.mode === 'include').map((e) => e.resource?.id);
    expect(included).toEqual([ids['bob']]);
  });

  it('answers an unknown parameter with 400 naming it under Prefer: handling=strict', async () => {
    const res = await server.request('/Patient?nonsense=1', { headers: { prefer: 'handling=strict' } });
    expect([res.status, issueOf(res.json).expression]).toEqual([400, ['nonsense']]);
  });

  it('ignores an unknown parameter by default and says so in an outcome entry', async () => {
    const res = await server.request('/Patient?nonsense=1&family=other');
    const outcome = (res.json['entry'] as Entry[]).find((e) => e.search?.mode === 'outcome');
    expect([res.status, matchIds(res.json), outcome?.resource?.resourceType]).toEqual([200, [ids['cy']], 'OperationOutcome']);
  });

  it('serves a real FHIR client searching and paging', async () => {
    const client = new Client({ baseUrl: server.base });
    const page = (await client.search({ resourceType: 'Observation', searchParams: { code: 'http://loinc.org|1234-5', _count: '1' } })) as Record<string, unknown>;
    const next = (await client.nextPage({ bundle: page as never })) as Record<string, unknown>;
    expect([matchIds(page), matchIds(next)]).toEqual([[ids['o1']], [ids['o3']]]);
  });
});

describe('terminology modifiers over HTTP (search.html#token; issue 14)', () => {
  it(':in a ValueSet POSTed to this server, :not-in it, and :below in R4 status hierarchy', async () => {
    const vs = await server.request('/ValueSet', {
      method: 'POST',
      body: { resourceType: 'ValueSet', status: 'active', url: 'http://example.org/fhir/ValueSet/glucose-codes', compose: { include: [{ system: 'http://loinc.org', concept: [{ code: '1234-5' }] }] } },
    });
    expect(vs.status).toBe(201);
    const inSet = await server.request('/Observation?code:in=http://example.org/fhir/ValueSet/glucose-codes');
    expect(inSet.status).toBe(200);
    expect(matchIds(inSet.json).sort()).toEqual([ids['o1'], ids['o3']].sort());
    const notInSet = await server.request('/Observation?code:not-in=http://example.org/fhir/ValueSet/glucose-codes');
    expect(matchIds(notInSet.json)).toEqual([ids['o2']]);
    const unknown = await server.request('/Observation?code:in=http://example.org/fhir/ValueSet/nothing-here');
    expect(unknown.status).toBe(400);
    expect(issueOf(unknown.json).expression).toEqual(['code:in']);
  });
});
