import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../http/local-server';
import { writeTgz } from './support/pack';
import { US_CORE_PATIENT, usCorePackage } from './support/us-core';
import { patient, US_CORE_CORPUS } from './support/us-core-corpus';

type Issue = { severity: string; code: string; diagnostics?: string; expression?: string[] };
const issuesOf = (json: Record<string, unknown>): Issue[] => (json['issue'] ?? []) as Issue[];
const errors = (json: Record<string, unknown>): Issue[] => issuesOf(json).filter((i) => i.severity === 'error');

const dir = mkdtempSync(join(tmpdir(), 'ig-profiles-'));
const usCore = writeTgz(dir, 'us-core', usCorePackage());
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ FHIR_IG_PACKAGES: usCore });
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('US Core corpus: $validate verdicts match the expected ones', () => {
  it.each(US_CORE_CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { status, json } = await server.request(`/${String(c.resource['resourceType'])}/$validate`, { method: 'POST', body: c.resource });
    expect(status).toBe(200);
    if (c.invalidAt === undefined) expect(errors(json)).toEqual([]);
    else expect(errors(json).flatMap((i) => i.expression ?? [])).toContain(c.invalidAt);
  });
});

describe('profile validation on writes', () => {
  it('a create claiming US Core Patient that breaks it is 400 with every issue located', async () => {
    const { status, json } = await server.request('/Patient', { method: 'POST', body: { ...patient(), identifier: undefined, gender: undefined } });
    expect(status).toBe(400);
    expect(json['resourceType']).toBe('OperationOutcome');
    expect(errors(json).flatMap((i) => i.expression ?? [])).toEqual(expect.arrayContaining(['Patient.identifier', 'Patient.gender']));
  });

  it('a create meeting the profile it claims is 201', async () => {
    const { status } = await server.request('/Patient', { method: 'POST', body: patient() });
    expect(status).toBe(201);
  });

  it('an unknown profile is rejected with a clear OperationOutcome', async () => {
    const { status, json } = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', meta: { profile: ['http://example.org/StructureDefinition/nope'] } } });
    expect(status).toBe(400);
    expect(errors(json)[0]).toEqual(expect.objectContaining({ code: 'not-supported', expression: ['Patient.meta.profile[0]'] }));
    expect(errors(json)[0]?.diagnostics).toMatch(/http:\/\/example\.org\/StructureDefinition\/nope is not known/);
  });

  it('a profile of another type is rejected', async () => {
    const { status, json } = await server.request('/Observation', { method: 'POST', body: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, meta: { profile: [US_CORE_PATIENT] } } });
    expect(status).toBe(400);
    expect(errors(json)[0]?.diagnostics).toMatch(/constrains Patient, not Observation/);
  });

  it('$validate with the profile parameter checks a resource that does not claim it', async () => {
    const plain = { resourceType: 'Patient', name: [{ family: 'Plain' }] };
    const ok = await server.request('/Patient/$validate', { method: 'POST', body: plain });
    expect(errors(ok.json)).toEqual([]);
    const viaParameters = await server.request('/Patient/$validate', { method: 'POST', body: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: plain }, { name: 'profile', valueUri: US_CORE_PATIENT }] } });
    expect(errors(viaParameters.json).flatMap((i) => i.expression ?? [])).toEqual(expect.arrayContaining(['Patient.identifier', 'Patient.gender']));
    const viaQuery = await server.request(`/Patient/$validate?profile=${encodeURIComponent(US_CORE_PATIENT)}`, { method: 'POST', body: plain });
    expect(errors(viaQuery.json).flatMap((i) => i.expression ?? [])).toContain('Patient.identifier');
  });
});

describe('profile policy settings', () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startTestServer({ FHIR_IG_PACKAGES: usCore, FHIR_REQUIRED_PROFILES: `Patient=${US_CORE_PATIENT}`, FHIR_UNKNOWN_PROFILE: 'warn', FHIR_UNKNOWN_EXTENSIONS: 'refuse' });
  });
  afterAll(() => strict.stop());

  it('FHIR_REQUIRED_PROFILES holds every Patient to US Core, claimed or not', async () => {
    const { status, json } = await strict.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Plain' }] } });
    expect(status).toBe(400);
    expect(errors(json).flatMap((i) => i.expression ?? [])).toContain('Patient.identifier');
  });

  it('FHIR_UNKNOWN_PROFILE=warn accepts an unknown profile and $validate warns about it', async () => {
    const body = patient({ meta: { profile: ['http://example.org/StructureDefinition/nope'] } });
    expect((await strict.request('/Patient', { method: 'POST', body })).status).toBe(201);
    const { json } = await strict.request('/Patient/$validate', { method: 'POST', body });
    // The R4 invariants add their own warnings (dom-6: no narrative) beside the profile's (issue 9, defect 2).
    expect(issuesOf(json).filter((i) => i.severity === 'error')).toEqual([]);
    expect(issuesOf(json).filter((i) => i.expression?.includes('Patient.meta.profile[0]'))).toEqual([expect.objectContaining({ severity: 'warning', expression: ['Patient.meta.profile[0]'] })]);
  });

  it('FHIR_UNKNOWN_EXTENSIONS=refuse rejects an undefined extension, naming it', async () => {
    const { status, json } = await strict.request('/Patient', { method: 'POST', body: patient({ extension: [{ url: 'http://example.org/ext/unknown', valueString: 'x' }] }) });
    expect(status).toBe(400);
    expect(errors(json)[0]?.expression).toEqual(['Patient.extension[0].url']);
  });

  it('an extension defined by R4 itself is not refused', async () => {
    const { status } = await strict.request('/Patient', { method: 'POST', body: patient({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueAddress: { city: 'Paris' } }] }) });
    expect(status).toBe(201);
  });
});
