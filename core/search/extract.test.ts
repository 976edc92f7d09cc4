import type { Resource } from '../fhir-types';
import { evaluatorFor, extractIndexEntries } from './extract';
import { SEARCH_PARAMETERS } from '../generated/search-parameters';
import type { IndexEntry } from './index-entry';

const of = (entries: IndexEntry[], param: string): IndexEntry[] => entries.filter((e) => e.param === param);

describe('extractIndexEntries', () => {
  it('replaces resolve() with a test on the reference type', () => {
    const toPatient: Resource = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/1' } };
    const toGroup: Resource = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Group/1' } };
    expect(of(extractIndexEntries(toPatient), 'patient')).toEqual([expect.objectContaining({ targetType: 'Patient', targetId: '1' })]);
    expect(of(extractIndexEntries(toGroup), 'patient')).toEqual([]);
    expect(of(extractIndexEntries(toGroup), 'subject')).toEqual([expect.objectContaining({ targetType: 'Group', targetId: '1' })]);
  });

  it('evaluates `as` over several items without throwing (component values)', () => {
    const obs: Resource = {
      resourceType: 'Observation', status: 'final', code: { text: 'bp' },
      component: [
        { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 120, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
        { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 80, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      ],
    };
    expect(of(extractIndexEntries(obs), 'component-value-quantity').map((e) => (e.type === 'quantity' ? e.value : null))).toEqual([120, 80]);
  });

  it('finds choice-type values through the R4 model', () => {
    const obs: Resource = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, effectivePeriod: { start: '2021-01-01', end: '2021-01-31' } };
    const [date] = of(extractIndexEntries(obs), 'date');
    expect(date).toEqual({ type: 'date', param: 'date', start: Date.UTC(2021, 0, 1), end: Date.UTC(2021, 1, 1) - 1 });
  });

  it('indexes a partial date as the range of its precision', () => {
    const [birthdate] = of(extractIndexEntries({ resourceType: 'Patient', birthDate: '1970-05' }), 'birthdate');
    expect(birthdate).toEqual({ type: 'date', param: 'birthdate', start: Date.UTC(1970, 4, 1), end: Date.UTC(1970, 5, 1) - 1 });
  });

  it('normalizes strings for case- and accent-insensitive search and keeps the exact value', () => {
    const entries = extractIndexEntries({ resourceType: 'Patient', name: [{ family: 'Müller', given: ['Zoë'] }] });
    expect(of(entries, 'family')).toEqual([{ type: 'string', param: 'family', value: 'muller', exact: 'Müller' }]);
    expect(of(entries, 'name').map((e) => (e.type === 'string' ? e.value : ''))).toEqual(['muller', 'zoe']);
  });

  it('indexes every part of an address', () => {
    const entries = extractIndexEntries({ resourceType: 'Patient', address: [{ line: ['1 Main St'], city: 'Springfield', postalCode: '12345' }] });
    expect(of(entries, 'address').map((e) => (e.type === 'string' ? e.exact : ''))).toEqual(['1 Main St', 'Springfield', '12345']);
  });

  it('indexes tokens from CodeableConcept, Identifier (with :of-type), ContactPoint, code and boolean', () => {
    const entries = extractIndexEntries({
      resourceType: 'Patient', active: true, gender: 'female',
      identifier: [{ system: 'urn:mrn', value: 'A1', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } }],
      telecom: [{ system: 'phone', value: '555-1234' }],
      maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M', display: 'Married' }] },
    });
    expect(of(entries, 'active')).toEqual([{ type: 'token', param: 'active', system: null, code: 'true', text: null }]);
    expect(of(entries, 'gender')).toEqual([{ type: 'token', param: 'gender', system: null, code: 'female', text: null }]);
    expect(of(entries, 'identifier')).toEqual([{ type: 'token', param: 'identifier', system: 'urn:mrn', code: 'A1', text: null }]);
    expect(of(entries, 'identifier:of-type')).toEqual([{ type: 'token', param: 'identifier:of-type', system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR|A1', text: null }]);
    expect(of(entries, 'phone')).toEqual([{ type: 'token', param: 'phone', system: 'phone', code: '555-1234', text: null }]);
  });

  it('indexes references with type, id, version, absolute URL and identifier', () => {
    const entries = extractIndexEntries({
      resourceType: 'Observation', status: 'final', code: { text: 'x' },
      subject: { reference: 'http://example.org/fhir/Patient/7/_history/2' },
      performer: [{ identifier: { system: 'urn:npi', value: '99' }, type: 'Practitioner' }],
    });
    expect(of(entries, 'subject')).toEqual([{ type: 'reference', param: 'subject', targetType: 'Patient', targetId: '7', version: '2', url: 'http://example.org/fhir/Patient/7', identifierSystem: null, identifierValue: null }]);
    expect(of(entries, 'performer')).toEqual([{ type: 'reference', param: 'performer', targetType: 'Practitioner', targetId: null, version: null, url: null, identifierSystem: 'urn:npi', identifierValue: '99' }]);
  });

  it('indexes quantities with system and code', () => {
    const entries = extractIndexEntries({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: 5.4, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' } });
    expect(of(entries, 'value-quantity')).toEqual([{ type: 'quantity', param: 'value-quantity', value: 5.4, low: 5.4, high: 5.4, system: 'http://unitsofmeasure.org', code: 'mmol/L', unit: 'mmol/L' }]);
  });

  it('adds the UCUM canonical form of a quantity', () => {
    const entries = extractIndexEntries({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: 95, system: 'http://unitsofmeasure.org', code: 'mg/dL' } });
    expect(of(entries, 'value-quantity:canonical')).toEqual([{ type: 'quantity', param: 'value-quantity:canonical', value: 950, low: 950, high: 950, system: 'http://unitsofmeasure.org', code: 'g.m-3', unit: 'g.m-3' }]);
  });

  it('indexes Location.position for near as latitude and longitude numbers', () => {
    const entries = extractIndexEntries({ resourceType: 'Location', position: { latitude: 42.36, longitude: -71.06 } });
    expect([...of(entries, 'near:latitude'), ...of(entries, 'near:longitude')].map((e) => (e.type === 'number' ? e.value : null))).toEqual([42.36, -71.06]);
  });

  it('builds composite values from components of the same item', () => {
    const entries = extractIndexEntries({
      resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '2339-0' }] },
      valueQuantity: { value: 6, system: 'http://unitsofmeasure.org', code: 'mmol/L' },
    });
    const [composite] = of(entries, 'code-value-quantity');
    expect(composite).toEqual({
      type: 'composite', param: 'code-value-quantity',
      components: [
        { type: 'token', param: 'code', system: 'http://loinc.org', code: '2339-0', text: null },
        { type: 'quantity', param: 'value-quantity', value: 6, low: 6, high: 6, system: 'http://unitsofmeasure.org', code: 'mmol/L', unit: null },
      ],
    });
  });

  it('indexes the common parameters from meta', () => {
    const entries = extractIndexEntries({
      resourceType: 'Patient', id: 'p1',
      meta: { lastUpdated: '2024-05-06T07:08:09.123Z', tag: [{ system: 'urn:t', code: 'a' }], security: [{ system: 'urn:s', code: 'R' }], profile: ['http://p'], source: 'urn:src' },
    });
    expect(of(entries, '_id')).toEqual([{ type: 'token', param: '_id', system: null, code: 'p1', text: null }]);
    expect(of(entries, '_lastUpdated')).toEqual([{ type: 'date', param: '_lastUpdated', start: Date.parse('2024-05-06T07:08:09.123Z'), end: Date.parse('2024-05-06T07:08:09.123Z') }]);
    expect(of(entries, '_tag')).toEqual([{ type: 'token', param: '_tag', system: 'urn:t', code: 'a', text: null }]);
    expect(of(entries, '_security')).toEqual([{ type: 'token', param: '_security', system: 'urn:s', code: 'R', text: null }]);
    expect(of(entries, '_profile')).toEqual([{ type: 'uri', param: '_profile', value: 'http://p' }]);
    expect(of(entries, '_source')).toEqual([{ type: 'uri', param: '_source', value: 'urn:src' }]);
  });

  it('extracts the narrative for _text and all text for _content', () => {
    const entries = extractIndexEntries({ resourceType: 'Patient', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Allergic to <b>peanuts</b> &amp; eggs</div>' }, name: [{ family: 'Smith' }] });
    expect(of(entries, '_text')).toEqual([{ type: 'text', param: '_text', value: 'Allergic to peanuts & eggs' }]);
    const [content] = of(entries, '_content');
    expect(content?.type === 'text' && content.value.includes('Smith') && content.value.includes('peanuts')).toBe(true);
  });

  it('extracts a search value for every parameter kind without throwing on any R4 type', () => {
    const entries = extractIndexEntries({ resourceType: 'RiskAssessment', occurrenceDateTime: '2020', prediction: [{ probabilityDecimal: 0.4 }] });
    expect(of(entries, 'probability')).toEqual([{ type: 'number', param: 'probability', value: 0.4, low: 0.4, high: 0.4 }]);
    expect(of(entries, 'date')).toHaveLength(1);
  });

  it('does not throw on elements of the wrong shape (a write must not fail in the index)', () => {
    const odd: Resource[] = [
      { resourceType: 'Patient', name: 'Smith', birthDate: 1970, telecom: { value: 1 }, identifier: [null, 'x', { system: 5 }] } as unknown as Resource,
      { resourceType: 'Observation', code: 'x', subject: 'Patient/1', valueQuantity: { value: 'high' }, effectivePeriod: { start: 'soon' }, component: [{}] } as unknown as Resource,
      { resourceType: 'Location', position: { latitude: 'north' } } as unknown as Resource,
      { resourceType: 'Encounter', period: [], text: { div: 42 }, meta: { tag: 'x', lastUpdated: 'now' } } as unknown as Resource,
    ];
    expect(odd.map((r) => Array.isArray(extractIndexEntries(r)))).toEqual([true, true, true, true]);
  });

  it('compiles every expression of the R4 table (errors there are not swallowed at write time)', () => {
    const expressions = Object.values(SEARCH_PARAMETERS).flatMap((byCode) => Object.values(byCode)).flatMap((d) => [d.expression, ...(d.component ?? []).map((c) => c.expression)]);
    const failing = expressions.filter((e): e is string => e !== undefined).filter((e) => {
      try {
        evaluatorFor(e);
        return false;
      } catch {
        return true;
      }
    });
    expect([expressions.length > 1800, failing]).toEqual([true, []]);
  });
});
