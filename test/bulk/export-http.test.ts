// $export over real HTTP against the real local server (Bulk Data Access IG v2.0.0,
// https://hl7.org/fhir/uv/bulkdata/export.html): kick-off, polling, manifest, files, cancel,
// parameters, Patient and Group level, snapshot consistency.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../http/local-server';
import { download, idsOf, kickOff, poll, runExport } from './export-client';

let server: TestServer;

const patient = (id: string): Record<string, unknown> => ({ resourceType: 'Patient', id, name: [{ family: `F-${id}` }] });
const observation = (id: string, subject: string, code: string): Record<string, unknown> => ({
  resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'http://loinc.org', code }] }, subject: { reference: `Patient/${subject}` },
});

async function put(resource: Record<string, unknown>): Promise<void> {
  const res = await server.request(`/${String(resource['resourceType'])}/${String(resource['id'])}`, { method: 'PUT', body: resource });
  if (res.status >= 300) throw new Error(`PUT answered ${res.status}: ${res.text}`);
}

beforeAll(async () => {
  server = await startTestServer({ FHIR_EXPORT_MAX_RESOURCES_PER_FILE: '2' }, { inMemory: false });
  for (const id of ['p1', 'p2', 'p3']) await put(patient(id));
  await put(observation('o1', 'p1', '8867-4'));
  await put(observation('o2', 'p1', '8310-5'));
  await put(observation('o3', 'p2', '8867-4'));
  await put(observation('o4', 'p3', '8867-4'));
  await put({ resourceType: 'Medication', id: 'm1', code: { text: 'aspirin' } });
  await put({ resourceType: 'Group', id: 'g1', type: 'person', actual: true, member: [{ entity: { reference: 'Patient/p1' } }, { entity: { reference: 'Patient/p3' }, inactive: true }, { entity: { reference: 'Patient/p2' } }] });
});
afterAll(async () => {
  await server.stop();
});

describe('$export kick-off', () => {
  it('needs Prefer: respond-async (400 without it)', async () => {
    const res = await kickOff(server, '/$export', { prefer: 'return=minimal' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('respond-async');
  });

  it('refuses an unknown parameter with 400 pointing at it, and ignores it with handling=lenient', async () => {
    const strict = await kickOff(server, '/$export?_type=Patient&_elements=id');
    expect(strict.status).toBe(400);
    expect((strict.json['issue'] as { expression: string[] }[])[0]?.expression).toEqual(['_elements']);
    const lenient = await kickOff(server, '/$export?_type=Patient&_elements=id', { prefer: 'respond-async, handling=lenient' });
    expect(lenient.status).toBe(202);
    expect(JSON.stringify(lenient.json)).toContain('Ignored parameter _elements');
    await poll(lenient.location ?? '');
  });

  it('refuses an unsupported _outputFormat, an unknown _type and a bad _since with 400', async () => {
    for (const [query, expression] of [['_outputFormat=text/csv', '_outputFormat'], ['_type=Nope', '_type'], ['_since=yesterday', '_since'], ['_typeFilter=Observation?nope=1', '_typeFilter']] as const) {
      const res = await kickOff(server, `/$export?${query}`);
      expect(res.status).toBe(400);
      expect((res.json['issue'] as { expression: string[] }[])[0]?.expression).toEqual([expression]);
    }
  });

  it('accepts includeAssociatedData with a warning, in the kick-off and in the manifest error file', async () => {
    const started = await kickOff(server, '/$export?_type=Medication&includeAssociatedData=LatestProvenanceResources');
    expect(started.status).toBe(202);
    expect(JSON.stringify(started.json)).toContain('includeAssociatedData');
    const done = await poll(started.location ?? '');
    const manifest = done.json as { error: { url: string }[] };
    expect(manifest.error).toHaveLength(1);
    const text = await (await fetch(manifest.error[0]?.url ?? '')).text();
    expect(JSON.parse(text.trim()).resourceType).toBe('OperationOutcome');
  });

  it('refuses patient on a GET kick-off and on a system export', async () => {
    expect((await kickOff(server, '/Patient/$export?patient=Patient/p1')).status).toBe(400);
    const post = await kickOff(server, '/$export', { method: 'POST', body: { resourceType: 'Parameters', parameter: [{ name: 'patient', valueReference: { reference: 'Patient/p1' } }] } });
    expect(post.status).toBe(400);
  });

  it('answers 202 with Content-Location, then 202 with X-Progress and Retry-After or 200 with the manifest', async () => {
    const started = await kickOff(server, '/$export?_type=Patient,Observation');
    expect(started.status).toBe(202);
    expect(started.location).toMatch(/\/\$export-status\/[0-9a-f-]+$/);
    const first = await fetch(started.location ?? '');
    if (first.status === 202) {
      expect(first.headers.get('x-progress')).toBeTruthy();
      expect(first.headers.get('retry-after')).toMatch(/^\d+$/);
    } else {
      expect(first.status).toBe(200);
    }
    const done = await poll(started.location ?? '');
    expect(done.status).toBe(200);
    const manifest = done.json as { transactionTime: string; request: string; requiresAccessToken: boolean; output: { type: string; url: string; count: number }[]; error: unknown[] };
    expect(Date.parse(manifest.transactionTime)).not.toBeNaN();
    expect(manifest.request).toBe(`${server.base}/$export?_type=Patient%2CObservation`);
    expect(manifest.requiresAccessToken).toBe(true);
    expect(manifest.error).toEqual([]);
    expect(done.headers.get('expires')).toBeTruthy();
  });
});

describe('$export output', () => {
  it('writes one NDJSON file per type, split at the configured size, served as application/fhir+ndjson', async () => {
    const manifest = await runExport(server, '/$export?_type=Patient,Observation,Medication');
    expect(manifest.output.map((f) => [f.type, f.count])).toEqual([['Patient', 2], ['Patient', 1], ['Observation', 2], ['Observation', 2], ['Medication', 1]]);
    const res = await fetch(manifest.output[0]?.url ?? '');
    expect(res.headers.get('content-type')).toBe('application/fhir+ndjson');
    const byType = await download(manifest);
    expect(idsOf(byType.get('Patient'))).toEqual(['p1', 'p2', 'p3']);
    expect(idsOf(byType.get('Observation'))).toEqual(['o1', 'o2', 'o3', 'o4']);
  });

  it('exports every type the caller may read when _type is absent', async () => {
    const manifest = await runExport(server, '/$export');
    expect([...new Set(manifest.output.map((f) => f.type))].sort()).toEqual(['Group', 'Medication', 'Observation', 'Patient']);
  });

  it('runs _typeFilter with the search engine, OR-ing several filters of a type without repeats', async () => {
    const one = await download(await runExport(server, '/$export?_type=Observation&_typeFilter=' + encodeURIComponent('Observation?code=8867-4&subject=Patient/p1')));
    expect(idsOf(one.get('Observation'))).toEqual(['o1']);
    const two = await download(await runExport(server, `/$export?_type=Observation&_typeFilter=${encodeURIComponent('Observation?code=8867-4')}&_typeFilter=${encodeURIComponent('Observation?subject=Patient/p1')}`));
    expect(idsOf(two.get('Observation'))).toEqual(['o1', 'o2', 'o3', 'o4']);
  });

  it('keeps to _since', async () => {
    const cut = new Date(Date.now() + 5).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await put({ ...observation('o5', 'p2', '8867-4') });
    const byType = await download(await runExport(server, `/$export?_type=Observation,Patient&_since=${encodeURIComponent(cut)}`));
    expect(idsOf(byType.get('Observation'))).toEqual(['o5']);
    expect(byType.get('Patient')).toBeUndefined();
  });

  it('is a snapshot at transactionTime: later writes are not in it, deleted resources never', async () => {
    await put(patient('gone'));
    expect((await server.request('/Patient/gone', { method: 'DELETE' })).status).toBeLessThan(300);
    const started = await kickOff(server, '/$export?_type=Patient');
    await put({ ...patient('p1'), name: [{ family: 'changed-after' }] });
    await put(patient('late'));
    const done = await poll(started.location ?? '');
    const patients = (await download(done.json as never)).get('Patient') ?? [];
    expect(idsOf(patients)).toEqual(['p1', 'p2', 'p3']);
    expect(JSON.stringify(patients)).not.toContain('changed-after');
    expect(JSON.stringify(patients)).toContain('F-p1');
  });

  it('exports the Patient compartment at Patient level, and of the active members at Group level', async () => {
    const all = await download(await runExport(server, '/Patient/$export'));
    // Group is in the Patient compartment (Group.member.entity, compartmentdefinition-patient.html).
    expect([...all.keys()].sort()).toEqual(['Group', 'Observation', 'Patient']);
    expect(idsOf(all.get('Patient'))).toEqual(['late', 'p1', 'p2', 'p3']);
    const group = await download(await runExport(server, '/Group/g1/$export'));
    expect(idsOf(group.get('Patient'))).toEqual(['p1', 'p2']);
    expect(idsOf(group.get('Observation'))).toEqual(['o1', 'o2', 'o3', 'o5']);
    const narrowed = await download(await runExport(server, '/Group/g1/$export', { method: 'POST', body: { resourceType: 'Parameters', parameter: [{ name: 'patient', valueReference: { reference: 'Patient/p2' } }, { name: '_type', valueString: 'Observation' }] } }));
    expect(idsOf(narrowed.get('Observation'))).toEqual(['o3', 'o5']);
  });

  it('answers 404 for a Group that does not exist', async () => {
    expect((await kickOff(server, '/Group/nope/$export')).status).toBe(404);
  });
});

describe('$export cancel and expiry', () => {
  it('DELETE on the status URL cancels with 202 and removes the files; the job is then 404', async () => {
    const manifest = await runExport(server, '/$export?_type=Patient');
    const jobId = /\/\$export-file\/([^/]+)\//.exec(manifest.output[0]?.url ?? '')?.[1] ?? '';
    const dir = join(server.dataDir, 'exports', 'default', jobId);
    expect(readdirSync(dir).length).toBeGreaterThan(0);
    const status = `${server.base}/$export-status/${jobId}`;
    expect((await fetch(status, { method: 'DELETE' })).status).toBe(202);
    expect(existsSync(dir)).toBe(false);
    expect((await fetch(status)).status).toBe(404);
    expect((await fetch(manifest.output[0]?.url ?? '')).status).toBe(404);
  });
});
