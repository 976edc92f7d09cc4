import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIgPackage } from '../../adapters/ig/read-ig-package';
import { inspectPackage } from '../../core/registry/inspect-package';
import { profileGaps } from '../../core/validation/profiles/profile-gaps';
import { writeTgz } from './support/pack';
import { usCorePackage } from './support/us-core';

const dir = mkdtempSync(join(tmpdir(), 'ig-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run ig -- inspect', () => {
  it('lists what US Core adds and the required bindings it cannot check', () => {
    const lines = inspectPackage(readIgPackage(writeTgz(dir, 'us-core', usCorePackage())), [], profileGaps);
    expect(lines.filter((l) => l.section === 'profiles')).toHaveLength(4);
    expect(lines.filter((l) => l.section === 'search parameters').every((l) => l.gaps.length === 0)).toBe(true);
    const race = lines.find((l) => l.url.endsWith('us-core-race'));
    expect(race?.gaps).toContainEqual(expect.stringMatching(/omb-race-category, which no loaded package lets the server expand/));
    expect(lines.find((l) => l.url.endsWith('us-core-birthsex'))?.gaps).toEqual([]);
  });

  it('says what it cannot enforce: no snapshot, special and broken search parameters, external code systems', () => {
    const path = writeTgz(dir, 'gaps', { manifest: { name: 'example.gaps', version: '1.0.0' }, files: {
      'sd.json': { resourceType: 'StructureDefinition', url: 'http://example.org/sd/diff-only', name: 'DiffOnly', type: 'Patient', kind: 'resource', differential: { element: [{ id: 'Patient', path: 'Patient' }] } },
      'sp1.json': { resourceType: 'SearchParameter', url: 'http://example.org/sp/near', code: 'where', type: 'special', base: ['Location'], expression: 'Location.position' },
      'sp2.json': { resourceType: 'SearchParameter', url: 'http://example.org/sp/broken', code: 'broken', type: 'token', base: ['Patient'], expression: 'Patient.name.where(' },
      'vs.json': { resourceType: 'ValueSet', url: 'http://example.org/vs/snomed', status: 'active', compose: { include: [{ system: 'http://snomed.info/sct', filter: [{ property: 'concept', op: 'is-a', value: '404684003' }] }] } },
    } });
    const lines = inspectPackage(readIgPackage(path), [], profileGaps);
    const gaps = (url: string): readonly string[] => lines.find((l) => l.url === url)?.gaps ?? [];
    expect(gaps('http://example.org/sd/diff-only')).toEqual([expect.stringMatching(/no snapshot/)]);
    expect(gaps('http://example.org/sp/near')).toEqual([expect.stringMatching(/special parameters/)]);
    expect(gaps('http://example.org/sp/broken')).toEqual([expect.stringMatching(/does not compile/)]);
    expect(gaps('http://example.org/vs/snomed')).toEqual(expect.arrayContaining([expect.stringMatching(/http:\/\/snomed\.info\/sct, which is not bundled/)]));
  });

  it('the command prints the report and fails clearly on a missing package', () => {
    const path = writeTgz(dir, 'us-core-cli', usCorePackage());
    const out = execFileSync('npx', ['tsx', 'tools/ig.ts', 'inspect', path], { encoding: 'utf8' });
    expect(out).toMatch(/^hl7\.fhir\.us\.core#5\.0\.1/);
    expect(out).toMatch(/search parameters: 7 \(7 fully enforced\)/);
    expect(() => execFileSync('npx', ['tsx', 'tools/ig.ts', 'inspect', join(dir, 'missing.tgz')], { encoding: 'utf8', stdio: 'pipe' })).toThrow(/no such file or folder/);
  });
});
