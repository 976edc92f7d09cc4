// The shared table of search cases (issue 3, "Proof"): every backend (SQLite now, OpenSearch
// in issue 6) must return exactly these matches for these queries over search-fixtures.ts.
// `path` is relative to the base: 'Patient' (type search), '' (system search) or
// 'Patient/p1/Observation' (compartment search). Results are compared as sets unless `ordered`.

export interface SearchCase {
  readonly name: string;
  readonly path: string;
  readonly query: string;
  readonly matches: readonly string[];
  readonly ordered?: boolean;
  /** Resources with search.mode = include, as a set. */
  readonly included?: readonly string[];
  readonly total?: number;
}

export interface SearchErrorCase {
  readonly name: string;
  readonly path: string;
  readonly query: string;
  readonly strict: boolean;
  readonly code: string;
  readonly expression: string;
}

const LOINC = 'http://loinc.org';
const MRN = 'urn:oid:1.2.36.146.595.217.0.1';

export const searchCases: readonly SearchCase[] = [
  // token
  { name: 'token: code', path: 'Patient', query: 'gender=female', matches: ['Patient/p1', 'Patient/p3'] },
  { name: 'token: comma is OR', path: 'Patient', query: 'gender=female,other', matches: ['Patient/p1', 'Patient/p3', 'Patient/p4'] },
  { name: 'token :not', path: 'Patient', query: 'gender:not=female', matches: ['Patient/p2', 'Patient/p4'] },
  { name: 'token: boolean', path: 'Patient', query: 'active=true', matches: ['Patient/p1', 'Patient/p2'] },
  { name: 'token: identifier value in any system', path: 'Patient', query: 'identifier=12345', matches: ['Patient/p1', 'Patient/p3'] },
  { name: 'token: system|code', path: 'Patient', query: `identifier=${MRN}|12345`, matches: ['Patient/p1'] },
  { name: 'token: system| (any code)', path: 'Patient', query: `identifier=${MRN}|`, matches: ['Patient/p1', 'Patient/p2'] },
  { name: 'token: |code (no system)', path: 'Observation', query: 'code=|2339-0', matches: [] },
  { name: 'token :of-type', path: 'Patient', query: 'identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|12345', matches: ['Patient/p1'] },
  { name: 'token: CodeableConcept', path: 'Observation', query: `code=${LOINC}|2339-0`, matches: ['Observation/o1', 'Observation/o2'] },
  { name: 'token :text', path: 'Observation', query: 'code:text=glucose', matches: ['Observation/o1'] },
  // search.html#token: :in / :not-in a value set, :below / :above in the code system's is-a hierarchy (issue 14).
  { name: 'token :in an R4 value set', path: 'Encounter', query: 'class:in=http://terminology.hl7.org/ValueSet/v3-ActEncounterCode', matches: ['Encounter/e1', 'Encounter/e2'] },
  { name: 'token :in a stored value set', path: 'Encounter', query: 'class:in=http://example.org/fhir/ValueSet/ambulatory', matches: ['Encounter/e1'] },
  { name: 'token :not-in a stored value set', path: 'Encounter', query: 'class:not-in=http://example.org/fhir/ValueSet/ambulatory', matches: ['Encounter/e2'] },
  { name: 'token :below a concept with children', path: 'Encounter', query: 'class:below=http://terminology.hl7.org/CodeSystem/v3-ActCode|_ActEncounterCode', matches: ['Encounter/e1', 'Encounter/e2'] },
  { name: 'token :below a leaf is the leaf', path: 'Encounter', query: 'class:below=http://terminology.hl7.org/CodeSystem/v3-ActCode|AMB', matches: ['Encounter/e1'] },
  { name: 'token :above a leaf finds it, not its siblings', path: 'Encounter', query: 'class:above=http://terminology.hl7.org/CodeSystem/v3-ActCode|IMP', matches: ['Encounter/e2'] },
  { name: 'token :above a parent does not find its children', path: 'Encounter', query: 'class:above=http://terminology.hl7.org/CodeSystem/v3-ActCode|_ActEncounterCode', matches: [] },
  { name: 'token :in through a chain', path: 'Observation', query: 'encounter:Encounter.class:in=http://example.org/fhir/ValueSet/ambulatory', matches: ['Observation/o1'] },
  { name: 'token :code-text (code starts with, any case)', path: 'Observation', query: 'code:code-text=2339', matches: ['Observation/o1', 'Observation/o2'] },
  // search.html#token :text: "the text of the CodeableConcept or the display of a Coding" (issue 9, defect 7).
  { name: 'token :text matches CodeableConcept.text when the codings have displays', path: 'Observation', query: 'code:text=fasting', matches: ['Observation/o1'] },
  { name: 'token :text matches Coding.display', path: 'Observation', query: 'code:text=blood pressure', matches: ['Observation/o3'] },
  { name: 'token :text matches a word inside the text', path: 'Observation', query: 'code:text=blood', matches: ['Observation/o1', 'Observation/o3'] },
  { name: 'token :text on a CodeableConcept value', path: 'Observation', query: 'value-concept:text=ex-smoker', matches: ['Observation/o4'] },
  { name: 'token :text, accent-insensitive', path: 'Condition', query: 'code:text=hypertension arterielle', matches: ['Condition/c2'] },
  { name: 'token: choice type value[x]', path: 'Observation', query: 'value-concept=http://snomed.info/sct|8517006', matches: ['Observation/o4'] },
  { name: 'token: ContactPoint', path: 'Patient', query: 'telecom=555-0101', matches: ['Patient/p1'] },
  { name: 'token: email', path: 'Patient', query: 'email=anna@example.org', matches: ['Patient/p1'] },
  { name: 'token: _id', path: 'Patient', query: '_id=p1,p3', matches: ['Patient/p1', 'Patient/p3'] },
  { name: 'token: _tag', path: 'Patient', query: '_tag=urn:tags|vip', matches: ['Patient/p1'] },
  { name: 'token: _security', path: 'Patient', query: '_security=R', matches: ['Patient/p1'] },
  { name: 'token: repeated parameter is AND', path: 'Observation', query: 'status=final,amended&subject=p1', matches: ['Observation/o1', 'Observation/o2'] },
  // string
  { name: 'string: starts with, case-insensitive', path: 'Patient', query: 'name=smi', matches: ['Patient/p1', 'Patient/p3'] },
  { name: 'string: family', path: 'Patient', query: 'family=SMITH', matches: ['Patient/p1', 'Patient/p3'] },
  { name: 'string :exact', path: 'Patient', query: 'family:exact=Smith', matches: ['Patient/p1'] },
  { name: 'string :exact is case-sensitive', path: 'Patient', query: 'family:exact=smith', matches: [] },
  { name: 'string :contains', path: 'Patient', query: 'name:contains=ths', matches: ['Patient/p3'] },
  { name: 'string: accent-insensitive', path: 'Patient', query: 'family=muller', matches: ['Patient/p2'] },
  { name: 'string: accent in the query', path: 'Patient', query: 'given=zoë', matches: ['Patient/p4'] },
  { name: 'string: address part', path: 'Patient', query: 'address=springfield', matches: ['Patient/p1', 'Patient/p3'] },
  { name: 'string: address-postalcode', path: 'Patient', query: 'address-postalcode=11111', matches: ['Patient/p1'] },
  // date
  { name: 'date: year contains the day', path: 'Patient', query: 'birthdate=1970', matches: ['Patient/p1'] },
  { name: 'date: day', path: 'Patient', query: 'birthdate=1970-05-12', matches: ['Patient/p1'] },
  { name: 'date: eq needs the value inside the range', path: 'Patient', query: 'birthdate=1985-06', matches: [] },
  { name: 'date: gt', path: 'Patient', query: 'birthdate=gt1980', matches: ['Patient/p2', 'Patient/p3'] },
  { name: 'date: lt', path: 'Patient', query: 'birthdate=lt1985-06-01', matches: ['Patient/p1', 'Patient/p2'] },
  { name: 'date: ge', path: 'Patient', query: 'birthdate=ge1985', matches: ['Patient/p2', 'Patient/p3'] },
  { name: 'date: le', path: 'Patient', query: 'birthdate=le1985', matches: ['Patient/p1', 'Patient/p2'] },
  { name: 'date: sa', path: 'Patient', query: 'birthdate=sa1985', matches: ['Patient/p3'] },
  { name: 'date: eb', path: 'Patient', query: 'birthdate=eb1985', matches: ['Patient/p1'] },
  { name: 'date: ne', path: 'Patient', query: 'birthdate=ne1970', matches: ['Patient/p2', 'Patient/p3'] },
  { name: 'date: ap', path: 'Patient', query: 'birthdate=ap1990-03-01', matches: ['Patient/p3'] },
  { name: 'date: range as two ANDed bounds, Period overlap', path: 'Observation', query: 'date=ge2021-02-01&date=lt2021-03-15', matches: ['Observation/o2', 'Observation/o3'] },
  { name: 'date: Period inside a day', path: 'Encounter', query: 'date=2021-01-10', matches: ['Encounter/e1'] },
  { name: 'date: open Period end is ongoing', path: 'Encounter', query: 'date=ge2022', matches: ['Encounter/e2'] },
  { name: 'date: choice type onset[x]', path: 'Condition', query: 'onset-date=2015', matches: ['Condition/c1'] },
  { name: 'date: _lastUpdated', path: 'Patient', query: '_lastUpdated=2024-01-01', matches: ['Patient/p1', 'Patient/p2', 'Patient/p3', 'Patient/p4'] },
  { name: 'date: _lastUpdated lt', path: 'Patient', query: '_lastUpdated=lt2023', matches: [] },
  // number
  { name: 'number: gt', path: 'RiskAssessment', query: 'probability=gt0.5', matches: ['RiskAssessment/r2'] },
  { name: 'number: implicit precision', path: 'RiskAssessment', query: 'probability=0.8', matches: ['RiskAssessment/r2'] },
  { name: 'number: no match', path: 'RiskAssessment', query: 'probability=0.5', matches: [] },
  { name: 'number: le', path: 'RiskAssessment', query: 'probability=le0.25', matches: ['RiskAssessment/r1'] },
  // quantity
  { name: 'quantity: value', path: 'Observation', query: 'value-quantity=95', matches: ['Observation/o1'] },
  { name: 'quantity: gt with system and code', path: 'Observation', query: 'value-quantity=gt100|http://unitsofmeasure.org|mg/dL', matches: ['Observation/o2'] },
  { name: 'quantity: lt with code only', path: 'Observation', query: 'value-quantity=lt100||mg/dL', matches: ['Observation/o1'] },
  { name: 'quantity: ap', path: 'Observation', query: 'value-quantity=ap100', matches: ['Observation/o1'] },
  { name: 'quantity: UCUM canonical units (mg/dL as g/dL)', path: 'Observation', query: 'value-quantity=0.095|http://unitsofmeasure.org|g/dL', matches: ['Observation/o1'] },
  { name: 'quantity: UCUM canonical units with a prefix', path: 'Observation', query: 'value-quantity=gt1|http://unitsofmeasure.org|g/L', matches: ['Observation/o2'] },
  { name: 'quantity: component values', path: 'Observation', query: 'component-value-quantity=120', matches: ['Observation/o3'] },
  // reference
  { name: 'reference: Type/id', path: 'Observation', query: 'subject=Patient/p1', matches: ['Observation/o1', 'Observation/o2'] },
  { name: 'reference: id', path: 'Observation', query: 'subject=p1', matches: ['Observation/o1', 'Observation/o2'] },
  { name: 'reference :[type]', path: 'Observation', query: 'subject:Patient=p2', matches: ['Observation/o3'] },
  { name: 'reference :[type] on a non-patient', path: 'Observation', query: 'subject:Group=g1', matches: ['Observation/o4'] },
  { name: 'reference: patient (resolve() rewritten)', path: 'Observation', query: 'patient=p2', matches: ['Observation/o3'] },
  { name: 'reference: absolute URL', path: 'Observation', query: 'subject=http://elsewhere.example.org/fhir/Patient/p2', matches: ['Observation/o3'] },
  { name: 'reference :identifier', path: 'Observation', query: `subject:identifier=${MRN}|12345`, matches: ['Observation/o5'] },
  { name: 'reference: organization', path: 'Patient', query: 'organization=Organization/org1', matches: ['Patient/p1'] },
  // uri
  { name: 'uri: exact', path: 'ValueSet', query: 'url=http://example.org/fhir/ValueSet/colors', matches: ['ValueSet/vs1'] },
  { name: 'uri :below', path: 'ValueSet', query: 'url:below=http://example.org/fhir/ValueSet/colors', matches: ['ValueSet/vs1', 'ValueSet/vs2'] },
  { name: 'uri :above', path: 'ValueSet', query: 'url:above=http://example.org/fhir/ValueSet/colors/warm', matches: ['ValueSet/vs1', 'ValueSet/vs2'] },
  { name: 'uri: _profile', path: 'Patient', query: '_profile=http://example.org/fhir/StructureDefinition/my-patient', matches: ['Patient/p1'] },
  // special
  { name: 'special: near within 10 km (default units)', path: 'Location', query: 'near=42.3601|-71.0589|10', matches: ['Location/loc1', 'Location/loc2'] },
  { name: 'special: near within 1000 m', path: 'Location', query: 'near=42.3601|-71.0589|1000|m', matches: ['Location/loc1'] },
  { name: 'special: near within 400 miles', path: 'Location', query: 'near=42.3601|-71.0589|400|[mi_i]', matches: ['Location/loc1', 'Location/loc2', 'Location/loc3'] },
  // composite
  { name: 'composite: code and value', path: 'Observation', query: `code-value-quantity=${LOINC}|2339-0$gt100`, matches: ['Observation/o2'] },
  { name: 'composite: component code and value', path: 'Observation', query: `component-code-value-quantity=${LOINC}|8480-6$120`, matches: ['Observation/o3'] },
  { name: 'composite: components of different items do not match', path: 'Observation', query: `component-code-value-quantity=${LOINC}|8480-6$80`, matches: [] },
  // :missing
  { name: ':missing=true', path: 'Patient', query: 'birthdate:missing=true', matches: ['Patient/p4'] },
  { name: ':missing=false', path: 'Patient', query: 'birthdate:missing=false', matches: ['Patient/p1', 'Patient/p2', 'Patient/p3'] },
  { name: ':missing on a choice type', path: 'Observation', query: 'value-quantity:missing=true', matches: ['Observation/o3', 'Observation/o4', 'Observation/o5'] },
  // chains and _has
  { name: 'chain with type', path: 'Observation', query: 'subject:Patient.name=smith', matches: ['Observation/o1', 'Observation/o2'] },
  { name: 'chain without type', path: 'Observation', query: 'subject.name=muller', matches: ['Observation/o3'] },
  { name: 'chain of two levels', path: 'Observation', query: 'patient.organization.name=acme', matches: ['Observation/o1', 'Observation/o2'] },
  { name: 'chain of three levels', path: 'Observation', query: 'patient.organization.partof.name=acme', matches: ['Observation/o3'] },
  { name: 'chain to a date', path: 'Encounter', query: 'subject:Patient.birthdate=lt1980', matches: ['Encounter/e1'] },
  { name: '_has', path: 'Patient', query: '_has:Observation:patient:code=2339-0', matches: ['Patient/p1'] },
  { name: '_has on subject', path: 'Patient', query: '_has:Observation:subject:status=amended', matches: ['Patient/p2'] },
  { name: '_has nested', path: 'Patient', query: '_has:Encounter:patient:_has:Observation:encounter:code=2339-0', matches: ['Patient/p1'] },
  { name: '_has on a practitioner', path: 'Practitioner', query: '_has:Condition:asserter:code=44054006', matches: ['Practitioner/dr1'] },
  // _list
  { name: '_list', path: 'Patient', query: '_list=l1', matches: ['Patient/p1', 'Patient/p3'] },
  { name: '_list with another filter', path: 'Patient', query: '_list=l1&gender=female&birthdate=lt1980', matches: ['Patient/p1'] },
  // full text
  { name: '_text', path: 'Patient', query: '_text=peanuts', matches: ['Patient/p1'] },
  { name: '_content, accent-insensitive', path: 'Patient', query: '_content=jürgen', matches: ['Patient/p2'] },
  { name: '_content on codings', path: 'Observation', query: '_content=glucose', matches: ['Observation/o1'] },
  // includes
  { name: '_include', path: 'Observation', query: `code=${LOINC}|2339-0&_include=Observation:subject`, matches: ['Observation/o1', 'Observation/o2'], included: ['Patient/p1'] },
  { name: '_include wildcard', path: 'Observation', query: '_id=o1&_include=Observation:*', matches: ['Observation/o1'], included: ['Patient/p1', 'Encounter/e1', 'Practitioner/dr1'] },
  { name: '_include with target type', path: 'Observation', query: '_id=o1&_include=Observation:subject:Group', matches: ['Observation/o1'], included: [] },
  { name: '_revinclude', path: 'Patient', query: '_id=p1&_revinclude=Observation:patient', matches: ['Patient/p1'], included: ['Observation/o1', 'Observation/o2'] },
  { name: '_revinclude Provenance', path: 'Observation', query: '_id=o1&_revinclude=Provenance:target', matches: ['Observation/o1'], included: ['Provenance/prov1'] },
  { name: '_include:iterate', path: 'Observation', query: '_id=o1&_include=Observation:patient&_include:iterate=Patient:organization', matches: ['Observation/o1'], included: ['Patient/p1', 'Organization/org1'] },
  { name: '_include:iterate twice', path: 'Patient', query: '_id=p2&_include=Patient:organization&_include:iterate=Organization:partof', matches: ['Patient/p2'], included: ['Organization/org2', 'Organization/org1'] },
  { name: '_revinclude:iterate', path: 'Patient', query: '_id=p1&_revinclude=Observation:patient&_revinclude:iterate=Provenance:target', matches: ['Patient/p1'], included: ['Observation/o1', 'Observation/o2', 'Provenance/prov1'] },
  { name: '_include=* (every reference of the matches)', path: 'Patient', query: '_id=p1&_include=*', matches: ['Patient/p1'], included: ['Organization/org1', 'Practitioner/dr1'] },
  { name: 'includes follow the page, not the whole result', path: 'Observation', query: `code=${LOINC}|2339-0&_sort=-date&_count=1&_include=Observation:encounter`, matches: ['Observation/o2'], ordered: true, included: [] },
  // sort
  { name: '_sort date ascending, missing last', path: 'Patient', query: '_sort=birthdate', matches: ['Patient/p1', 'Patient/p2', 'Patient/p3', 'Patient/p4'], ordered: true },
  { name: '_sort date descending, missing last', path: 'Patient', query: '_sort=-birthdate', matches: ['Patient/p3', 'Patient/p2', 'Patient/p1', 'Patient/p4'], ordered: true },
  { name: '_sort string, accent-insensitive', path: 'Patient', query: '_sort=family', matches: ['Patient/p2', 'Patient/p1', 'Patient/p3', 'Patient/p4'], ordered: true },
  { name: '_sort several keys', path: 'Patient', query: '_sort=gender,-birthdate', matches: ['Patient/p3', 'Patient/p1', 'Patient/p2', 'Patient/p4'], ordered: true },
  { name: '_sort with a filter', path: 'Observation', query: 'status=final&_sort=-date', matches: ['Observation/o2', 'Observation/o1', 'Observation/o5'], ordered: true },
  { name: '_sort quantity', path: 'Observation', query: 'value-quantity:missing=false&_sort=value-quantity', matches: ['Observation/o1', 'Observation/o2'], ordered: true },
  { name: '_sort token', path: 'Encounter', query: '_sort=-status', matches: ['Encounter/e2', 'Encounter/e1'], ordered: true },
  // totals and counts
  { name: '_summary=count', path: 'Patient', query: '_summary=count', matches: [], total: 4 },
  { name: '_total=accurate over two conditions', path: 'Patient', query: 'gender=female&birthdate=lt1995&_total=accurate&_count=1&_sort=birthdate', matches: ['Patient/p1'], ordered: true, total: 2 },
  { name: '_total=accurate with a negated condition', path: 'Patient', query: 'gender:not=female&_total=accurate', matches: ['Patient/p2', 'Patient/p4'], total: 2 },
  { name: '_total=accurate with a page', path: 'Patient', query: '_count=2&_total=accurate&_sort=birthdate', matches: ['Patient/p1', 'Patient/p2'], ordered: true, total: 4 },
  // compartments
  { name: 'compartment search', path: 'Patient/p1/Observation', query: '', matches: ['Observation/o1', 'Observation/o2'] },
  { name: 'compartment search with a filter', path: 'Patient/p1/Observation', query: 'date=2021-02', matches: ['Observation/o2'] },
  { name: 'compartment search over every type', path: 'Patient/p1/*', query: '', matches: ['Encounter/e1', 'Observation/o1', 'Observation/o2', 'Condition/c1', 'RiskAssessment/r1'] },
  { name: 'compartment search: Practitioner', path: 'Practitioner/dr1/Observation', query: '', matches: ['Observation/o1'] },
  { name: 'compartment search: Encounter', path: 'Encounter/e1/*', query: '', matches: ['Observation/o1'] },
  // system search
  { name: 'system search with _type', path: '', query: '_type=Patient,Practitioner&_id=p1,dr1', matches: ['Patient/p1', 'Practitioner/dr1'] },
  { name: 'system search without _type', path: '', query: '_id=o1', matches: ['Observation/o1'] },
  { name: 'system search on a shared parameter', path: '', query: '_type=Patient,Practitioner&name=house', matches: ['Practitioner/dr1'] },
];

export const searchErrorCases: readonly SearchErrorCase[] = [
  { name: 'unknown parameter, strict', path: 'Patient', query: 'foo=bar', strict: true, code: 'UNKNOWN_SEARCH_PARAMETER', expression: 'foo' },
  { name: 'malformed date, strict', path: 'Patient', query: 'birthdate=yesterday', strict: true, code: 'INVALID_SEARCH', expression: 'birthdate' },
  { name: 'modifier not allowed on the type, strict', path: 'Patient', query: 'gender:exact=male', strict: true, code: 'INVALID_SEARCH', expression: 'gender:exact' },
  { name: 'unknown chained parameter, strict', path: 'Observation', query: 'subject:Patient.nope=x', strict: true, code: 'UNKNOWN_SEARCH_PARAMETER', expression: 'subject:Patient.nope' },
  { name: 'bad _count, strict', path: 'Patient', query: '_count=-1', strict: true, code: 'INVALID_SEARCH', expression: '_count' },
  { name: '_contained=true is not supported, strict', path: 'Patient', query: '_contained=true', strict: true, code: 'INVALID_SEARCH', expression: '_contained' },
  { name: 'functional _list is not supported, strict', path: 'Patient', query: '_list=$current-allergies', strict: true, code: 'INVALID_SEARCH', expression: '_list' },
  { name: 'near without a longitude, strict', path: 'Location', query: 'near=42.3', strict: true, code: 'INVALID_SEARCH', expression: 'near' },
  // search.html#modifiers: an unsupported modifier is rejected, lenient handling or not (issue 9, defect 6).
  { name: 'unknown modifier, lenient', path: 'Patient', query: 'family:nosuchmodifier=x', strict: false, code: 'INVALID_SEARCH', expression: 'family:nosuchmodifier' },
  { name: ':exact on a token, lenient', path: 'Patient', query: 'gender:exact=male', strict: false, code: 'INVALID_SEARCH', expression: 'gender:exact' },
  { name: ':below on a string, lenient', path: 'Patient', query: 'family:below=x', strict: false, code: 'INVALID_SEARCH', expression: 'family:below' },
  { name: ':in an unknown value set', path: 'Encounter', query: 'class:in=http://example.org/no-such-vs', strict: true, code: 'INVALID_SEARCH', expression: 'class:in' },
  { name: ':below without a system', path: 'Encounter', query: 'class:below=AMB', strict: true, code: 'INVALID_SEARCH', expression: 'class:below' },
  { name: ':below in a code system not on this server', path: 'Condition', query: 'code:below=http://snomed.info/sct|73211009', strict: true, code: 'NOT_IMPLEMENTED', expression: 'code:below' },
  { name: ':contains on a date, lenient', path: 'Patient', query: 'birthdate:contains=2000', strict: false, code: 'INVALID_SEARCH', expression: 'birthdate:contains' },
  { name: 'type modifier that is not a target, lenient', path: 'Observation', query: 'subject:Medication=x', strict: false, code: 'INVALID_SEARCH', expression: 'subject:Medication' },
  { name: 'modifier on a control parameter, lenient', path: 'Patient', query: '_count:exact=1', strict: false, code: 'INVALID_SEARCH', expression: '_count:exact' },
  { name: 'unknown modifier inside a chain, lenient', path: 'Observation', query: 'subject:Patient.family:nosuch=x', strict: false, code: 'INVALID_SEARCH', expression: 'subject:Patient.family:nosuch' },
  { name: 'unknown modifier on _include, lenient', path: 'Observation', query: '_include:deep=Observation:subject', strict: false, code: 'INVALID_SEARCH', expression: '_include:deep' },
  { name: 'forged cursor', path: 'Patient', query: '_cursor=bm90LWEtY3Vyc29y', strict: false, code: 'INVALID_SEARCH', expression: '_cursor' },
];
