// The conformance corpus (issue 9, "Make it stay fixed"): every valid base of corpus-bases.ts,
// and invalid cases made from them by one mutation each, covering each class of R4 rule the
// issue names: the base invariants (ele-1, dom-*, ext-1), the resource and datatype invariants
// (pat-1, obs-6/7, con-4/5, org-1, per-1, qty-3, ref-1, ...), cardinality, JSON types and
// primitive formats. HAPI's instance validator is the oracle (conformance-corpus.test.ts);
// `intent` is what the case was written to be, checked against HAPI so the corpus stays honest.
import { bases, type Json } from './corpus-bases';

export interface CorpusCase {
  /** Unique, file-name safe. */
  readonly name: string;
  readonly intent: 'valid' | 'invalid';
  /** The rule the case exercises (an invariant key, or a class such as cardinality). */
  readonly covers: string;
  readonly resource: Json;
}

type Path = readonly (string | number)[];

function clone(base: keyof typeof bases): Json {
  return structuredClone(bases[base]) as Json;
}

function setAt(target: Json, path: Path, value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

const cases: CorpusCase[] = [];

function add(intent: CorpusCase['intent'], covers: string, label: string, resource: Json): void {
  cases.push({ name: `${intent}-${covers}-${label}`.replace(/[^A-Za-z0-9.-]+/g, '-'), intent, covers, resource });
}

/** An invalid case: `base` with each [path, value] applied (undefined deletes). */
function invalid(covers: string, base: keyof typeof bases, label: string, ...edits: readonly [Path, unknown][]): void {
  const resource = clone(base);
  for (const [path, value] of edits) setAt(resource, path, value);
  add('invalid', covers, `${base}-${label}`, resource);
}

/** A valid variant: `base` with edits that keep it valid (the near misses of each rule). */
function valid(covers: string, base: keyof typeof bases, label: string, ...edits: readonly [Path, unknown][]): void {
  const resource = clone(base);
  for (const [path, value] of edits) setAt(resource, path, value);
  add('valid', covers, `${base}-${label}`, resource);
}

// Every base as it is.
for (const base of Object.keys(bases) as (keyof typeof bases)[]) add('valid', 'base', base, clone(base));

const period = (start: string, end: string): Json => ({ start, end });
const kg = (value: number): Json => ({ value, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' });
const xhtml = (inner: string): string => `<div xmlns="http://www.w3.org/1999/xhtml">${inner}</div>`;
const org = (extra: Json = {}): Json => ({ resourceType: 'Organization', id: 'org1', name: 'Contained', ...extra });

// ele-1: all FHIR elements must have a @value or children.
invalid('ele-1', 'patient', 'empty-name', [['name'], [{}]]);
invalid('ele-1', 'patient', 'empty-period', [['identifier', 0, 'period'], {}]);
invalid('ele-1', 'observation', 'empty-coding', [['code', 'coding'], [{}]]);
invalid('ele-1', 'organization', 'empty-telecom', [['telecom'], [{}]]);
invalid('ele-1', 'encounter', 'empty-length', [['length'], {}]);
invalid('ele-1', 'condition', 'empty-code', [['code'], {}]);
invalid('ele-1', 'medicationRequest', 'empty-dosage', [['dosageInstruction'], [{}]]);
invalid('ele-1', 'patient', 'empty-meta-tag', [['meta'], { tag: [{}] }]);
invalid('ele-1', 'patient', 'empty-extension-element', [['_birthDate'], {}]);

// dom-2..dom-5: contained resources.
invalid('dom-2', 'patientContained', 'nested-contained', [['contained', 0, 'contained'], [{ resourceType: 'Organization', id: 'inner', name: 'Inner' }]]);
invalid('dom-3', 'patientContained', 'unreferenced', [['managingOrganization'], undefined]);
invalid('dom-3', 'patient', 'unreferenced-practitioner', [['contained'], [{ resourceType: 'Practitioner', id: 'p1', name: [{ family: 'Orphan' }] }]]);
invalid('dom-4', 'patientContained', 'version-id', [['contained', 0], org({ meta: { versionId: '1' } })]);
invalid('dom-4', 'patientContained', 'last-updated', [['contained', 0], org({ meta: { lastUpdated: '2020-01-01T00:00:00Z' } })]);
invalid('dom-5', 'patientContained', 'security', [['contained', 0], org({ meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] } })]);
valid('dom-3', 'patientContained', 'referenced-from-extension', [['managingOrganization'], undefined], [['extension'], [{ url: 'http://example.org/fhir/StructureDefinition/org', valueReference: { reference: '#org1' } }]]);
valid('dom-4', 'patientContained', 'contained-profile', [['contained', 0], org({ meta: { profile: ['http://hl7.org/fhir/StructureDefinition/Organization'] } })]);
valid('dom-6', 'observation', 'no-narrative-is-only-a-warning');

// ext-1: an extension has extensions or a value[x], not both; Extension.url is required.
invalid('ext-1', 'patientExtension', 'value-and-children', [['extension', 1, 'valueString'], 'both']);
invalid('ext-1', 'patientExtension', 'on-element', [['name', 0, 'extension', 0, 'extension'], [{ url: 'x', valueString: 'y' }]]);
invalid('ext-1', 'observation', 'modifier-extension', [['modifierExtension'], [{ url: 'http://example.org/m', valueBoolean: true, extension: [{ url: 'a', valueString: 'b' }] }]]);
invalid('ext-1', 'patient', 'on-primitive', [['_birthDate', 'extension', 0, 'extension'], [{ url: 'a', valueString: 'b' }]]);
invalid('ext-1', 'patientExtension', 'neither-value-nor-children', [['extension', 0, 'valueAddress'], undefined]);
invalid('cardinality', 'patientExtension', 'extension-without-url', [['extension', 0, 'url'], undefined]);

// pat-1: a contact has details or an organization.
invalid('pat-1', 'patient', 'contact-with-gender-only', [['contact'], [{ gender: 'female' }]]);
invalid('pat-1', 'patient', 'contact-with-relationship-only', [['contact'], [{ relationship: [{ text: 'Mother' }] }]]);
valid('pat-1', 'patient', 'contact-with-organization-only', [['contact'], [{ organization: { reference: 'Organization/1' } }]]);
valid('pat-1', 'patient', 'contact-with-address-only', [['contact'], [{ address: { city: 'Paris' } }]]);

// obs-6: dataAbsentReason only when there is no value; obs-7: no value when a component repeats the code.
invalid('obs-6', 'observation', 'value-and-absent-reason', [['dataAbsentReason'], { text: 'unknown' }]);
// obs-6 is an Observation rule only: a component may carry a value and a dataAbsentReason.
valid('obs-6', 'observationComponents', 'component-value-and-absent-reason', [['component', 0, 'dataAbsentReason'], { text: 'error' }]);
invalid('obs-6', 'observationAbsent', 'string-value', [['valueString'], 'present']);
invalid('obs-7', 'observationComponents', 'component-repeats-code-with-value', [['component', 0, 'code'], { coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure panel' }] }], [['valueString'], 'x']);
valid('obs-7', 'observationComponents', 'component-repeats-code-without-value', [['component', 0, 'code'], { coding: [{ system: 'http://loinc.org', code: '85354-9' }] }]);
invalid('obs-3', 'observation', 'reference-range-without-low-high-text', [['referenceRange'], [{ type: { text: 'normal' } }]]);
valid('obs-3', 'observation', 'reference-range-text-only', [['referenceRange'], [{ text: 'normal' }]]);

// con-4 / con-5 (Condition) and ait-1 / ait-2 (AllergyIntolerance): status combinations.
invalid('con-4', 'conditionResolved', 'abated-but-active', [['clinicalStatus', 'coding', 0, 'code'], 'active']);
invalid('con-4', 'conditionResolved', 'abated-but-recurrence', [['clinicalStatus', 'coding', 0, 'code'], 'recurrence']);
invalid('con-4', 'conditionResolved', 'abatement-string-but-relapse', [['abatementDateTime'], undefined], [['abatementString'], 'last week'], [['clinicalStatus', 'coding', 0, 'code'], 'relapse']);
valid('con-4', 'conditionResolved', 'abated-in-remission', [['clinicalStatus', 'coding', 0, 'code'], 'remission']);
invalid('con-5', 'condition', 'entered-in-error-with-clinical-status', [['verificationStatus', 'coding', 0, 'code'], 'entered-in-error']);
valid('con-5', 'condition', 'entered-in-error-without-clinical-status', [['verificationStatus', 'coding', 0, 'code'], 'entered-in-error'], [['clinicalStatus'], undefined]);
invalid('ait-1', 'allergy', 'no-clinical-status', [['clinicalStatus'], undefined]);
invalid('ait-2', 'allergy', 'entered-in-error-with-clinical-status', [['verificationStatus', 'coding', 0, 'code'], 'entered-in-error']);
valid('ait-2', 'allergy', 'entered-in-error-without-clinical-status', [['verificationStatus', 'coding', 0, 'code'], 'entered-in-error'], [['clinicalStatus'], undefined]);

// org-1: an Organization has a name or an identifier; org-2/org-3: no home address or telecom.
invalid('org-1', 'organization', 'no-name-no-identifier', [['name'], undefined], [['identifier'], undefined]);
valid('org-1', 'organization', 'name-only', [['identifier'], undefined]);
valid('org-1', 'organization', 'identifier-only', [['name'], undefined]);
invalid('org-2', 'organization', 'home-address', [['address', 0, 'use'], 'home']);
invalid('org-3', 'organization', 'home-telecom', [['telecom', 0, 'use'], 'home']);

// per-1: a Period's start is not after its end, wherever a Period is.
invalid('per-1', 'patient', 'identifier-period', [['identifier', 0, 'period'], period('2010-01-01', '2001-01-01')]);
invalid('per-1', 'patient', 'name-period', [['name', 0, 'period'], period('2020-05-06', '2020-05-05')]);
invalid('per-1', 'patient', 'address-period', [['address', 0, 'period'], period('1999', '1998')]);
invalid('per-1', 'encounter', 'period', [['period'], period('2020-01-01T11:00:00Z', '2020-01-01T10:00:00Z')]);
invalid('per-1', 'observationComponents', 'effective-period', [['effectivePeriod'], period('2012-09-17T10:05:00Z', '2012-09-17T10:00:00Z')]);
invalid('per-1', 'procedure', 'performed-period', [['performedPeriod'], period('2013-04-07', '2013-04-06')]);
invalid('per-1', 'carePlan', 'period', [['period'], period('2021-01-01', '2020-06-30')]);
invalid('per-1', 'practitioner', 'qualification-period', [['qualification', 0, 'period'], period('2000', '1995')]);
valid('per-1', 'encounter', 'equal-start-end', [['period'], period('2020-01-01T10:00:00Z', '2020-01-01T10:00:00Z')]);
valid('per-1', 'procedure', 'open-ended', [['performedPeriod'], { start: '2013-04-05' }]);
valid('per-1', 'carePlan', 'different-precision', [['period'], period('2019', '2020-06-30')]);

// qty-3: a Quantity with a code has a system.
invalid('qty-3', 'observation', 'value-quantity', [['valueQuantity'], { value: 67.1, unit: 'kg', code: 'kg' }]);
invalid('qty-3', 'observation', 'reference-range-low', [['referenceRange', 0, 'low'], { value: 50, code: 'kg' }]);
invalid('qty-3', 'goal', 'detail-quantity', [['target', 0, 'detailQuantity'], { value: 70, code: 'kg' }]);
invalid('qty-3', 'medication', 'strength-numerator', [['ingredient', 0, 'strength', 'numerator'], { value: 100, code: 'mg' }]);
invalid('qty-3', 'encounter', 'length-duration', [['length'], { value: 60, code: 'min' }]);
invalid('qty-3', 'immunization', 'dose-quantity', [['doseQuantity'], { value: 5, code: 'mL' }]);
valid('qty-3', 'observation', 'unit-only', [['valueQuantity'], { value: 67.1, unit: 'kg' }]);

// ref-1: a local reference has its contained resource.
invalid('ref-1', 'patientContained', 'missing-contained', [['managingOrganization', 'reference'], '#org2']);
invalid('ref-1', 'observation', 'subject-without-contained', [['subject'], { reference: '#p1' }]);
invalid('ref-1', 'condition', 'subject-without-contained', [['subject'], { reference: '#missing' }]);
valid('ref-1', 'observation', 'contained-subject', [['contained'], [{ resourceType: 'Patient', id: 'p1', name: [{ family: 'Inside' }] }]], [['subject'], { reference: '#p1' }]);

// Datatype invariants: att-1, cpt-2, rng-2, rat-1, sqty-1, txt-1/txt-2, tim-*.
invalid('att-1', 'documentReference', 'data-without-content-type', [['content', 0, 'attachment', 'contentType'], undefined]);
valid('att-1', 'documentReference', 'url-without-content-type', [['content', 0, 'attachment'], { url: 'http://example.org/doc.txt' }]);
invalid('cpt-2', 'patient', 'telecom-value-without-system', [['telecom', 0, 'system'], undefined]);
invalid('cpt-2', 'organization', 'telecom-value-without-system', [['telecom', 0, 'system'], undefined]);
invalid('cpt-2', 'relatedPerson', 'telecom-value-without-system', [['telecom', 0, 'system'], undefined]);
invalid('rng-2', 'observationRange', 'low-above-high', [['valueRange', 'low', 'value'], 9]);
valid('rng-2', 'observationRange', 'low-only', [['valueRange', 'high'], undefined]);
invalid('rat-1', 'medication', 'numerator-only', [['ingredient', 0, 'strength', 'denominator'], undefined]);
invalid('sqty-1', 'medicationRequest', 'dose-with-comparator', [['dosageInstruction', 0, 'doseAndRate', 0, 'doseQuantity', 'comparator'], '<']);
// Ratio.denominator is a Quantity, not a SimpleQuantity: a comparator is allowed there.
valid('sqty-1', 'medication', 'ratio-denominator-with-comparator', [['ingredient', 0, 'strength', 'denominator', 'comparator'], '>=']);
invalid('txt-1', 'patient', 'script-in-narrative', [['text', 'div'], xhtml('<script>alert(1)</script>Peter')]);
invalid('txt-1', 'patient', 'event-handler-attribute', [['text', 'div'], xhtml('<p onclick="x()">Peter</p>')]);
invalid('txt-2', 'patient', 'empty-narrative', [['text', 'div'], xhtml('')]);
valid('txt-1', 'patient', 'table-narrative', [['text', 'div'], xhtml('<table><tr><td>Peter</td></tr></table>')]);
invalid('txt-1', 'patient', 'javascript-link', [['text', 'div'], xhtml('<a href="javascript:alert(1)">Peter</a>')]);
invalid('txt-1', 'patient', 'html-entity', [['text', 'div'], xhtml('Peter&nbsp;James')]);
invalid('txt-1', 'patient', 'iframe', [['text', 'div'], xhtml('<iframe src="http://example.org"></iframe>Peter')]);
invalid('txt-2', 'patient', 'whitespace-and-comment-only', [['text', 'div'], xhtml(' <!-- nothing --> ')]);
valid('txt-1', 'patient', 'styled-link-and-image', [['text', 'div'], xhtml('<p style="color:red">Peter <a href="http://example.org">home</a> <img src="http://example.org/p.png" alt="p"/></p>')]);
valid('txt-2', 'patient', 'xml-entities', [['text', 'div'], xhtml('Peter &amp; James &#160;&lt;3')]);
const repeat = ['dosageInstruction', 0, 'timing', 'repeat'];
invalid('tim-1', 'medicationRequest', 'duration-without-unit', [[...repeat, 'duration'], 10]);
invalid('tim-2', 'medicationRequest', 'period-without-unit', [[...repeat, 'periodUnit'], undefined]);
invalid('tim-4', 'medicationRequest', 'negative-duration', [[...repeat, 'duration'], -1], [[...repeat, 'durationUnit'], 'min']);
invalid('tim-5', 'medicationRequest', 'negative-period', [[...repeat, 'period'], -1]);
invalid('tim-6', 'medicationRequest', 'period-max-without-period', [[...repeat, 'period'], undefined], [[...repeat, 'periodMax'], 2]);
invalid('tim-7', 'medicationRequest', 'duration-max-without-duration', [[...repeat, 'durationMax'], 5], [[...repeat, 'durationUnit'], 'min']);
invalid('tim-8', 'medicationRequest', 'count-max-without-count', [[...repeat, 'countMax'], 5]);
invalid('tim-9', 'medicationRequest', 'offset-without-when', [[...repeat, 'offset'], 30]);
invalid('tim-10', 'medicationRequest', 'time-of-day-and-when', [[...repeat, 'timeOfDay'], ['08:00:00']], [[...repeat, 'when'], ['MORN']]);
valid('tim-10', 'medicationRequest', 'time-of-day', [[...repeat, 'timeOfDay'], ['08:00:00']], [[...repeat, 'frequency'], 1]);

// Resource invariants beyond the list: app-*, gol-1, que-*, cpl-3, prr-1.
invalid('app-2', 'appointment', 'start-without-end', [['end'], undefined]);
invalid('app-3', 'appointment', 'booked-without-times', [['end'], undefined], [['start'], undefined]);
valid('app-3', 'appointment', 'proposed-without-times', [['end'], undefined], [['start'], undefined], [['status'], 'proposed']);
invalid('app-4', 'appointment', 'cancelation-reason-when-booked', [['cancelationReason'], { text: 'patient' }]);
invalid('gol-1', 'goal', 'detail-without-measure', [['target', 0, 'measure'], undefined]);
invalid('que-1', 'questionnaire', 'group-without-items', [['item', 1, 'item'], undefined]);
invalid('que-2', 'questionnaire', 'duplicate-link-id', [['item', 1, 'linkId'], '1'], [['item', 1, 'item', 0, 'linkId'], '1']);
invalid('que-6', 'questionnaire', 'required-display', [['item', 2, 'required'], true]);
invalid('que-8', 'questionnaire', 'initial-on-group', [['item', 1, 'initial'], [{ valueString: 'x' }]]);
invalid('que-10', 'questionnaire', 'max-length-on-group', [['item', 1, 'maxLength'], 5]);
invalid('que-13', 'questionnaire', 'repeating-initial', [['item', 0, 'initial'], [{ valueString: 'a' }, { valueString: 'b' }]]);
invalid('cpl-3', 'carePlan', 'activity-detail-and-reference', [['activity', 0, 'reference'], { reference: 'ServiceRequest/1' }]);
invalid('prr-1', 'serviceRequest', 'order-detail-without-code', [['code'], undefined]);

// Cardinality: required elements missing, single elements given as arrays, arrays as objects.
invalid('cardinality', 'observation', 'no-status', [['status'], undefined]);
invalid('cardinality', 'observation', 'no-code', [['code'], undefined]);
invalid('cardinality', 'encounter', 'no-class', [['class'], undefined]);
invalid('cardinality', 'encounter', 'no-status', [['status'], undefined]);
invalid('cardinality', 'condition', 'no-subject', [['subject'], undefined]);
invalid('cardinality', 'medicationRequest', 'no-intent', [['intent'], undefined]);
invalid('cardinality', 'medicationRequest', 'no-medication', [['medicationCodeableConcept'], undefined]);
invalid('cardinality', 'appointment', 'no-participant', [['participant'], undefined]);
invalid('cardinality', 'appointment', 'participant-without-status', [['participant', 0, 'status'], undefined]);
invalid('cardinality', 'allergy', 'no-patient', [['patient'], undefined]);
invalid('cardinality', 'immunization', 'no-vaccine-code', [['vaccineCode'], undefined]);
invalid('cardinality', 'immunization', 'no-occurrence', [['occurrenceDateTime'], undefined]);
invalid('cardinality', 'questionnaire', 'item-without-link-id', [['item', 0, 'linkId'], undefined]);
invalid('cardinality', 'questionnaire', 'no-status', [['status'], undefined]);
invalid('cardinality', 'documentReference', 'no-content', [['content'], undefined]);
invalid('cardinality', 'basic', 'no-code', [['code'], undefined]);
invalid('cardinality', 'goal', 'no-description', [['description'], undefined]);
invalid('cardinality', 'patient', 'gender-as-array', [['gender'], ['male']]);
invalid('cardinality', 'patient', 'birth-date-as-array', [['birthDate'], ['1974-12-25']]);
invalid('cardinality', 'patient', 'active-as-array', [['active'], [true]]);
invalid('cardinality', 'patient', 'name-as-object', [['name'], { family: 'Chalmers' }]);
invalid('cardinality', 'observation', 'coding-as-object', [['code', 'coding'], { system: 'http://loinc.org', code: '29463-7' }]);
invalid('cardinality', 'patient', 'two-deceased-choices', [['deceasedDateTime'], '2020-01-01']);
invalid('cardinality', 'observation', 'two-value-choices', [['valueString'], 'heavy']);
invalid('cardinality', 'patient', 'given-with-null', [['name', 0, 'given'], ['Peter', null]]);
invalid('cardinality', 'location', 'position-without-latitude', [['position', 'latitude'], undefined]);

// JSON types: the right element with the wrong JSON type or shape.
invalid('type', 'patient', 'active-string', [['active'], 'yes']);
invalid('type', 'patient', 'birth-date-number', [['birthDate'], 19741225]);
invalid('type', 'patient', 'name-string', [['name'], ['Peter Chalmers']]);
invalid('type', 'patient', 'gender-object', [['gender'], { code: 'male' }]);
invalid('type', 'observation', 'quantity-value-string', [['valueQuantity', 'value'], '67.1']);
invalid('type', 'observation', 'value-string-number', [['valueQuantity'], undefined], [['valueString'], 42]);
invalid('type', 'patient', 'multiple-birth-integer-fraction', [['multipleBirthInteger'], 1.5]);
invalid('type', 'location', 'latitude-string', [['position', 'latitude'], '42.25']);
invalid('type', 'patient', 'deceased-boolean-string', [['deceasedBoolean'], 'false']);
invalid('type', 'encounter', 'class-array', [['class'], [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }]]);
invalid('type', 'medicationRequest', 'frequency-string', [[...repeat, 'frequency'], '3']);
invalid('type', 'observation', 'subject-string', [['subject'], 'Patient/corpus-patient']);
invalid('type', 'patient', 'telecom-rank-string', [['telecom', 0, 'rank'], '1']);
invalid('type', 'questionnaire', 'item-text-number', [['item', 0, 'text'], 7]);

// Unknown elements (R4 JSON: unknown properties are errors) and resource-level shape.
invalid('unknown-element', 'patient', 'top-level', [['nickname'], 'Pete']);
invalid('unknown-element', 'patient', 'in-datatype', [['name', 0, 'nickname'], 'Pete']);
invalid('unknown-element', 'observation', 'in-backbone', [['referenceRange', 0, 'severity'], 'high']);
invalid('unknown-element', 'organization', 'misspelt', [['adress'], [{ city: 'Ann Arbor' }]]);
invalid('unknown-element', 'patient', 'choice-without-type', [['deceasedBoolean'], undefined], [['deceased'], true]);
invalid('unknown-element', 'observation', 'choice-of-wrong-type', [['valueQuantity'], undefined], [['valueAddress'], { city: 'x' }]);

// Primitive formats (https://hl7.org/fhir/R4/datatypes.html#primitive).
invalid('format-date', 'patient', 'month-13', [['birthDate'], '1974-13-25']);
invalid('format-date', 'patient', 'day-32', [['birthDate'], '1974-12-32']);
invalid('format-date', 'patient', 'slashes', [['birthDate'], '25/12/1974']);
invalid('format-date', 'patient', 'with-time', [['birthDate'], '1974-12-25T10:00:00Z']);
invalid('format-date', 'device', 'two-digit-year', [['manufactureDate'], '15-08-08']);
invalid('format-dateTime', 'observation', 'time-without-zone', [['effectiveDateTime'], '2016-03-28T09:30:10']);
invalid('format-dateTime', 'observation', 'hour-only', [['effectiveDateTime'], '2016-03-28T09Z']);
invalid('format-dateTime', 'condition', 'hour-25', [['onsetDateTime'], '2012-05-24T25:00:00Z']);
invalid('format-dateTime', 'encounter', 'space-separator', [['period', 'start'], '2020-01-01 10:00:00Z']);
invalid('format-instant', 'observation', 'issued-date-only', [['issued'], '2016-03-28']);
invalid('format-instant', 'diagnosticReport', 'issued-without-zone', [['issued'], '2020-01-01T12:00:00']);
// Not meta.lastUpdated: a server SHALL ignore it on create (http.html#create), so POST may accept it.
invalid('format-instant', 'observation', 'issued-a-word', [['issued'], 'yesterday']);
// No fractional-second `time` case: R4 allows it (datatypes.html#time), HAPI 8.8 rejects it.
invalid('format-time', 'medicationRequest', 'time-of-day-24', [[...repeat, 'timeOfDay'], ['24:00:00']], [[...repeat, 'frequency'], 1]);
invalid('format-code', 'patient', 'code-with-leading-space', [['gender'], ' male']);
invalid('format-code', 'patient', 'empty-code', [['gender'], '']);
invalid('format-string', 'patient', 'empty-string', [['name', 0, 'family'], '']);
invalid('format-id', 'patientContained', 'contained-id-with-space', [['contained', 0, 'id'], 'org 1'], [['managingOrganization', 'reference'], '#org 1']);
invalid('format-id', 'patientContained', 'contained-id-too-long', [['contained', 0, 'id'], 'x'.repeat(65)], [['managingOrganization', 'reference'], `#${'x'.repeat(65)}`]);
invalid('format-uri', 'patient', 'identifier-system-with-space', [['identifier', 0, 'system'], 'urn:oid:1.2 3']);
invalid('format-integer', 'patient', 'multiple-birth-too-big', [['multipleBirthInteger'], 2147483648]);
invalid('format-positiveInt', 'medicationRequest', 'frequency-zero', [[...repeat, 'frequency'], 0]);
invalid('format-positiveInt', 'medicationRequest', 'count-zero', [[...repeat, 'count'], 0]);
invalid('format-unsignedInt', 'medicationRequest', 'negative-offset', [[...repeat, 'offset'], -5], [[...repeat, 'when'], ['ACM']]);
invalid('format-base64Binary', 'documentReference', 'not-base64', [['content', 0, 'attachment', 'data'], 'not base64!!']);
invalid('format-boolean', 'immunization', 'primary-source-string', [['primarySource'], 'true']);

// Required bindings: a code outside the value set.
invalid('binding', 'patient', 'gender-unknown-code', [['gender'], 'mail']);
invalid('binding', 'observation', 'status-unknown-code', [['status'], 'done']);
invalid('binding', 'encounter', 'status-unknown-code', [['status'], 'complete']);
invalid('binding', 'allergy', 'criticality-unknown-code', [['criticality'], 'severe']);
invalid('binding', 'patient', 'telecom-system-unknown', [['telecom', 0, 'system'], 'fax-machine']);
invalid('binding', 'appointment', 'participant-status-unknown', [['participant', 0, 'status'], 'maybe']);
invalid('binding', 'questionnaire', 'item-type-unknown', [['item', 0, 'type'], 'text-area']);
invalid('binding', 'medicationRequest', 'period-unit-unknown', [[...repeat, 'periodUnit'], 'days']);
invalid('binding', 'condition', 'clinical-status-unknown', [['clinicalStatus', 'coding', 0, 'code'], 'ongoing']);
invalid('binding', 'condition', 'clinical-status-text-only', [['clinicalStatus'], { text: 'active' }]);
invalid('binding', 'condition', 'clinical-status-no-system', [['clinicalStatus'], { coding: [{ code: 'active' }] }]);
invalid('binding', 'condition', 'verification-status-other-system', [['verificationStatus'], { coding: [{ system: 'http://example.org/status', code: 'confirmed' }] }]);
invalid('binding', 'allergy', 'clinical-status-unknown', [['clinicalStatus', 'coding', 0, 'code'], 'ongoing']);
valid('binding', 'condition', 'clinical-status-wrong-display', [['clinicalStatus', 'coding', 0, 'display'], 'Whatever']);
valid('binding', 'patient', 'gender-other', [['gender'], 'other']);

// Valid near misses of the format rules.
valid('format-dateTime', 'observation', 'year-only', [['effectiveDateTime'], '2016']);
valid('format-dateTime', 'observation', 'year-month', [['effectiveDateTime'], '2016-03']);
valid('format-dateTime', 'observation', 'fractional-seconds', [['effectiveDateTime'], '2016-03-28T09:30:10.5+01:00']);
valid('format-date', 'patient', 'year-month', [['birthDate'], '1974-12']);
valid('format-decimal', 'observation', 'decimal-with-exponent', [['valueQuantity', 'value'], 6.71e1]);
valid('format-id', 'patientContained', 'contained-id-64', [['contained', 0, 'id'], 'x'.repeat(64)], [['managingOrganization', 'reference'], `#${'x'.repeat(64)}`]);
valid('format-string', 'patient', 'unicode', [['name', 0, 'family'], 'Ölçer 王']);
valid('primitive-extension', 'patient', 'given-null-with-extension', [['name', 0, 'given'], ['Peter', null]], [['name', 0, '_given'], [null, { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier', valueCode: 'CL' }] }]]);
valid('cardinality', 'observation', 'no-value', [['valueQuantity'], undefined]);
valid('cardinality', 'patient', 'minimal', [['name'], undefined], [['text'], undefined], [['identifier'], undefined], [['telecom'], undefined], [['address'], undefined], [['contact'], undefined], [['_birthDate'], undefined], [['communication'], undefined]);
valid('qty-3', 'observation', 'zero-with-system', [['valueQuantity'], kg(0)]);

export const corpus: readonly CorpusCase[] = cases;
