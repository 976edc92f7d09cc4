import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, Resource } from '../core/fhir-types';
import { assertValidResource } from '../core/validation/validate-resource';
import { generateData } from './generate-data';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'generate-data-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const readNdjson = (folder: string): Resource[] =>
  readdirSync(folder).flatMap((f) => readFileSync(join(folder, f), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Resource));

describe('generate-data', () => {
  it('writes the same NDJSON for the same seed, and different data for another seed', async () => {
    await generateData({ patients: 5, out: join(dir, 'a'), format: 'ndjson', seed: 7 });
    await generateData({ patients: 5, out: join(dir, 'b'), format: 'ndjson', seed: 7 });
    await generateData({ patients: 5, out: join(dir, 'c'), format: 'ndjson', seed: 8 });
    expect(readFileSync(join(dir, 'a', 'Observation.ndjson'), 'utf8')).toBe(readFileSync(join(dir, 'b', 'Observation.ndjson'), 'utf8'));
    expect(readFileSync(join(dir, 'a', 'Patient.ndjson'), 'utf8')).not.toBe(readFileSync(join(dir, 'c', 'Patient.ndjson'), 'utf8'));
  });

  it('writes valid R4 resources whose references all resolve inside the data set', async () => {
    const counts = await generateData({ patients: 20, out: dir, format: 'ndjson', seed: 1 });
    const resources = readNdjson(dir);
    expect(counts['Patient']).toBe(20);
    expect(resources.length).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
    expect(new Set(resources.map((r) => r.resourceType))).toEqual(new Set(['Organization', 'Practitioner', 'Patient', 'Encounter', 'Observation', 'Condition', 'MedicationRequest', 'AllergyIntolerance', 'Immunization']));
    const keys = new Set(resources.map((r) => `${r.resourceType}/${r.id ?? ''}`));
    for (const resource of resources) {
      expect(() => assertValidResource(resource)).not.toThrow();
      for (const [, ref] of JSON.stringify(resource).matchAll(/"reference":"([^"]+)"/g)) expect(keys.has(ref ?? '')).toBe(true);
    }
  });

  it('writes Synthea-style transaction Bundles with urn:uuid and conditional references', async () => {
    await generateData({ patients: 3, out: dir, format: 'bundle', seed: 1 });
    expect(readdirSync(dir).sort()).toEqual(['hospitalInformation.json', 'patient-000001.json', 'patient-000002.json', 'patient-000003.json']);
    const bundle = JSON.parse(readFileSync(join(dir, 'patient-000001.json'), 'utf8')) as Bundle;
    expect(bundle.type).toBe('transaction');
    const text = JSON.stringify(bundle);
    expect(text).toMatch(/"reference":"urn:uuid:/);
    expect(text).toMatch(/"reference":"Organization\?identifier=/);
    const fullUrls = new Set(bundle.entry?.map((e) => e.fullUrl));
    for (const [, ref] of text.matchAll(/"reference":"(urn:uuid:[^"]+)"/g)) expect(fullUrls.has(ref)).toBe(true);
  });
});
