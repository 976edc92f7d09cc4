// $export follows the caller's read rights exactly (issue 12, "Authorization"): Cognito groups,
// SMART scopes, tenants; jobs of others are invisible; system export only for the configured groups.
import { startTestServer, type TestServer } from '../http/local-server';
import { download, idsOf, kickOff, poll, runExport, seed } from './export-client';

const resources = [
  { resourceType: 'Patient', id: 'p1' },
  { resourceType: 'Patient', id: 'p2' },
  { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/p1' } },
  { resourceType: 'Observation', id: 'o2', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/p2' } },
  { resourceType: 'Claim', id: 'c1', status: 'active', patient: { reference: 'Patient/p1' } },
  { resourceType: 'Medication', id: 'm1' },
];

describe('$export authorization (Cognito groups, tenants)', () => {
  let server: TestServer;
  const token = (groups: string[], tenant = 't1', subject = 'alice'): string => server.running.app.devIssuer?.mint({ subject, groups, tenant }) ?? '';
  beforeAll(async () => {
    server = await startTestServer({ FHIR_AUTH_MODE: 'cognito', FHIR_MULTI_TENANCY: 'true', FHIR_EXPORT_MAX_JOBS_PER_CALLER: '1', FHIR_EXPORT_MAX_RESOURCES_PER_FILE: '1' }, { inMemory: false });
    await seed(server, resources, 't1');
    await seed(server, [{ resourceType: 'Patient', id: 'other-tenant' }], 't2');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('lets the full-access group run a system export of its own tenant only', async () => {
    const byType = await download(await runExport(server, '/tenant/t1/$export', { token: token(['practitioner']) }), token(['practitioner']));
    expect(idsOf(byType.get('Patient'))).toEqual(['p1', 'p2']);
    expect([...byType.keys()].sort()).toEqual(['Claim', 'Medication', 'Observation', 'Patient']);
  });

  it('refuses a system export to the other groups with 403', async () => {
    expect((await kickOff(server, '/tenant/t1/$export?_type=Claim', { token: token(['non-practitioner']) })).status).toBe(403);
    expect((await kickOff(server, '/tenant/t1/$export', { token: token(['auditor']) })).status).toBe(403);
  });

  it('gives a Patient-level export only the types the group may read', async () => {
    const auditor = token(['auditor'], 't1', 'audrey');
    const byType = await download(await runExport(server, '/tenant/t1/Patient/$export', { token: auditor }), auditor);
    expect([...byType.keys()]).toEqual(['Patient']);
    expect((await kickOff(server, '/tenant/t1/Patient/$export?_type=Observation', { token: auditor })).status).toBe(403);
  });

  it('hides a job from everyone but its owner, and from other tenants', async () => {
    const owner = token(['practitioner'], 't1', 'owner');
    const started = await kickOff(server, '/tenant/t1/$export?_type=Patient', { token: owner });
    const done = await poll(started.location ?? '', owner);
    expect(done.status).toBe(200);
    const fileUrl = (done.json['output'] as { url: string }[])[0]?.url ?? '';
    const someoneElse = token(['practitioner'], 't1', 'mallory');
    expect((await fetch(started.location ?? '', { headers: { authorization: `Bearer ${someoneElse}` } })).status).toBe(404);
    expect((await fetch(fileUrl, { headers: { authorization: `Bearer ${someoneElse}` } })).status).toBe(404);
    expect((await fetch(fileUrl)).status).toBe(401);
    const otherTenantUrl = (started.location ?? '').replace('/tenant/t1/', '/tenant/t2/');
    expect((await fetch(otherTenantUrl, { headers: { authorization: `Bearer ${token(['practitioner'], 't2', 'owner')}` } })).status).toBe(404);
    expect((await fetch(fileUrl, { headers: { authorization: `Bearer ${owner}` } })).status).toBe(200);
  });

  it('answers 429 with Retry-After beyond the running jobs allowed per caller', async () => {
    const busy = token(['practitioner'], 't1', 'busy');
    // Every type, one resource per file: the first job keeps running while the second asks.
    const first = await kickOff(server, '/tenant/t1/$export', { token: busy });
    expect(first.status).toBe(202);
    const second = await kickOff(server, '/tenant/t1/$export', { token: busy });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    await poll(first.location ?? '', busy);
    expect((await kickOff(server, '/tenant/t1/$export?_type=Patient', { token: busy })).status).toBe(202);
  });
});

describe('$export authorization (SMART scopes)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FHIR_AUTH_MODE: 'smart' }, { inMemory: false });
    await seed(server, resources);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('keeps a patient/ scope to its patient compartment', async () => {
    const smart = server.running.app.devIssuer?.mint({ subject: 'app', scopes: ['patient/*.rs', 'launch/patient'], patient: 'p1' }) ?? '';
    const byType = await download(await runExport(server, '/Patient/$export', { token: smart }), smart);
    expect(idsOf(byType.get('Patient'))).toEqual(['p1']);
    expect(idsOf(byType.get('Observation'))).toEqual(['o1']);
    expect(idsOf(byType.get('Claim'))).toEqual(['c1']);
    expect(byType.has('Medication')).toBe(false);
  });

  it('lets a system/ scope run a system export of what it may read', async () => {
    const system = server.running.app.devIssuer?.mint({ subject: 'backend', scopes: ['system/Patient.rs', 'system/Observation.rs'] }) ?? '';
    const byType = await download(await runExport(server, '/$export', { token: system }), system);
    expect([...byType.keys()].sort()).toEqual(['Observation', 'Patient']);
    expect((await kickOff(server, '/$export?_type=Claim', { token: system })).status).toBe(403);
  });
});
