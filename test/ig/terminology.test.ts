import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../http/local-server';
import { writeTgz } from './support/pack';
import { usCorePackage } from './support/us-core';

type Param = { name: string; valueString?: string; valueBoolean?: boolean; valueCode?: string; part?: Param[] };
const param = (json: Record<string, unknown>, name: string): Param | undefined => (json['parameter'] as Param[] | undefined)?.find((p) => p.name === name);
const contains = (json: Record<string, unknown>): { code: string; display?: string }[] => ((json['expansion'] as { contains?: { code: string; display?: string }[] }).contains ?? []);

// A small hierarchy written both ways: nesting (animal > mammal > dog) and subsumedBy (cat under mammal).
const animals = {
  resourceType: 'CodeSystem', id: 'animals', url: 'http://example.org/cs/animals', name: 'Animals', status: 'active', content: 'complete',
  property: [{ code: 'subsumedBy', type: 'code' }],
  concept: [
    { code: 'animal', display: 'Animal', concept: [{ code: 'mammal', display: 'Mammal', concept: [{ code: 'dog', display: 'Dog' }] }, { code: 'bird', display: 'Bird' }] },
    { code: 'cat', display: 'Cat', property: [{ code: 'subsumedBy', valueCode: 'mammal' }] },
  ],
};
const mammals = { resourceType: 'ValueSet', id: 'mammals', url: 'http://example.org/vs/mammals', status: 'active', compose: { include: [{ system: 'http://example.org/cs/animals', filter: [{ property: 'concept', op: 'is-a', value: 'mammal' }] }] } };

const dir = mkdtempSync(join(tmpdir(), 'ig-terminology-'));
let server: TestServer;
beforeAll(async () => {
  const animalsPackage = writeTgz(dir, 'animals', { manifest: { name: 'example.animals', version: '1.0.0', dependencies: { 'hl7.fhir.r4.core': '4.0.1' } }, files: { 'CodeSystem-animals.json': animals, 'ValueSet-mammals.json': mammals } });
  server = await startTestServer({ FHIR_IG_PACKAGES: `${writeTgz(dir, 'us-core', usCorePackage())},${animalsPackage}` });
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('CodeSystem/$lookup', () => {
  it('finds an R4 code with its display', async () => {
    const { status, json } = await server.request('/CodeSystem/$lookup?system=http://hl7.org/fhir/administrative-gender&code=female');
    expect(status).toBe(200);
    expect(param(json, 'display')?.valueString).toBe('Female');
  });

  it('reports parents from nesting and from subsumedBy', async () => {
    const { json } = await server.request('/CodeSystem/$lookup', { method: 'POST', body: { resourceType: 'Parameters', parameter: [{ name: 'coding', valueCoding: { system: 'http://example.org/cs/animals', code: 'mammal' } }] } });
    const properties = (json['parameter'] as Param[]).filter((p) => p.name === 'property').map((p) => `${p.part?.[0]?.valueCode ?? ''}:${p.part?.[1]?.valueCode ?? ''}`);
    expect(properties.sort()).toEqual(['child:cat', 'child:dog', 'parent:animal']);
  });

  it('an unknown code is 404 naming it', async () => {
    const { status, json } = await server.request('/CodeSystem/$lookup?system=http://hl7.org/fhir/administrative-gender&code=nope');
    expect(status).toBe(404);
    expect((json['issue'] as { expression: string[] }[])[0]?.expression).toEqual(['code']);
  });

  it('LOINC is not available: a clear OperationOutcome, never a wrong answer', async () => {
    const { status, json } = await server.request('/CodeSystem/$lookup?system=http://loinc.org&code=8480-6');
    expect(status).toBe(501);
    expect((json['issue'] as { code: string; diagnostics: string }[])[0]).toEqual(expect.objectContaining({ code: 'not-supported', diagnostics: expect.stringMatching(/LOINC .* is not available on this server/) }));
  });
});

describe('ValueSet/$expand', () => {
  it('expands an R4 value set with filter, count and offset', async () => {
    const all = await server.request('/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender');
    expect(contains(all.json).map((c) => c.code)).toEqual(['male', 'female', 'other', 'unknown']);
    const filtered = await server.request('/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender&filter=MALE');
    expect(contains(filtered.json).map((c) => c.code)).toEqual(['male', 'female']);
    const page = await server.request('/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender&count=2&offset=1');
    expect(contains(page.json).map((c) => c.code)).toEqual(['female', 'other']);
    expect((page.json['expansion'] as { total: number }).total).toBe(4);
  });

  it('expands a package value set with an is-a filter over nesting and subsumedBy', async () => {
    const { json } = await server.request('/ValueSet/$expand?url=http://example.org/vs/mammals');
    expect(contains(json).map((c) => c.code).sort()).toEqual(['cat', 'dog', 'mammal']);
  });

  it('expands a ValueSet stored on the server, by url and by id', async () => {
    const created = await server.request('/ValueSet', { method: 'POST', body: { resourceType: 'ValueSet', url: 'http://example.org/vs/stored', status: 'active', compose: { include: [{ system: 'http://example.org/cs/animals', concept: [{ code: 'bird' }] }] } } });
    expect(created.status).toBe(201);
    const byUrl = await server.request('/ValueSet/$expand?url=http://example.org/vs/stored');
    expect(contains(byUrl.json)).toEqual([{ system: 'http://example.org/cs/animals', code: 'bird', display: 'Bird' }]);
    const byId = await server.request(`/ValueSet/${String(created.json['id'])}/$expand`);
    expect(contains(byId.json).map((c) => c.code)).toEqual(['bird']);
  });

  it('a value set over SNOMED CT is not available', async () => {
    const { status } = await server.request('/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/clinical-findings');
    expect(status).toBe(501);
  });

  it('a bad count is 400 naming it', async () => {
    const { status, json } = await server.request('/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender&count=-1');
    expect(status).toBe(400);
    expect((json['issue'] as { expression: string[] }[])[0]?.expression).toEqual(['count']);
  });
});

describe('$validate-code and $subsumes', () => {
  it('ValueSet/$validate-code answers true and false', async () => {
    const yes = await server.request('/ValueSet/$validate-code?url=http://hl7.org/fhir/us/core/ValueSet/birthsex&system=http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender&code=F');
    expect(param(yes.json, 'result')?.valueBoolean).toBe(true);
    const no = await server.request('/ValueSet/$validate-code?url=http://hl7.org/fhir/us/core/ValueSet/birthsex&system=http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender&code=X');
    expect(param(no.json, 'result')?.valueBoolean).toBe(false);
    expect(param(no.json, 'message')?.valueString).toMatch(/not in the value set/);
  });

  it('CodeSystem/$validate-code checks a code of an R4 code system', async () => {
    const { json } = await server.request('/CodeSystem/$validate-code?url=http://hl7.org/fhir/administrative-gender&code=other');
    expect(param(json, 'result')?.valueBoolean).toBe(true);
  });

  it('a SNOMED CT code is not available, not false', async () => {
    const { status } = await server.request('/ValueSet/$validate-code?url=http://hl7.org/fhir/ValueSet/clinical-findings&system=http://snomed.info/sct&code=22298006');
    expect(status).toBe(501);
  });

  it('$subsumes follows nesting and subsumedBy', async () => {
    const outcome = async (a: string, b: string): Promise<string | undefined> => param((await server.request(`/CodeSystem/$subsumes?system=http://example.org/cs/animals&codeA=${a}&codeB=${b}`)).json, 'outcome')?.valueCode;
    expect(await outcome('animal', 'dog')).toBe('subsumes');
    expect(await outcome('cat', 'mammal')).toBe('subsumed-by');
    expect(await outcome('bird', 'cat')).toBe('not-subsumed');
    expect(await outcome('dog', 'dog')).toBe('equivalent');
  });
});
