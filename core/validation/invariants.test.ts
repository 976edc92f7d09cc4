// The R4 invariants (issue 9, defect 2): the generated table, its listed exceptions, and the
// evaluation through fhirpath.js at the element each constraint is defined on.
import { compile } from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';
import type { OperationOutcomeIssue } from '../fhir-types';
import { constraintRows, constraintsAtPath } from '../generated/invariants';
import { invariantExceptions, invariantRewrites } from './invariant-exceptions';
import { baseConstraintsAt, evaluateConstraints, exceptionFor, type Constraint } from './invariants';
import { validateResource, validationIssues } from './validate-resource';

const errorsOf = (resource: unknown): { key: string; expression: string[] }[] =>
  validateResource(resource).map((issue) => ({ key: /\(([a-z]+-\d+)\)$/.exec(issue.diagnostics ?? '')?.[1] ?? issue.code, expression: issue.expression ?? [] }));

describe('the generated invariant table', () => {
  it('holds every error constraint of the R4 base, including the ones issue 9 names', () => {
    const keys = new Set(constraintRows.filter((row) => row[1] === 'error').map((row) => row[0]));
    for (const key of ['ele-1', 'ext-1', 'dom-2', 'dom-4', 'dom-5', 'pat-1', 'obs-6', 'con-4', 'org-1', 'per-1', 'qty-3', 'bdl-1', 'sdf-10']) expect(keys).toContain(key);
    expect(constraintRows.length).toBeGreaterThan(200);
  });

  it('lists only exceptions that name a constraint of the table', () => {
    for (const id of Object.keys(invariantExceptions)) {
      const [path = '', key = ''] = id.split(' ');
      const paths = path === '*' ? Object.keys(constraintsAtPath) : [path];
      const found = paths.some((p) => (constraintsAtPath[p] ?? []).some((row) => constraintRows[row]?.[0] === key));
      expect([id, found]).toEqual([id, true]);
    }
  });

  it('rewrites only constraints of the table, and the rewrites compile', () => {
    for (const [id, rewrite] of Object.entries(invariantRewrites)) {
      const [path = '', key = ''] = id.split(' ');
      expect([id, (constraintsAtPath[path] ?? []).some((row) => constraintRows[row]?.[0] === key)]).toEqual([id, true]);
      expect(() => compile({ base: path, expression: rewrite.expression }, r4Model)).not.toThrow();
    }
  });

  it('keeps the root constraints of SimpleQuantity and MoneyQuantity under their names (qty-3 inherited)', () => {
    const keysAt = (path: string): string[] => (constraintsAtPath[path] ?? []).map((row) => constraintRows[row]?.[0] ?? '');
    expect(keysAt('SimpleQuantity')).toEqual(expect.arrayContaining(['qty-3', 'sqty-1']));
    expect(keysAt('MoneyQuantity')).toEqual(expect.arrayContaining(['qty-3', 'mqty-1']));
  });

  it('compiles every constraint that is not listed as an exception, with its element path as base', () => {
    const failures: string[] = [];
    for (const [path, rows] of Object.entries(constraintsAtPath)) {
      for (const row of rows) {
        const [key, , expression] = constraintRows[row] ?? ['', '', ''];
        if (exceptionFor(path, key) !== undefined) continue;
        try {
          compile({ base: path, expression }, r4Model);
        } catch (error) {
          failures.push(`${path} ${key}: ${String(error)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

/** Issue 9, defect 2: accepted with 201 before; each must be rejected naming the element. */
const violations: [string, Record<string, unknown>, string, string][] = [
  ['a Patient.contact with no details (pat-1)', { resourceType: 'Patient', contact: [{ gender: 'male' }] }, 'pat-1', 'Patient.contact[0]'],
  ['an Observation with a value and a dataAbsentReason (obs-6)', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueString: 'v', dataAbsentReason: { text: 'unknown' } }, 'obs-6', 'Observation'],
  [
    'an abated Condition whose clinicalStatus is active (con-4)',
    { resourceType: 'Condition', subject: { reference: 'Patient/1' }, abatementDateTime: '2020-01-01', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] } },
    'con-4',
    'Condition',
  ],
  ['an Organization without name or identifier (org-1)', { resourceType: 'Organization', active: true }, 'org-1', 'Organization'],
  ['a Period whose start is after its end (per-1)', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, effectivePeriod: { start: '2020-02-01', end: '2020-01-01' } }, 'per-1', 'Observation.effectivePeriod'],
  ['a Quantity with a code but no system (qty-3)', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: 1, code: 'mg' } }, 'qty-3', 'Observation.valueQuantity'],
  ['an element with only an id (ele-1)', { resourceType: 'Patient', maritalStatus: { id: 'm' } }, 'ele-1', 'Patient.maritalStatus'],
  ['an Organization telecom of use home, moved to its parent (org-3)', { resourceType: 'Organization', name: 'O', telecom: [{ system: 'phone', value: '1', use: 'home' }] }, 'org-3', 'Organization'],
  ['an invariant inside a contained resource (org-1)', { resourceType: 'Patient', managingOrganization: { reference: '#o' }, contained: [{ resourceType: 'Organization', id: 'o' }] }, 'org-1', 'Patient.contained[0]'],
  [
    'an invariant inside a Bundle entry (per-1)',
    { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:0b3e3b2e-1c3a-4f34-9d7e-3c2b1a0f9e8d', resource: { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, period: { start: '2020-02-01', end: '2020-01-01' } } }] },
    'per-1',
    'Bundle.entry[0].resource.period',
  ],
  ['a SimpleQuantity with a code but no system (qty-3 on Observation.referenceRange.low)', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, referenceRange: [{ low: { value: 50, code: 'kg' } }] }, 'qty-3', 'Observation.referenceRange[0].low'],
  ['a SimpleQuantity dose with a code but no system (qty-3 on Immunization.doseQuantity)', { resourceType: 'Immunization', status: 'completed', vaccineCode: { text: 'x' }, patient: { reference: 'Patient/1' }, occurrenceDateTime: '2020-01-01', doseQuantity: { value: 5, code: 'mL' } }, 'qty-3', 'Immunization.doseQuantity'],
  ['a non-repeating Questionnaire item with two initial values (que-13, absent repeats)', { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: 'a', type: 'string', initial: [{ valueString: 'a' }, { valueString: 'b' }] }] }, 'que-13', 'Questionnaire.item[0]'],
  ['a Questionnaire item with repeats false and two initial values (que-13)', { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: 'a', type: 'string', repeats: false, initial: [{ valueString: 'a' }, { valueString: 'b' }] }] }, 'que-13', 'Questionnaire.item[0]'],
  ['a Quantity nested in a backbone of a datatype (Timing.repeat tim-1)', { resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: { reference: 'Patient/1' }, medicationCodeableConcept: { text: 'x' }, dosageInstruction: [{ timing: { repeat: { duration: 1 } } }] }, 'tim-1', 'MedicationRequest.dosageInstruction[0].timing.repeat'],
];

describe('R4 invariants of severity error reject, naming the element', () => {
  it.each(violations)('%s', (_name, resource, key, expression) => {
    expect(errorsOf(resource)).toContainEqual({ key, expression: [expression] });
  });

  it.each([
    ['a Patient.contact with a name', { resourceType: 'Patient', contact: [{ name: { family: 'C' } }] }],
    ['an Observation with only a value', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueString: 'v' }],
    ['an abated, resolved Condition', { resourceType: 'Condition', subject: { reference: 'Patient/1' }, abatementDateTime: '2020-01-01', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] } }],
    ['an Organization with a name', { resourceType: 'Organization', name: 'O' }],
    ['a Period in order, and a partial one', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, effectivePeriod: { start: '2020-01-01', end: '2020-02' } }],
    ['a repeating Questionnaire item with two initial values, and a single initial value', { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: 'a', type: 'string', repeats: true, initial: [{ valueString: 'a' }, { valueString: 'b' }] }, { linkId: 'b', type: 'string', initial: [{ valueString: 'a' }] }] }],
    ['a SimpleQuantity with a UCUM system', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, referenceRange: [{ low: { value: 50, code: 'kg', system: 'http://unitsofmeasure.org' } }] }],
    ['a UCUM Quantity', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: 1, code: 'mg', system: 'http://unitsofmeasure.org' } }],
  ])('accepts %s', (_name, resource) => {
    expect(validateResource(resource)).toEqual([]);
  });
});

describe('warnings are reported, not enforced', () => {
  it('reports dom-6 (no narrative) as a warning that does not fail validation', () => {
    const patient = { resourceType: 'Patient', active: true };
    expect(validateResource(patient)).toEqual([]);
    expect(validationIssues(patient)).toEqual([{ severity: 'warning', code: 'invariant', diagnostics: 'A resource should have narrative for robust management (dom-6)', expression: ['Patient'] }]);
  });

  it('does not evaluate invariants on a structurally invalid resource', () => {
    expect(validationIssues({ resourceType: 'Organization', active: 'yes' }).map((i) => i.code)).toEqual(['structure']);
  });
});

describe('evaluateConstraints: a constraint list at an element path (reused for profiles)', () => {
  const run = (constraints: Constraint[], node: unknown, base: string, resource: unknown): OperationOutcomeIssue[] => {
    const issues: OperationOutcomeIssue[] = [];
    evaluateConstraints(constraints, { node, base, expression: `${base}[0]`, resource, rootResource: resource }, issues);
    return issues;
  };
  const patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'F' }] };

  it('evaluates at the element, with %resource set', () => {
    const constraints: Constraint[] = [
      { key: 'x-1', severity: 'error', expression: 'family.exists()', human: 'has a family' },
      { key: 'x-2', severity: 'error', expression: "%resource.id = 'p2'", human: 'belongs to p2' },
      { key: 'x-3', severity: 'warning', expression: 'given.exists()', human: 'should have a given name' },
    ];
    expect(run(constraints, patient.name[0], 'Patient.name', patient)).toEqual([
      { severity: 'error', code: 'invariant', diagnostics: 'belongs to p2 (x-2)', expression: ['Patient.name[0]'] },
      { severity: 'warning', code: 'invariant', diagnostics: 'should have a given name (x-3)', expression: ['Patient.name[0]'] },
    ]);
  });

  it('records an expression that cannot be evaluated as a warning, never a silent pass', () => {
    const issues = run([{ key: 'x-4', severity: 'error', expression: 'name.family as string', human: 'as on a collection' }], { resourceType: 'Patient', name: [{ family: 'a' }, { family: 'b' }] }, 'Patient', patient);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'warning', code: 'processing', expression: ['Patient[0]'] });
    expect(issues[0]?.diagnostics).toContain('x-4 could not be evaluated');
  });

  it('exposes the R4 base constraints of a path without the listed exceptions', () => {
    expect(baseConstraintsAt('Period').map((c) => c.key)).toEqual(['per-1']);
    expect(baseConstraintsAt('Patient').map((c) => c.key)).not.toContain('dom-3');
  });
});
