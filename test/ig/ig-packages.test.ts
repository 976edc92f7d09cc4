import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIgPackage } from '../../adapters/ig/read-ig-package';
import { createRegistry } from '../../core/registry/registry';
import { startTestServer, type TestServer } from '../http/local-server';
import { writeFolder, writeTgz } from './support/pack';
import { US_CORE_PATIENT, usCorePackage, usCoreStructureDefinitions } from './support/us-core';

const dir = mkdtempSync(join(tmpdir(), 'ig-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('IG packages', () => {
  it('a .tgz and a folder of the same package read the same', () => {
    const tgz = readIgPackage(writeTgz(dir, 'us-core', usCorePackage()));
    const folder = readIgPackage(writeFolder(dir, 'us-core-folder', usCorePackage()));
    expect(tgz.manifest).toEqual(expect.objectContaining({ name: 'hl7.fhir.us.core', version: '5.0.1' }));
    expect(tgz.resources.map((r) => r.resourceType).sort()).toEqual(folder.resources.map((r) => r.resourceType).sort());
    // 8 StructureDefinitions, 7 SearchParameters, 1 ValueSet; the example Patient is not a definition.
    expect(tgz.resources).toHaveLength(16);
  });

  it('file names longer than 100 bytes (pax headers) are read', () => {
    const long = `StructureDefinition-${'x'.repeat(120)}.json`;
    const path = writeTgz(dir, 'long-names', { manifest: { name: 'example.long', version: '1.0.0' }, files: { [long]: { resourceType: 'ValueSet', url: 'http://example.org/vs/long', status: 'active' } } });
    expect(createRegistry([readIgPackage(path)]).valueSet('http://example.org/vs/long')).toBeDefined();
  });

  it('a file that is not a package is a clear error', () => {
    const path = writeTgz(dir, 'no-manifest', { manifest: {}, files: {} });
    expect(() => readIgPackage(path)).toThrow(/package\/package\.json needs a name and a version/);
    expect(() => readIgPackage(join(dir, 'nowhere.tgz'))).toThrow(/no such file or folder/);
  });

  it('a US Core-size package (64 profiles, 3.6 MB of definitions) loads in under 2 s', () => {
    const base = usCorePackage();
    const files: Record<string, unknown> = { ...base.files };
    const sds = usCoreStructureDefinitions();
    for (let copy = 0; copy < 7; copy += 1) {
      for (const sd of sds) files[`StructureDefinition-${String(sd['id'])}-${copy}.json`] = { ...sd, id: `${String(sd['id'])}-${copy}`, url: `${String(sd['url'])}-${copy}` };
    }
    const path = writeTgz(dir, 'us-core-size', { manifest: base.manifest, files });
    const started = performance.now();
    const registry = createRegistry([readIgPackage(path)]);
    const ms = performance.now() - started;
    expect(registry.profiles).toHaveLength(64);
    expect(ms).toBeLessThan(2000);
  });
});

describe('the server with US Core loaded', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FHIR_IG_PACKAGES: writeTgz(dir, 'us-core-server', usCorePackage()) });
  });
  afterAll(() => server.stop());

  it('the CapabilityStatement lists the guide, its profiles and its search parameters', async () => {
    const { json } = await server.request('/metadata');
    expect(json['implementationGuide']).toEqual(['http://hl7.org/fhir/us/core/ImplementationGuide/hl7.fhir.us.core']);
    const rest = (json['rest'] as { resource: { type: string; supportedProfile?: string[]; searchParam: { name: string; definition?: string }[] }[] }[])[0];
    const patient = rest?.resource.find((r) => r.type === 'Patient');
    expect(patient?.supportedProfile).toEqual([US_CORE_PATIENT]);
    expect(patient?.searchParam).toContainEqual({ name: 'race', type: 'token', definition: 'http://hl7.org/fhir/us/core/SearchParameter/us-core-race' });
  });

  it('a US Core search parameter is extracted and searchable', async () => {
    const race = (code: string): unknown => ({ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race', extension: [{ url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code } }, { url: 'text', valueString: code }] });
    await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Asian' }], extension: [race('2028-9')] } });
    await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'White' }], extension: [race('2106-3')] } });
    const { status, json } = await server.request('/Patient?race=2028-9', { headers: { prefer: 'handling=strict' } });
    expect(status).toBe(200);
    const names = ((json['entry'] ?? []) as { resource: { name: { family: string }[] } }[]).map((e) => e.resource.name[0]?.family);
    expect(names).toEqual(['Asian']);
  });

  it('an IG parameter sorts and chains like an R4 one', async () => {
    await server.request('/Patient/p1', { method: 'PUT', body: { resourceType: 'Patient', id: 'p1', extension: [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race', extension: [{ url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2054-5' } }, { url: 'text', valueString: 'Black' }] }] } });
    await server.request('/Condition', { method: 'POST', body: { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/condition-assertedDate', valueDateTime: '2020-01-01' }] } });
    await server.request('/Condition', { method: 'POST', body: { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/condition-assertedDate', valueDateTime: '2021-01-01' }] } });
    const sorted = await server.request('/Condition?asserted-date=ge2019&_sort=-asserted-date', { headers: { prefer: 'handling=strict' } });
    expect(sorted.status).toBe(200);
    const dates = ((sorted.json['entry'] ?? []) as { resource: { extension: { valueDateTime: string }[] } }[]).map((e) => e.resource.extension[0]?.valueDateTime);
    expect(dates).toEqual(['2021-01-01', '2020-01-01']);
    const chained = await server.request('/Condition?subject:Patient.race=2054-5&_summary=count', { headers: { prefer: 'handling=strict' } });
    expect(chained.json['total']).toBe(2);
    const none = await server.request('/Condition?subject:Patient.race=2028-9&_summary=count', { headers: { prefer: 'handling=strict' } });
    expect(none.json['total']).toBe(0);
  });
});

describe('start-up with a bad package list', () => {
  it('a missing dependency stops the server with an error naming it', async () => {
    const path = writeTgz(dir, 'needs-extensions', { manifest: { name: 'example.needs', version: '1.0.0', dependencies: { 'hl7.fhir.uv.extensions': '1.0.0' } }, files: {} });
    await expect(startTestServer({ FHIR_IG_PACKAGES: path })).rejects.toThrow(/depends on hl7\.fhir\.uv\.extensions#1\.0\.0, which is not among the packages in FHIR_IG_PACKAGES/);
  });
});
