// A small deterministic generator of realistic synthetic patients (issue 12, "a shared data set
// without network downloads"): each patient comes with encounters, vital-sign observations,
// conditions, medication requests, allergies and immunizations, all referring to the patient
// (and observations to their encounter), plus a shared organization and practitioners.
import type { Resource } from '../../core/fhir-types';
import { rng, type Rng } from './random';

const FAMILY = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Nguyen', 'Okafor', 'Schmidt', 'Rossi', 'Kowalski'];
const GIVEN_F = ['Mary', 'Patricia', 'Jennifer', 'Linda', 'Elena', 'Aisha', 'Mei', 'Sofia', 'Ingrid', 'Amara'];
const GIVEN_M = ['James', 'Robert', 'John', 'Michael', 'David', 'Omar', 'Wei', 'Luca', 'Jan', 'Kwame'];
const CITIES = [['Boston', 'MA'], ['Springfield', 'IL'], ['Austin', 'TX'], ['Portland', 'OR'], ['Madison', 'WI']] as const;

/** LOINC vital signs (http://hl7.org/fhir/R4/observation-vitalsigns.html) with plausible ranges. */
const VITALS = [
  { code: '8867-4', display: 'Heart rate', unit: '/min', low: 55, high: 110 },
  { code: '9279-1', display: 'Respiratory rate', unit: '/min', low: 12, high: 22 },
  { code: '8310-5', display: 'Body temperature', unit: 'Cel', low: 36, high: 39 },
  { code: '29463-7', display: 'Body weight', unit: 'kg', low: 45, high: 120 },
  { code: '8302-2', display: 'Body height', unit: 'cm', low: 150, high: 195 },
] as const;

const CONDITIONS = [
  ['44054006', 'Diabetes mellitus type 2'], ['38341003', 'Hypertensive disorder'], ['195967001', 'Asthma'],
  ['10509002', 'Acute bronchitis'], ['444814009', 'Viral sinusitis'], ['55822004', 'Hyperlipidemia'],
] as const;
const MEDICATIONS = [['860975', 'metformin 500 MG Oral Tablet'], ['314076', 'lisinopril 10 MG Oral Tablet'], ['745679', 'albuterol 0.09 MG/ACTUAT Inhaler'], ['197361', 'amlodipine 5 MG Oral Tablet']] as const;
const ALLERGIES = [['91936005', 'Allergy to penicillin'], ['300913006', 'Shellfish allergy'], ['418689008', 'Allergy to grass pollen']] as const;
const VACCINES = [['140', 'Influenza, seasonal, injectable'], ['208', 'SARS-COV-2 (COVID-19) vaccine'], ['113', 'Td (adult) preservative free']] as const;

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';

export interface SyntheticOptions {
  readonly patients: number;
  readonly seed?: number;
}

/** One patient's resources, the patient first. */
export interface PatientRecord {
  readonly patient: Resource;
  readonly resources: readonly Resource[];
}

const ref = (resource: Resource): { reference: string } => ({ reference: `${resource.resourceType}/${resource.id ?? ''}` });
const day = (base: number, offsetDays: number): string => new Date(base + offsetDays * 86_400_000).toISOString().slice(0, 10);
const instant = (base: number, offsetDays: number, hour: number): string => new Date(base + offsetDays * 86_400_000 + hour * 3_600_000).toISOString();

/** The shared organization and practitioners the patients' records refer to. */
export function providers(seed = 1): Resource[] {
  const r = rng(seed ^ 0x5eed);
  const organization: Resource = { resourceType: 'Organization', id: r.uuid(), active: true, name: 'Synthetic General Hospital', identifier: [{ system: 'urn:example:org', value: 'SGH' }] };
  const practitioners = Array.from({ length: 5 }, (_, i): Resource => ({
    resourceType: 'Practitioner', id: r.uuid(), active: true,
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: String(9990000000 + i) }],
    name: [{ family: r.pick(FAMILY), given: [r.pick([...GIVEN_F, ...GIVEN_M])], prefix: ['Dr.'] }],
  }));
  return [organization, ...practitioners];
}

function patientRecord(r: Rng, organization: Resource, practitioners: readonly Resource[]): PatientRecord {
  const female = r.next() < 0.5;
  const [city, state] = r.pick(CITIES);
  const born = Date.UTC(1940 + r.int(0, 70), r.int(0, 11), r.int(1, 28));
  const patient: Resource = {
    resourceType: 'Patient', id: r.uuid(), active: true,
    identifier: [{ system: 'urn:example:mrn', value: `MRN-${r.int(100000, 999999)}` }],
    name: [{ use: 'official', family: r.pick(FAMILY), given: [r.pick(female ? GIVEN_F : GIVEN_M)] }],
    gender: female ? 'female' : 'male', birthDate: day(born, 0),
    address: [{ line: [`${r.int(1, 999)} Main St`], city, state, country: 'US' }],
    managingOrganization: ref(organization),
  };
  const subject = ref(patient);
  const resources: Resource[] = [];
  const start = Date.UTC(2015, 0, 1);
  for (let e = 0, encounters = r.int(1, 4); e < encounters; e++) {
    const offset = r.int(0, 3500);
    const practitioner = r.pick(practitioners);
    const encounter: Resource = {
      resourceType: 'Encounter', id: r.uuid(), status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
      type: [{ coding: [{ system: SNOMED, code: '185349003', display: 'Encounter for check up' }] }],
      subject, participant: [{ individual: ref(practitioner) }],
      period: { start: instant(start, offset, 9), end: instant(start, offset, 10) }, serviceProvider: ref(organization),
    };
    resources.push(encounter);
    for (const vital of VITALS.slice(0, r.int(2, VITALS.length))) {
      resources.push({
        resourceType: 'Observation', id: r.uuid(), status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
        code: { coding: [{ system: LOINC, code: vital.code, display: vital.display }], text: vital.display },
        subject, encounter: ref(encounter), effectiveDateTime: instant(start, offset, 9),
        valueQuantity: { value: Math.round((vital.low + r.next() * (vital.high - vital.low)) * 10) / 10, unit: vital.unit, system: UCUM, code: vital.unit },
      });
    }
  }
  for (let c = 0, n = r.int(0, 2); c < n; c++) {
    const [code, display] = r.pick(CONDITIONS);
    resources.push({
      resourceType: 'Condition', id: r.uuid(),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: { coding: [{ system: SNOMED, code, display }], text: display }, subject, onsetDateTime: instant(start, r.int(0, 3500), 12),
    });
  }
  if (r.next() < 0.6) {
    const [code, display] = r.pick(MEDICATIONS);
    resources.push({
      resourceType: 'MedicationRequest', id: r.uuid(), status: 'active', intent: 'order',
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code, display }], text: display },
      subject, requester: ref(r.pick(practitioners)), authoredOn: instant(start, r.int(0, 3500), 11),
    });
  }
  if (r.next() < 0.3) {
    const [code, display] = r.pick(ALLERGIES);
    // ait-1: clinicalStatus SHALL be present unless the record was entered in error.
    resources.push({
      resourceType: 'AllergyIntolerance', id: r.uuid(), patient: subject, code: { coding: [{ system: SNOMED, code, display }], text: display },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    });
  }
  for (let v = 0, n = r.int(0, 2); v < n; v++) {
    const [code, display] = r.pick(VACCINES);
    resources.push({
      resourceType: 'Immunization', id: r.uuid(), status: 'completed', patient: subject, occurrenceDateTime: instant(start, r.int(0, 3500), 14),
      vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code, display }], text: display },
    });
  }
  return { patient, resources };
}

/** The patients of the data set, one at a time (never all in memory). */
export function* syntheticPatients(options: SyntheticOptions): Generator<PatientRecord> {
  const seed = options.seed ?? 1;
  const [organization, ...practitioners] = providers(seed) as [Resource, ...Resource[]];
  const r = rng(seed);
  for (let i = 0; i < options.patients; i++) yield patientRecord(r, organization, practitioners);
}
