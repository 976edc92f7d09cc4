// FHIRPath Patch (fhirpatch.html) against the specification's own test cases
// (FHIR/fhir-test-cases r4/patch/fhir-patch-tests.xml, transcribed to JSON; case names kept),
// plus the cases issue 9 (defect 9) found: add to an absent repeating element, and each
// operation on single and repeating elements, primitives and complex types.
import type { JsonObject, JsonValue, Resource } from '../fhir-types';
import { FhirError } from '../errors/fhir-error';
import { applyFhirPathPatch } from './fhirpath-patch';

type Part = { name: string } & Record<string, JsonValue>;

const op = (type: string, path: string, extra: Part[] = []): JsonObject => ({
  name: 'operation',
  part: [{ name: 'type', valueCode: type }, { name: 'path', valueString: path }, ...extra],
});
const params = (...operations: JsonObject[]): JsonObject => ({ resourceType: 'Parameters', parameter: operations });
const named = (name: string): Part => ({ name: 'name', valueString: name });
const value = (key: string, v: JsonValue): Part => ({ name: 'value', [key]: v });
const index = (n: number): Part => ({ name: 'index', valueInteger: n });
const move = (source: number, destination: number): Part[] => [{ name: 'source', valueInteger: source }, { name: 'destination', valueInteger: destination }];

const patient = (body: JsonObject = {}): Resource => ({ resourceType: 'Patient', ...body });
const ids = (...values: string[]): JsonObject[] => values.map((v) => ({ system: 'http://example.org', value: `value ${v}` }));
const contact = { name: { text: 'a name' }, gender: 'male' };

interface Failure {
  readonly failure: RegExp;
}
const failure = (pattern: RegExp): Failure => ({ failure: pattern });
const isFailure = (output: Resource | Failure): output is Failure => (output as Partial<Failure>).failure instanceof RegExp;

interface Case {
  readonly name: string;
  readonly input: Resource;
  readonly patch: JsonObject;
  /** The expected resource, or the expected failure. */
  readonly output: Resource | Failure;
}

/** fhir-patch-tests.xml, case by case. */
const specCases: Case[] = [
  { name: 'No Difference', input: patient({ birthDate: '1920-01-01' }), patch: params(), output: patient({ birthDate: '1920-01-01' }) },
  { name: 'Replace Primitive', input: patient({ birthDate: '1920-01-01' }), patch: params(op('replace', 'Patient.birthDate', [value('valueDate', '1930-01-01')])), output: patient({ birthDate: '1930-01-01' }) },
  { name: 'Delete Primitive', input: patient({ birthDate: '1920-01-01' }), patch: params(op('delete', 'Patient.birthDate')), output: patient() },
  { name: 'Add Primitive', input: patient(), patch: params(op('add', 'Patient', [named('birthDate'), value('valueDate', '1930-01-01')])), output: patient({ birthDate: '1930-01-01' }) },
  { name: 'Replace Nested Primitive #1', input: patient({ contact: [contact] }), patch: params(op('replace', 'Patient.contact[0].gender', [value('valueCode', 'female')])), output: patient({ contact: [{ ...contact, gender: 'female' }] }) },
  { name: 'Replace Nested Primitive #2', input: patient({ contact: [contact] }), patch: params(op('replace', 'Patient.contact[0].name.text', [value('valueString', 'the name')])), output: patient({ contact: [{ ...contact, name: { text: 'the name' } }] }) },
  { name: 'Delete Nested Primitive #1', input: patient({ contact: [contact] }), patch: params(op('delete', 'Patient.contact[0].gender')), output: patient({ contact: [{ name: { text: 'a name' } }] }) },
  { name: 'Delete Nested Primitive #2', input: patient({ contact: [contact] }), patch: params(op('delete', 'Patient.contact[0].name.text')), output: patient({ contact: [{ gender: 'male' }] }) },
  { name: 'Add Nested Primitive', input: patient({ contact: [{ name: { text: 'a name' } }] }), patch: params(op('add', 'Patient.contact[0]', [named('gender'), value('valueCode', 'male')])), output: patient({ contact: [contact] }) },
  { name: 'Add Complex', input: patient(), patch: params(op('add', 'Patient', [named('maritalStatus'), value('valueCodeableConcept', { text: 'married' })])), output: patient({ maritalStatus: { text: 'married' } }) },
  { name: 'Replace Complex', input: patient({ maritalStatus: { id: '1', text: 'married' } }), patch: params(op('replace', 'Patient.maritalStatus', [value('valueCodeableConcept', { id: '2', text: 'not married' })])), output: patient({ maritalStatus: { id: '2', text: 'not married' } }) },
  { name: 'Delete Complex', input: patient({ maritalStatus: { text: 'married' } }), patch: params(op('delete', 'Patient.maritalStatus')), output: patient() },
  {
    name: 'Add Anonymous Type',
    input: patient(),
    patch: params(op('add', 'Patient', [named('contact'), { name: 'value', part: [{ name: 'name', valueHumanName: { text: 'a name' } }] }])),
    output: patient({ contact: [{ name: { text: 'a name' } }] }),
  },
  { name: 'Delete Anonymous Type', input: patient({ contact: [{ name: { text: 'a name' } }] }), patch: params(op('delete', 'Patient.contact[0]')), output: patient() },
  { name: 'List unchanged', input: patient({ identifier: ids('1', '2') }), patch: params(), output: patient({ identifier: ids('1', '2') }) },
  {
    name: 'List unchanged, contents changed',
    input: patient({ identifier: [{ id: 'a', ...ids('1')[0] }, { id: 'b', ...ids('2')[0] }] }),
    patch: params(op('replace', 'Patient.identifier[0].value', [value('valueString', 'value 2')]), op('replace', 'Patient.identifier[1].value', [value('valueString', 'value 1')])),
    output: patient({ identifier: [{ id: 'a', ...ids('2')[0] }, { id: 'b', ...ids('1')[0] }] }),
  },
  { name: 'Add to list', input: patient({ identifier: ids('1', '2') }), patch: params(op('add', 'Patient', [named('identifier'), value('valueIdentifier', ids('3')[0] as JsonObject)])), output: patient({ identifier: ids('1', '2', '3') }) },
  { name: 'Insert in list #1', input: patient({ identifier: ids('1', '2') }), patch: params(op('insert', 'Patient.identifier', [index(1), value('valueIdentifier', ids('3')[0] as JsonObject)])), output: patient({ identifier: ids('1', '3', '2') }) },
  { name: 'Insert in list #2', input: patient({ identifier: ids('1', '2') }), patch: params(op('insert', 'Patient.identifier', [index(0), value('valueIdentifier', ids('3')[0] as JsonObject)])), output: patient({ identifier: ids('3', '1', '2') }) },
  { name: 'Delete from List #1', input: patient({ identifier: ids('1', '2', '3') }), patch: params(op('delete', 'Patient.identifier[0]')), output: patient({ identifier: ids('2', '3') }) },
  { name: 'Delete from List #2', input: patient({ identifier: ids('1', '2', '3') }), patch: params(op('delete', 'Patient.identifier[1]')), output: patient({ identifier: ids('1', '3') }) },
  { name: 'Delete from List #3', input: patient({ identifier: ids('1', '2', '3') }), patch: params(op('delete', 'Patient.identifier[2]')), output: patient({ identifier: ids('1', '2') }) },
  { name: 'Reorder List #1', input: patient({ identifier: ids('1', '2', '3', '4') }), patch: params(op('move', 'Patient.identifier', move(3, 1))), output: patient({ identifier: ids('1', '4', '2', '3') }) },
  { name: 'Reorder List #2', input: patient({ identifier: ids('1', '2', '3', '4') }), patch: params(op('move', 'Patient.identifier', move(3, 0))), output: patient({ identifier: ids('4', '1', '2', '3') }) },
  { name: 'Reorder List #3', input: patient({ identifier: ids('1', '2', '3', '4') }), patch: params(op('move', 'Patient.identifier', move(3, 2))), output: patient({ identifier: ids('1', '2', '4', '3') }) },
  { name: 'Reorder List #4', input: patient({ identifier: ids('1', '2', '3', '4') }), patch: params(op('move', 'Patient.identifier', move(0, 3))), output: patient({ identifier: ids('2', '3', '4', '1') }) },
  { name: 'Reorder List #5', input: patient({ identifier: ids('1', '2', '3', '4') }), patch: params(op('move', 'Patient.identifier', move(1, 0)), op('move', 'Patient.identifier', move(2, 1))), output: patient({ identifier: ids('2', '3', '1', '4') }) },
  {
    name: 'Reorder List #6',
    input: patient({ identifier: ids('1', '2', '3', '4') }),
    patch: params(op('move', 'Patient.identifier', move(3, 0)), op('move', 'Patient.identifier', move(3, 1)), op('move', 'Patient.identifier', move(3, 2))),
    output: patient({ identifier: ids('4', '3', '2', '1') }),
  },
  {
    name: 'Operation on missing element',
    input: patient({ identifier: [{ use: 'official', value: '123' }] }),
    patch: params(op('add', "Patient.identifier.where(use = 'official').period", [named('end'), value('valueDate', '2021-12-01')])),
    output: failure(/No content found at Patient\.identifier\.where\(use = 'official'\)\.period/),
  },
  { name: 'Operation on missing element #2', input: patient(), patch: params(op('add', 'Patient', [named('identifier'), value('valueIdentifier', ids('3')[0] as JsonObject)])), output: patient({ identifier: ids('3') }) },
  {
    name: 'Full Resource',
    input: patient({ id: 'example', name: [{ use: 'official', family: 'Chalmers', given: ['Peter', 'James'] }, { use: 'usual', given: ['Jim'] }], text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Chalmers</div>' } }),
    patch: params(op('replace', 'Patient.text.div', [value('valueString', '<div xmlns="http://www.w3.org/1999/xhtml">Chalmers1</div>')]), op('replace', 'Patient.name[0].family', [value('valueString', 'Chalmers1')])),
    output: patient({ id: 'example', name: [{ use: 'official', family: 'Chalmers1', given: ['Peter', 'James'] }, { use: 'usual', given: ['Jim'] }], text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Chalmers1</div>' } }),
  },
];

const telecom = { system: 'phone', value: '555-0100' };

/** Issue 9, defect 9, and the rest of its class: every operation on single/repeating, primitive/complex elements. */
const classCases: Case[] = [
  { name: 'add to an absent repeating complex element creates the list (Patient.telecom)', input: patient(), patch: params(op('add', 'Patient', [named('telecom'), value('valueContactPoint', telecom)])), output: patient({ telecom: [telecom] }) },
  { name: 'add to an existing repeating complex element appends', input: patient({ telecom: [telecom] }), patch: params(op('add', 'Patient', [named('telecom'), value('valueContactPoint', { system: 'email', value: 'a@b.c' })])), output: patient({ telecom: [telecom, { system: 'email', value: 'a@b.c' }] }) },
  { name: 'add to an absent repeating primitive creates the list (HumanName.given)', input: patient({ name: [{ family: 'F' }] }), patch: params(op('add', 'Patient.name[0]', [named('given'), value('valueString', 'G')])), output: patient({ name: [{ family: 'F', given: ['G'] }] }) },
  { name: 'add to an existing repeating primitive appends', input: patient({ name: [{ given: ['A'] }] }), patch: params(op('add', 'Patient.name[0]', [named('given'), value('valueString', 'B')])), output: patient({ name: [{ given: ['A', 'B'] }] }) },
  { name: 'add to an absent repeating backbone element inside a backbone creates the list', input: patient({ contact: [{ gender: 'male' }] }), patch: params(op('add', 'Patient.contact[0]', [named('telecom'), value('valueContactPoint', telecom)])), output: patient({ contact: [{ gender: 'male', telecom: [telecom] }] }) },
  { name: 'add of a single element that already has a value is refused', input: patient({ birthDate: '2000-01-01' }), patch: params(op('add', 'Patient', [named('birthDate'), value('valueDate', '2001-01-01')])), output: failure(/already has a value/) },
  { name: 'add of an element the type does not have is refused', input: patient(), patch: params(op('add', 'Patient', [named('nosuchelement'), value('valueString', 'x')])), output: failure(/Patient has no element 'nosuchelement'/) },
  { name: 'add of a choice element by its typed name', input: patient(), patch: params(op('add', 'Patient', [named('deceasedBoolean'), value('valueBoolean', true)])), output: patient({ deceasedBoolean: true }) },
  { name: 'insert into an absent list at 0 creates it', input: patient(), patch: params(op('insert', 'Patient.telecom', [index(0), value('valueContactPoint', telecom)])), output: patient({ telecom: [telecom] }) },
  { name: 'insert at the end of a list appends', input: patient({ identifier: ids('1') }), patch: params(op('insert', 'Patient.identifier', [index(1), value('valueIdentifier', ids('2')[0] as JsonObject)])), output: patient({ identifier: ids('1', '2') }) },
  { name: 'insert beyond the end of a list is refused', input: patient({ identifier: ids('1') }), patch: params(op('insert', 'Patient.identifier', [index(3), value('valueIdentifier', ids('2')[0] as JsonObject)])), output: failure(/outside the list/) },
  { name: 'insert of a primitive into a list of primitives', input: patient({ name: [{ given: ['A', 'C'] }] }), patch: params(op('insert', 'Patient.name[0].given', [index(1), value('valueString', 'B')])), output: patient({ name: [{ given: ['A', 'B', 'C'] }] }) },
  { name: 'insert into a single element is refused', input: patient({ birthDate: '2000-01-01' }), patch: params(op('insert', 'Patient.birthDate', [index(0), value('valueDate', '2001-01-01')])), output: failure(/does not repeat/) },
  { name: 'delete of the last item of a list removes the list', input: patient({ telecom: [telecom] }), patch: params(op('delete', 'Patient.telecom[0]')), output: patient() },
  { name: 'delete of a primitive in a list', input: patient({ name: [{ given: ['A', 'B'] }] }), patch: params(op('delete', 'Patient.name[0].given[0]')), output: patient({ name: [{ given: ['B'] }] }) },
  { name: 'delete selected with where()', input: patient({ telecom: [telecom, { system: 'email', value: 'x' }] }), patch: params(op('delete', "Patient.telecom.where(system = 'email')")), output: patient({ telecom: [telecom] }) },
  { name: 'delete of something absent is no change', input: patient({ active: true }), patch: params(op('delete', 'Patient.birthDate')), output: patient({ active: true }) },
  { name: 'delete of several elements is refused', input: patient({ telecom: [telecom, telecom] }), patch: params(op('delete', 'Patient.telecom')), output: failure(/exactly one/) },
  { name: 'replace of a primitive in a list', input: patient({ name: [{ given: ['A', 'B'] }] }), patch: params(op('replace', 'Patient.name[0].given[1]', [value('valueString', 'C')])), output: patient({ name: [{ given: ['A', 'C'] }] }) },
  { name: 'replace of a complex item in a list', input: patient({ telecom: [telecom] }), patch: params(op('replace', 'Patient.telecom[0]', [value('valueContactPoint', { system: 'fax', value: '1' })])), output: patient({ telecom: [{ system: 'fax', value: '1' }] }) },
  { name: 'replace of an absent element is refused', input: patient(), patch: params(op('replace', 'Patient.birthDate', [value('valueDate', '2000-01-01')])), output: failure(/exactly one/) },
  { name: 'move of primitives in a list', input: patient({ name: [{ given: ['A', 'B', 'C'] }] }), patch: params(op('move', 'Patient.name[0].given', move(2, 0))), output: patient({ name: [{ given: ['C', 'A', 'B'] }] }) },
  { name: 'move with an index outside the list is refused', input: patient({ identifier: ids('1', '2') }), patch: params(op('move', 'Patient.identifier', move(0, 2))), output: failure(/outside the list/) },
];

function run(c: Case): Resource {
  return applyFhirPathPatch(structuredClone(c.input), c.patch);
}

describe('FHIRPath Patch: the specification test cases (fhir-patch-tests.xml)', () => {
  it.each(specCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    if (isFailure(c.output)) {
      expect(() => run(c)).toThrow(c.output.failure);
      return;
    }
    expect(run(c)).toEqual(c.output);
  });
});

describe('FHIRPath Patch: each operation on single and repeating, primitive and complex elements (issue 9, defect 9)', () => {
  it.each(classCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    if (isFailure(c.output)) {
      let error: unknown;
      try {
        run(c);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(FhirError);
      expect((error as FhirError).message).toMatch(c.output.failure);
      expect((error as FhirError).status).toBe(400);
      return;
    }
    expect(run(c)).toEqual(c.output);
  });

  it('does not change its input', () => {
    const input = patient();
    applyFhirPathPatch(input, params(op('add', 'Patient', [named('telecom'), value('valueContactPoint', telecom)])));
    expect(input).toEqual(patient());
  });
});
