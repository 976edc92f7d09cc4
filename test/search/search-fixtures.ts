// The data set of the shared search cases (test/search/search-cases.ts): small, hand-made, with
// one resource per behaviour worth telling apart. Every backend loads exactly this.
import type { Resource } from '../../core/fhir-types';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const MRN = 'urn:oid:1.2.36.146.595.217.0.1';

export const searchFixtures: readonly Resource[] = [
  // First, so that Subscriptions (test/subscriptions/matching-cases) see it when the others arrive.
  // A stored value set for :in / :not-in (search.html#token), composed from R4's v3-ActCode.
  { resourceType: 'ValueSet', id: 'vs-amb', status: 'active', url: 'http://example.org/fhir/ValueSet/ambulatory', compose: { include: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', concept: [{ code: 'AMB' }] }] } },
  { resourceType: 'Organization', id: 'org1', name: 'Acme Health', active: true },
  { resourceType: 'Organization', id: 'org2', name: 'Beta Clinic', active: false, partOf: { reference: 'Organization/org1' } },
  { resourceType: 'Practitioner', id: 'dr1', name: [{ family: 'House', given: ['Gregory'] }], identifier: [{ system: 'urn:npi', value: 'NPI-1' }] },
  {
    resourceType: 'Patient', id: 'p1', active: true, gender: 'female', birthDate: '1970-05-12',
    meta: { tag: [{ system: 'urn:tags', code: 'vip' }], security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }], profile: ['http://example.org/fhir/StructureDefinition/my-patient'] },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Allergic to <b>peanuts</b></div>' },
    identifier: [{ system: MRN, value: '12345', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } }],
    name: [{ family: 'Smith', given: ['Anna', 'Maria'] }],
    telecom: [{ system: 'phone', value: '555-0101' }, { system: 'email', value: 'anna@example.org' }],
    address: [{ line: ['1 Main Street'], city: 'Springfield', postalCode: '11111', country: 'US' }],
    managingOrganization: { reference: 'Organization/org1' },
    generalPractitioner: [{ reference: 'Practitioner/dr1' }],
  },
  {
    resourceType: 'Patient', id: 'p2', active: true, gender: 'male', birthDate: '1985',
    identifier: [{ system: MRN, value: '67890' }],
    name: [{ family: 'Müller', given: ['Jürgen'] }],
    address: [{ city: 'Berlin', country: 'DE' }],
    managingOrganization: { reference: 'Organization/org2' },
  },
  {
    resourceType: 'Patient', id: 'p3', active: false, gender: 'female', birthDate: '1990-02-28',
    identifier: [{ system: 'urn:other', value: '12345' }],
    name: [{ family: 'Smithson', given: ['Beth'] }],
    address: [{ city: 'Springfield' }],
  },
  { resourceType: 'Patient', id: 'p4', gender: 'other', name: [{ family: 'Zed', given: ['Zoë'] }], deceasedDateTime: '2020-01-01' },
  { resourceType: 'Encounter', id: 'e1', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: 'Patient/p1' }, period: { start: '2021-01-10T09:00:00Z', end: '2021-01-10T10:00:00Z' } },
  { resourceType: 'Encounter', id: 'e2', status: 'in-progress', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' }, subject: { reference: 'Patient/p2' }, period: { start: '2021-03-01' } },
  {
    resourceType: 'Observation', id: 'o1', status: 'final', subject: { reference: 'Patient/p1' }, encounter: { reference: 'Encounter/e1' },
    code: { coding: [{ system: LOINC, code: '2339-0', display: 'Glucose [Mass/volume] in Blood' }], text: 'Fasting blood glucose' },
    valueQuantity: { value: 95, unit: 'mg/dL', system: UCUM, code: 'mg/dL' }, effectiveDateTime: '2021-01-10T09:30:00Z',
    performer: [{ reference: 'Practitioner/dr1' }],
  },
  {
    resourceType: 'Observation', id: 'o2', status: 'final', subject: { reference: 'Patient/p1' },
    code: { coding: [{ system: LOINC, code: '2339-0' }] },
    valueQuantity: { value: 140, unit: 'mg/dL', system: UCUM, code: 'mg/dL' }, effectiveDateTime: '2021-02-15',
  },
  {
    resourceType: 'Observation', id: 'o3', status: 'amended', subject: { reference: 'http://elsewhere.example.org/fhir/Patient/p2' },
    code: { coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel' }] }, effectivePeriod: { start: '2021-03-01', end: '2021-03-31' },
    component: [
      { code: { coding: [{ system: LOINC, code: '8480-6', display: 'Systolic blood pressure' }] }, valueQuantity: { value: 120, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' } },
      { code: { coding: [{ system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' }] }, valueQuantity: { value: 80, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' } },
    ],
  },
  {
    resourceType: 'Observation', id: 'o4', status: 'preliminary', subject: { reference: 'Group/g1' },
    code: { coding: [{ system: 'urn:local', code: 'smoking' }] }, valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '8517006', display: 'Ex-smoker' }] },
  },
  { resourceType: 'Observation', id: 'o5', status: 'final', subject: { identifier: { system: MRN, value: '12345' } }, code: { text: 'unstructured note' }, valueString: 'ok' },
  { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006', display: 'Diabetes mellitus type 2' }] }, onsetDateTime: '2015', asserter: { reference: 'Practitioner/dr1' } },
  { resourceType: 'Condition', id: 'c2', subject: { reference: 'Patient/p2' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertensión artérielle' }] }, onsetPeriod: { start: '2019-06-01' } },
  { resourceType: 'RiskAssessment', id: 'r1', status: 'final', subject: { reference: 'Patient/p1' }, prediction: [{ probabilityDecimal: 0.25 }] },
  { resourceType: 'RiskAssessment', id: 'r2', status: 'final', subject: { reference: 'Patient/p2' }, prediction: [{ probabilityDecimal: 0.8 }] },
  { resourceType: 'ValueSet', id: 'vs1', status: 'active', url: 'http://example.org/fhir/ValueSet/colors' },
  { resourceType: 'ValueSet', id: 'vs2', status: 'active', url: 'http://example.org/fhir/ValueSet/colors/warm' },
  { resourceType: 'ValueSet', id: 'vs3', status: 'draft', url: 'http://other.org/ValueSet/sizes' },
  { resourceType: 'List', id: 'l1', status: 'current', mode: 'working', entry: [{ item: { reference: 'Patient/p1' } }, { item: { reference: 'Patient/p3' } }, { item: { reference: 'Observation/o2' } }] },
  { resourceType: 'Location', id: 'loc1', name: 'Boston', position: { latitude: 42.3601, longitude: -71.0589 } },
  { resourceType: 'Location', id: 'loc2', name: 'Cambridge', position: { latitude: 42.3736, longitude: -71.1097 } },
  { resourceType: 'Location', id: 'loc3', name: 'New York', position: { latitude: 40.7128, longitude: -74.006 } },
  { resourceType: 'Provenance', id: 'prov1', recorded: '2021-01-10T10:00:00Z', target: [{ reference: 'Observation/o1' }], agent: [{ who: { reference: 'Practitioner/dr1' } }] },
];

/** The instant every fixture is written at: lastUpdated is stamped by the loader. */
export const FIXTURE_TIME = '2024-01-01T00:00:00.000Z';
