// A deterministic, realistic-looking data set for the search benchmark: per patient, two
// encounters, six observations (vital signs and labs with LOINC codes and UCUM units) and one
// condition (SNOMED), plus a few organizations. 10,000 patients give 100,020 resources.
import type { Resource } from '../core/fhir-types';

export const SURNAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson',
  'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker',
  'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell',
  'Carter', 'Roberts', 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Dubois', 'Lefèvre', 'Moreau',
  'Laurent', 'Simon', 'Michel', 'García', 'Fernández', 'González', 'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino',
  'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti', 'Novak', 'Kowalski', 'Nowak', 'Wiśniewski',
  'Dąbrowski', 'Lewandowski', 'Wójcik', 'Kamiński', 'Kowalczyk', 'Zieliński', 'Szymański', 'Woźniak', 'Kozłowski', 'Jankowski', 'Mazur', 'Kwiatkowski',
  'Andersen', 'Nielsen', 'Hansen', 'Pedersen', 'Larsen', 'Sørensen', 'Rasmussen', 'Jørgensen', 'Petersen', 'Madsen', 'Kristensen', 'Olsen', 'Thomsen',
  'Christiansen', 'Poulsen', 'Johansen', 'Møller', 'Mortensen', 'Yamamoto', 'Tanaka', 'Suzuki', 'Takahashi', 'Watanabe', 'Ito', 'Nakamura', 'Kobayashi',
  'Kato', 'Yoshida', 'Yamada', 'Sasaki', 'Yamaguchi', 'Matsumoto', 'Inoue', 'Kimura', 'Hayashi', 'Shimizu', 'Yamazaki', 'Mori', 'Abe', 'Ikeda', 'Hashimoto',
  'Ishikawa', 'Ogawa', 'Okada', 'Goto', 'Hasegawa', 'Murakami', 'Kondo', 'Ishii', 'Saito', 'Sakamoto', 'Endo', 'Aoki', 'Fujii', 'Nishimura', 'Fukuda', 'Ota',
  'Miura', 'Fujiwara', 'Okamoto', 'Matsuda', 'Nakagawa', 'Nakano', 'Harada', 'Ono', 'Tamura', 'Takeuchi', 'Kaneko', 'Wada', 'Nakayama', 'Ishida', 'Ueda',
  'Morita', 'Hara', 'Shibata', 'Sakai', 'Kudo', 'Yokoyama', 'Miyazaki', 'Miyamoto', 'Uchida', 'Takagi', 'Ando', 'Taniguchi', 'Ohno', 'Maruyama', 'Imai',
];
const GIVEN = ['Anna', 'Maria', 'John', 'James', 'Robert', 'Linda', 'Michael', 'Sarah', 'David', 'Laura', 'Chloé', 'Zoë', 'José', 'Jürgen', 'Łukasz', 'Aiko', 'Ken', 'Emma', 'Noah', 'Olivia'];
const CITIES = ['Springfield', 'Riverside', 'Franklin', 'Greenville', 'Bristol', 'Clinton', 'Fairview', 'Salem', 'Madison', 'Georgetown', 'Arlington', 'Ashland'];

export const LAB_CODES = [
  { code: '8867-4', display: 'Heart rate', unit: '/min', low: 50, high: 110 },
  { code: '8480-6', display: 'Systolic blood pressure', unit: 'mm[Hg]', low: 95, high: 170 },
  { code: '8462-4', display: 'Diastolic blood pressure', unit: 'mm[Hg]', low: 55, high: 105 },
  { code: '8310-5', display: 'Body temperature', unit: 'Cel', low: 35.8, high: 39.5 },
  { code: '29463-7', display: 'Body weight', unit: 'kg', low: 45, high: 130 },
  { code: '8302-2', display: 'Body height', unit: 'cm', low: 150, high: 200 },
  { code: '2339-0', display: 'Glucose [Mass/volume] in Blood', unit: 'mg/dL', low: 65, high: 250 },
  { code: '2093-3', display: 'Cholesterol [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 120, high: 300 },
  { code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood', unit: '%', low: 4.5, high: 11 },
  { code: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 0.5, high: 2.5 },
  { code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood', unit: 'g/dL', low: 9, high: 18 },
  { code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry', unit: '%', low: 88, high: 100 },
];
const CONDITIONS = [
  ['44054006', 'Diabetes mellitus type 2'], ['38341003', 'Hypertensive disorder'], ['195967001', 'Asthma'], ['13645005', 'Chronic obstructive lung disease'],
  ['55822004', 'Hyperlipidemia'], ['35489007', 'Depressive disorder'], ['49436004', 'Atrial fibrillation'], ['271737000', 'Anemia'], ['40055000', 'Chronic sinusitis'],
  ['68496003', 'Polyp of colon'], ['414545008', 'Ischemic heart disease'], ['399211009', 'History of myocardial infarction'],
] as const;

export const CONDITION_CODES: readonly string[] = CONDITIONS.map(([code]) => code);

/** Park-Miller: the same data on every run and machine. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

export function searchDataSet(patients: number): Resource[] {
  const rand = prng(42);
  const pickOf = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const day = (fromYear: number, years: number): number => Date.UTC(fromYear, 0, 1) + Math.floor(rand() * years * 365) * 86400000;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const out: Resource[] = [];
  for (let o = 0; o < 20; o += 1) out.push({ resourceType: 'Organization', id: `org${o}`, active: true, name: `${pickOf(CITIES)} ${pickOf(['General Hospital', 'Clinic', 'Health Center'])} ${o}` });
  for (let p = 0; p < patients; p += 1) {
    const pid = `p${p}`;
    const family = pickOf(SURNAMES);
    out.push({
      resourceType: 'Patient', id: pid, active: true, gender: rand() < 0.5 ? 'female' : 'male',
      birthDate: iso(day(1930, 90)).slice(0, 10),
      identifier: [{ system: 'urn:oid:1.2.36.146.595.217.0.1', value: `MRN${100000 + p}` }],
      name: [{ family, given: [pickOf(GIVEN), pickOf(GIVEN)] }],
      telecom: [{ system: 'phone', value: `555-${String(1000 + (p % 9000)).padStart(4, '0')}` }],
      address: [{ line: [`${1 + Math.floor(rand() * 999)} Main Street`], city: pickOf(CITIES), postalCode: String(10000 + Math.floor(rand() * 89999)), country: 'US' }],
      managingOrganization: { reference: `Organization/org${p % 20}` },
    });
    const encounters: string[] = [];
    for (let e = 0; e < 2; e += 1) {
      const start = day(2015, 10);
      const eid = `${pid}-e${e}`;
      encounters.push(eid);
      out.push({
        resourceType: 'Encounter', id: eid, status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: rand() < 0.8 ? 'AMB' : 'IMP' },
        subject: { reference: `Patient/${pid}` }, serviceProvider: { reference: `Organization/org${p % 20}` },
        period: { start: iso(start), end: iso(start + 3600000) },
      });
    }
    for (let k = 0; k < 6; k += 1) {
      const lab = pickOf(LAB_CODES);
      const value = Math.round((lab.low + rand() * (lab.high - lab.low)) * 10) / 10;
      out.push({
        resourceType: 'Observation', id: `${pid}-o${k}`, status: rand() < 0.95 ? 'final' : 'amended',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: k < 3 ? 'vital-signs' : 'laboratory' }] }],
        code: { coding: [{ system: 'http://loinc.org', code: lab.code, display: lab.display }], text: lab.display },
        subject: { reference: `Patient/${pid}` }, encounter: { reference: `Encounter/${pickOf(encounters)}` },
        effectiveDateTime: iso(day(2015, 10)),
        valueQuantity: { value, unit: lab.unit, system: 'http://unitsofmeasure.org', code: lab.unit },
      });
    }
    const [code, display] = pickOf(CONDITIONS);
    out.push({
      resourceType: 'Condition', id: `${pid}-c0`,
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: { coding: [{ system: 'http://snomed.info/sct', code, display }], text: display },
      subject: { reference: `Patient/${pid}` }, onsetDateTime: iso(day(1990, 30)).slice(0, 10),
    });
  }
  return out;
}
