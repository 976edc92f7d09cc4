import { FhirError } from '../errors/fhir-error';
import type { Condition } from './ast';
import { parseSearch, type ParseOptions } from './parse-query';

const strict: ParseOptions = { strict: true, defaultCount: 20, maxCount: 100, now: Date.UTC(2024, 0, 1) };
const lenient: ParseOptions = { ...strict, strict: false };
const q = (query: string): [string, string][] => [...new URLSearchParams(query)];
const first = (types: string[], query: string): Condition | undefined => parseSearch(types, q(query), strict).query.conditions[0];

describe('parseSearch', () => {
  it('parses a token with system and code', () => {
    expect(first(['Observation'], 'code=http://loinc.org|1234-5')).toEqual({ kind: 'param', param: 'code', type: 'token', values: [{ kind: 'token', system: 'http://loinc.org', code: '1234-5' }] });
  });

  it('treats commas as OR and unescapes \\, in values', () => {
    const c = first(['Patient'], 'family=a\\,b,c');
    expect(c?.kind === 'param' && c.values).toEqual([{ kind: 'string', value: 'a,b' }, { kind: 'string', value: 'c' }]);
  });

  it('keeps repeated parameters as separate ANDed conditions', () => {
    expect(parseSearch(['Patient'], q('birthdate=ge2000&birthdate=lt2010'), strict).query.conditions).toHaveLength(2);
  });

  it('gives a date its precision range and prefix', () => {
    const c = first(['Patient'], 'birthdate=lt2000-02');
    expect(c?.kind === 'param' && c.values[0]).toEqual({ kind: 'date', prefix: 'lt', low: Date.UTC(2000, 1, 1), high: Date.UTC(2000, 2, 1) - 1 });
  });

  it('gives a number the implicit range of its precision', () => {
    const c = first(['RiskAssessment'], 'probability=0.5');
    expect(c?.kind === 'param' && c.values[0]).toEqual({ kind: 'number', prefix: 'eq', low: 0.45, high: 0.55 });
  });

  it('parses quantity prefix, value, system and code', () => {
    const c = first(['Observation'], 'value-quantity=gt5.4|urn:units|mg');
    expect(c?.kind === 'param' && c.values[0]).toEqual({ kind: 'quantity', prefix: 'gt', low: 5.4, high: 5.4, system: 'urn:units', code: 'mg' });
  });

  it('converts UCUM quantities to canonical units', () => {
    const c = first(['Observation'], 'value-quantity=gt5|http://unitsofmeasure.org|kg');
    expect(c?.kind === 'param' && [c.canonical, c.values[0]]).toEqual([true, { kind: 'quantity', prefix: 'gt', low: 5000, high: 5000, system: 'http://unitsofmeasure.org', code: 'g' }]);
  });

  it('turns a reference type modifier into the value type', () => {
    const c = first(['Observation'], 'subject:Patient=123');
    expect(c).toEqual({ kind: 'param', param: 'subject', type: 'reference', modifier: 'type', values: [{ kind: 'reference', targetType: 'Patient', id: '123' }] });
  });

  it('parses chains of several levels with the targets that have the parameter', () => {
    const c = first(['Observation'], 'patient.organization.name=acme');
    expect(c).toEqual({
      kind: 'chain', param: 'patient',
      targets: [{ resourceType: 'Patient', condition: { kind: 'chain', param: 'organization', targets: [{ resourceType: 'Organization', condition: { kind: 'param', param: 'name', type: 'string', values: [{ kind: 'string', value: 'acme' }] } }] } }],
    });
  });

  it('parses nested _has', () => {
    const c = first(['Patient'], '_has:Encounter:patient:_has:Observation:encounter:code=x');
    expect(c?.kind === 'has' && c.condition.kind === 'has' && [c.resourceType, c.param, c.condition.resourceType, c.condition.param]).toEqual(['Encounter', 'patient', 'Observation', 'encounter']);
  });

  it('parses composite values separated by $', () => {
    const c = first(['Observation'], 'code-value-quantity=http://loinc.org|1$gt5');
    expect(c?.kind === 'param' && c.values[0]).toEqual({
      kind: 'composite', components: [{ kind: 'token', system: 'http://loinc.org', code: '1' }, { kind: 'quantity', prefix: 'gt', low: 5, high: 5 }],
    });
  });

  it('reads _sort, _count (capped), _total and includes', () => {
    const { query } = parseSearch(['Observation'], q('_sort=-date,code&_count=500&_total=accurate&_include=Observation:subject:Patient&_revinclude:iterate=Provenance:target'), strict);
    expect([query.sort, query.count, query.total, query.include, query.revinclude]).toEqual([
      [{ param: 'date', type: 'date', descending: true }, { param: 'code', type: 'token', descending: false }], 100, 'accurate',
      [{ sourceType: 'Observation', param: 'subject', targetType: 'Patient', iterate: false }], [{ sourceType: 'Provenance', param: 'target', iterate: true }],
    ]);
  });

  it('names an unknown parameter in a strict error', () => {
    const error = (() => { try { parseSearch(['Patient'], q('nope=1'), strict); return undefined; } catch (e) { return e; } })();
    expect(error instanceof FhirError && [error.code, error.status, error.expression]).toEqual(['UNKNOWN_SEARCH_PARAMETER', 400, ['nope']]);
  });

  it('ignores and reports an unknown or malformed parameter when lenient', () => {
    const parsed = parseSearch(['Patient'], q('nope=1&birthdate=soon&gender=male'), lenient);
    expect([parsed.ignored.map((i) => i.name), parsed.applied, parsed.query.conditions.length]).toEqual([['nope', 'birthdate'], [['gender', 'male']], 1]);
  });

  it('only accepts parameters common to every type of a system search', () => {
    expect(() => parseSearch(['Patient', 'Observation'], q('gender=male'), strict)).toThrow(FhirError);
    expect(parseSearch([], q('_id=1'), strict).query.conditions).toHaveLength(1);
  });

  it('bounds the size of a search', () => {
    const many = Array.from({ length: 101 }, (_v, i) => `v${i}`).join(',');
    expect(() => parseSearch(['Patient'], q(`family=${many}`), strict)).toThrow(FhirError);
  });
});
