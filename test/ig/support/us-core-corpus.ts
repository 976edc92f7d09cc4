// Valid and invalid US Core 5.0.1 resources with the verdict the US Core profiles give them
// (read off the profiles' snapshots: cardinality, fixed/pattern values, slices, extension
// definitions, bindings and invariants). Each invalid one names the element it breaks.
export interface CorpusCase {
  readonly name: string;
  readonly resource: Record<string, unknown>;
  /** undefined: valid; otherwise an expression every error report must include. */
  readonly invalidAt?: string;
}

const PATIENT = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient';
const BP = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-blood-pressure';
const RACE = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race';
const BIRTHSEX = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex';

export const patient = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'Patient',
  meta: { profile: [PATIENT] },
  identifier: [{ system: 'http://hospital.example.org', value: '1032702' }],
  name: [{ family: 'Shaw', given: ['Amy'] }],
  gender: 'female',
  ...extra,
});

const race = (parts: unknown[]): Record<string, unknown> => ({ url: RACE, extension: parts });
const omb = (code: string): Record<string, unknown> => ({ url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code, display: code } });
const text = (value: string): Record<string, unknown> => ({ url: 'text', valueString: value });

const quantity = (value: number, code = 'mm[Hg]'): Record<string, unknown> => ({ value, unit: 'mmHg', system: 'http://unitsofmeasure.org', code });
export const bloodPressure = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'Observation',
  meta: { profile: [BP] },
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
  subject: { reference: 'Patient/example' },
  effectiveDateTime: '2020-09-01',
  component: [
    { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: quantity(120) },
    { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: quantity(80) },
  ],
  ...extra,
});

export const US_CORE_CORPUS: readonly CorpusCase[] = [
  { name: 'minimal US Core Patient', resource: patient() },
  { name: 'Patient with race (OMB category and text) and birth sex', resource: patient({ extension: [race([omb('2106-3'), text('White')]), { url: BIRTHSEX, valueCode: 'F' }] }) },
  { name: 'Patient without identifier (min 1)', resource: { ...patient(), identifier: undefined }, invalidAt: 'Patient.identifier' },
  { name: 'Patient identifier without system (min 1)', resource: patient({ identifier: [{ value: 'x' }] }), invalidAt: 'Patient.identifier[0].system' },
  { name: 'Patient without gender (min 1)', resource: { ...patient(), gender: undefined }, invalidAt: 'Patient.gender' },
  { name: 'Patient name with neither family nor given (us-core-6)', resource: patient({ name: [{ text: 'Amy Shaw' }] }), invalidAt: 'Patient' },
  { name: 'race extension without its text part (slice min 1)', resource: patient({ extension: [race([omb('2106-3')])] }), invalidAt: 'Patient.extension[0].extension' },
  { name: 'race extension with a value (value[x] max 0; ext-1)', resource: patient({ extension: [{ ...race([text('x')]), valueString: 'White' }] }), invalidAt: 'Patient.extension[0]' },
  { name: 'two race extensions (slice max 1)', resource: patient({ extension: [race([text('a')]), race([text('b')])] }), invalidAt: 'Patient.extension' },
  { name: 'birth sex outside its required value set', resource: patient({ extension: [{ url: BIRTHSEX, valueCode: 'X' }] }), invalidAt: 'Patient.extension[0].valueCode' },
  { name: 'birth sex as a string (type not allowed)', resource: patient({ extension: [{ url: BIRTHSEX, valueString: 'F' }] }), invalidAt: 'Patient.extension[0].valueString' },
  { name: 'US Core blood pressure', resource: bloodPressure() },
  { name: 'blood pressure without the vital-signs category (slice VSCat min 1)', resource: bloodPressure({ category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }] }), invalidAt: 'Observation.category' },
  { name: 'blood pressure with another code (pattern)', resource: bloodPressure({ code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] } }), invalidAt: 'Observation.code' },
  { name: 'blood pressure without diastolic component (slice min 1)', resource: { ...bloodPressure(), component: [(bloodPressure()['component'] as unknown[])[0], { code: { text: 'other' }, valueQuantity: quantity(1) }] }, invalidAt: 'Observation.component' },
  { name: 'systolic in the wrong unit (fixed code)', resource: { ...bloodPressure(), component: [{ code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: quantity(120, 'kPa') }, (bloodPressure()['component'] as unknown[])[1]] }, invalidAt: 'Observation.component[0].valueQuantity.code' },
  { name: 'blood pressure whose subject is a Group (target profile)', resource: bloodPressure({ subject: { reference: 'Group/g1' } }), invalidAt: 'Observation.subject' },
  { name: 'blood pressure with a Period effective (allowed type)', resource: bloodPressure({ effectiveDateTime: undefined, effectivePeriod: { start: '2020-09-01' } }) },
];
