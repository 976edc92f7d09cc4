import { FhirError } from '../errors/fhir-error';
import type { OperationOutcomeIssue } from '../fhir-types';
import { assertValidResource, validateResource } from './validate-resource';

const patient = {
  resourceType: 'Patient',
  id: 'example-1',
  meta: { versionId: '3', lastUpdated: '2024-05-01T10:00:00.123Z', tag: [{ system: 'http://example.org/tags', code: 'vip' }] },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">John Smith</div>' },
  identifier: [{ system: 'urn:oid:1.2.36.146.595.217.0.1', value: '12345', period: { start: '2001-05-06' } }],
  active: true,
  name: [{ use: 'official', family: 'Smith', given: ['John', 'Quincy'] }],
  telecom: [{ system: 'phone', value: '(03) 5555 6473', use: 'work', rank: 1 }],
  gender: 'male',
  birthDate: '1974-12-25',
  _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1974-12-25T14:35:45-05:00' }] },
  deceasedBoolean: false,
  address: [{ use: 'home', line: ['534 Erewhon St'], city: 'PleasantVille', postalCode: '3999' }],
  contact: [{ relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: 'N' }] }], name: { family: 'Du Marché' } }],
  managingOrganization: { reference: 'Organization/1' },
};

const observation = {
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }], text: 'Blood pressure' },
  subject: { reference: 'Patient/example-1' },
  effectiveDateTime: '2024-02-29T09:30:10+01:00',
  component: [
    { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 107, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
    { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 60.5, unit: 'mmHg' } },
  ],
  referenceRange: [{ low: { value: 1 }, high: { value: 2 } }],
};

function clone<T>(value: T): T {
  return structuredClone(value);
}

function issueAt(resource: unknown, expression: string): OperationOutcomeIssue | undefined {
  return validateResource(resource).find((issue) => issue.expression?.includes(expression));
}

describe('validateResource: valid resources', () => {
  test('a full Patient is valid', () => {
    expect(validateResource(patient)).toEqual([]);
  });

  test('an Observation with components and a reference range is valid', () => {
    expect(validateResource(observation)).toEqual([]);
  });

  test('a transaction Bundle with urn:uuid references is valid', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a', resource: { resourceType: 'Patient', active: true }, request: { method: 'POST', url: 'Patient' } },
        {
          fullUrl: 'urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059',
          resource: { ...clone(observation), subject: { reference: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a' } },
          request: { method: 'POST', url: 'Observation' },
        },
        { request: { method: 'DELETE', url: 'Patient/old' } },
      ],
    };
    expect(validateResource(bundle)).toEqual([]);
  });

  test('a primitive given only by its _ extension is valid', () => {
    const resource = { resourceType: 'Patient', _gender: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] } };
    expect(validateResource(resource)).toEqual([]);
  });

  test('null pads a primitive array aligned with its _ array', () => {
    const resource = { resourceType: 'Patient', name: [{ given: ['Ann', null], _given: [null, { extension: [{ url: 'http://example.org/x', valueString: 'y' }] }] }] };
    expect(validateResource(resource)).toEqual([]);
  });
});

describe('validateResource: resource type and structure', () => {
  test('an unknown resourceType is reported', () => {
    expect(validateResource({ resourceType: 'Pationt' })).toEqual([expect.objectContaining({ code: 'structure', expression: ['Pationt'] })]);
  });

  test('a missing resourceType is reported', () => {
    expect(validateResource({ id: 'x' })).toEqual([expect.objectContaining({ code: 'structure', expression: ['Resource'] })]);
  });

  test('a body that is not an object is reported', () => {
    expect(validateResource([1, 2])[0]?.diagnostics).toBe('A resource must be a JSON object, not an array');
  });

  test('an unknown element is reported at its path', () => {
    expect(issueAt({ ...patient, nickname: 'Jack' }, 'Patient.nickname')?.code).toBe('structure');
  });

  test('an unknown element inside a datatype is reported', () => {
    const resource = { ...patient, name: [{ family: 'Smith' }, { family: 'Smith', middle: 'Q' }] };
    expect(issueAt(resource, 'Patient.name[1].middle')?.diagnostics).toBe("Unknown element 'middle' in HumanName");
  });

  test('an unknown element inside a backbone element is reported', () => {
    const resource = { ...patient, contact: [{ name: { family: 'X' }, nickname: 'Y' }] };
    expect(issueAt(resource, 'Patient.contact[0].nickname')?.diagnostics).toBe("Unknown element 'nickname' in Patient.contact");
  });

  test('a choice element without its type suffix gets a hint', () => {
    expect(issueAt({ ...observation, value: 5 }, 'Observation.value')?.diagnostics).toContain('needs a type suffix');
  });

  test('resourceType inside a datatype is an unknown element', () => {
    expect(issueAt({ ...patient, managingOrganization: { resourceType: 'Organization' } }, 'Patient.managingOrganization.resourceType')).toBeDefined();
  });

  test('a _ extension on a non-primitive element is an unknown element', () => {
    expect(issueAt({ ...patient, _name: [{ id: 'a' }] }, 'Patient._name')?.code).toBe('structure');
  });

  test('an empty object is reported', () => {
    expect(issueAt({ ...patient, maritalStatus: {} }, 'Patient.maritalStatus')?.diagnostics).toContain('must not be empty');
  });

  test('an empty array is reported', () => {
    expect(issueAt({ ...patient, telecom: [] }, 'Patient.telecom')?.diagnostics).toContain('must not be empty');
  });

  test('an empty string is reported', () => {
    expect(issueAt({ ...patient, name: [{ family: '' }] }, 'Patient.name[0].family')?.code).toBe('value');
  });

  test('null for a single element is reported', () => {
    expect(issueAt({ ...patient, birthDate: null }, 'Patient.birthDate')?.code).toBe('structure');
  });

  test('null in an array without a _ sibling is reported', () => {
    expect(issueAt({ ...patient, name: [{ given: ['A', null] }] }, 'Patient.name[0].given[1]')?.code).toBe('structure');
  });

  test('null in an array of complex values is reported', () => {
    expect(issueAt({ ...patient, identifier: [null] }, 'Patient.identifier[0]')).toBeDefined();
  });

  test('x and _x arrays of different lengths are reported', () => {
    const resource = { ...patient, name: [{ given: ['A', 'B'], _given: [{ id: 'g1' }] }] };
    expect(issueAt(resource, 'Patient.name[0].given')?.diagnostics).toContain('same length');
  });

  test('the content of a _ extension is validated as an Element', () => {
    const resource = { ...patient, _birthDate: { extension: [{ valueString: 'no url' }] } };
    expect(issueAt(resource, 'Patient.birthDate.extension[0].url')?.code).toBe('required');
  });

  test('nesting beyond the depth limit is reported, not walked', () => {
    let extension: Record<string, unknown> = { url: 'http://example.org/leaf', valueString: 'x' };
    for (let i = 0; i < 200; i += 1) extension = { url: 'http://example.org/n', extension: [extension] };
    const issues = validateResource({ resourceType: 'Basic', code: { text: 'deep' }, extension: [extension] });
    expect(issues.map((issue) => issue.code)).toEqual(['too-costly']);
  });

  test('issues beyond the limit are summarised in one last issue', () => {
    const resource = { resourceType: 'Patient', name: Array.from({ length: 150 }, () => ({ family: '' })) };
    const issues = validateResource(resource);
    expect(issues).toHaveLength(101);
    expect(issues[100]?.diagnostics).toContain('50 more');
  });
});

describe('validateResource: cardinality and required elements', () => {
  test('an array for a single-valued element is reported', () => {
    expect(issueAt({ ...patient, gender: ['male'] }, 'Patient.gender')?.diagnostics).toContain('must not be an array');
  });

  test('a single value for a repeating element is reported', () => {
    expect(issueAt({ ...patient, name: { family: 'Smith' } }, 'Patient.name')?.diagnostics).toContain('must be an array');
  });

  test('a missing required element is reported as required', () => {
    const { status: _status, ...withoutStatus } = observation;
    expect(issueAt(withoutStatus, 'Observation.status')?.code).toBe('required');
  });

  test('a missing required element inside a backbone element is reported', () => {
    const resource = { ...observation, component: [{ valueString: 'x' }] };
    expect(issueAt(resource, 'Observation.component[0].code')?.code).toBe('required');
  });

  test('a missing required choice element is reported by its name without [x]', () => {
    const resource = { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: '1', type: 'group', enableWhen: [{ question: 'q', operator: 'exists' }] }] };
    expect(issueAt(resource, 'Questionnaire.item[0].enableWhen[0].answer')?.code).toBe('required');
  });

  test('elements nested through a contentReference are validated', () => {
    const resource = { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: '1', type: 'group', item: [{ linkId: '1.1', type: 'bogus' }] }] };
    expect(issueAt(resource, 'Questionnaire.item[0].item[0].type')?.code).toBe('code-invalid');
  });

  test('an element with maximum cardinality 0 in a profile (SimpleQuantity.comparator) is reported', () => {
    const resource = { ...observation, referenceRange: [{ low: { value: 1, comparator: '<' } }] };
    expect(issueAt(resource, 'Observation.referenceRange[0].low.comparator')?.code).toBe('structure');
  });
});

describe('validateResource: choice elements', () => {
  test('two choices of one [x] element are reported', () => {
    const resource = { ...observation, valueString: 'high', valueBoolean: true };
    expect(issueAt(resource, 'Observation.valueBoolean')?.diagnostics).toBe('Only one of the value[x] choices may be present, found valueString and valueBoolean');
  });

  test('a choice given as a value and another given as a _ extension are reported', () => {
    const resource = { ...patient, deceasedBoolean: false, _deceasedDateTime: { id: 'x' } };
    expect(issueAt(resource, 'Patient.deceasedDateTime')).toBeDefined();
  });

  test('a choice is validated against its own type', () => {
    expect(issueAt({ ...observation, valueDateTime: '2024-13-01' }, 'Observation.valueDateTime')?.code).toBe('value');
  });
});

describe('validateResource: primitive values', () => {
  test.each([
    ['birthDate', '1974-02-30'],
    ['birthDate', '74-12-25'],
    ['birthDate', 19741225],
    ['active', 'true'],
    ['multipleBirthInteger', 2147483648],
    ['multipleBirthInteger', 1.5],
    ['multipleBirthInteger', '2'],
    ['gender', 'male '],
    ['id', 'a'.repeat(65)],
    ['id', 'has space'],
    ['implicitRules', 'http://example.org/has space'],
    ['deceasedDateTime', '2024-01-01T10:00:00'],
    ['language', ''],
  ])('Patient.%s = %j is reported', (name, value) => {
    const { deceasedBoolean: _deceased, ...resource } = patient;
    expect(issueAt({ ...resource, [name]: value }, `Patient.${name}`)).toBeDefined();
  });

  test.each([
    ['Observation.issued', { issued: '2024-01-01' }],
    ['Observation.component[0].valueQuantity.value', { component: [{ code: { text: 'x' }, valueQuantity: { value: '5' } }] }],
    ['Observation.valueSampledData.period', { valueSampledData: { origin: { value: 0 }, period: 'x', dimensions: 1 } }],
    ['Observation.valueSampledData.dimensions', { valueSampledData: { origin: { value: 0 }, period: 1, dimensions: 0 } }],
  ])('%s with a bad value is reported', (expression, change) => {
    expect(issueAt({ ...observation, ...change }, expression)).toBeDefined();
  });

  test('a wrong JSON type is a structure issue', () => {
    expect(issueAt({ ...patient, active: 'yes' }, 'Patient.active')?.code).toBe('structure');
  });

  test('a bad format is a value issue naming the element and the value', () => {
    expect(issueAt({ ...patient, birthDate: '1974-13-01' }, 'Patient.birthDate')?.diagnostics).toBe("birthDate '1974-13-01' is not a valid date");
  });

  test('an invalid base64Binary is reported', () => {
    const resource = { resourceType: 'Binary', contentType: 'text/plain', data: 'abc$' };
    expect(issueAt(resource, 'Binary.data')?.code).toBe('value');
  });

  test('a code outside its required value set is reported as code-invalid', () => {
    expect(issueAt({ ...patient, gender: 'bloke' }, 'Patient.gender')).toEqual(
      expect.objectContaining({ code: 'code-invalid', diagnostics: "'bloke' is not a code of the required value set http://hl7.org/fhir/ValueSet/administrative-gender" }),
    );
  });

  test('a code of a nested required value set is accepted', () => {
    expect(validateResource({ ...observation, status: 'entered-in-error' })).toEqual([]);
  });

  test('a narrative div that is not an XHTML div is reported', () => {
    expect(issueAt({ ...patient, text: { status: 'generated', div: 'plain text' } }, 'Patient.text.div')?.code).toBe('value');
  });
});

describe('assertValidResource', () => {
  test('a valid resource passes', () => {
    expect(() => assertValidResource(patient)).not.toThrow();
  });

  test('an invalid resource throws INVALID_RESOURCE carrying every issue', () => {
    let error: unknown;
    try {
      assertValidResource({ ...patient, birthDate: 'soon', nickname: 'J' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FhirError);
    const fhirError = error as FhirError;
    expect(fhirError.code).toBe('INVALID_RESOURCE');
    expect(fhirError.status).toBe(400);
    expect(fhirError.message).toBe("birthDate 'soon' is not a valid date (and 1 more issue)");
    expect(fhirError.toOperationOutcome().issue.map((issue) => issue.expression)).toEqual([['Patient.birthDate'], ['Patient.nickname']]);
  });
});

describe('validateResource: required bindings on CodeableConcept (terminologies.html#required)', () => {
  const clinical = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
  const condition = (clinicalStatus: unknown): Record<string, unknown> => ({ resourceType: 'Condition', subject: { reference: 'Patient/1' }, clinicalStatus });
  const codesAt = (resource: unknown): { code: string; expression: string[] }[] => validateResource(resource).map((i) => ({ code: i.code, expression: i.expression ?? [] }));

  test.each([
    ['a code the value set does not have', { coding: [{ system: clinical, code: 'ongoing' }] }],
    ['a coding without a system', { coding: [{ code: 'active' }] }],
    ['a coding of another system only', { coding: [{ system: 'http://example.org/status', code: 'active' }] }],
    ['text alone', { text: 'active' }],
  ])('rejects %s, at the element, as code-invalid', (_name, clinicalStatus) => {
    expect(codesAt(condition(clinicalStatus))).toEqual([{ code: 'code-invalid', expression: ['Condition.clinicalStatus'] }]);
  });

  test.each([
    ['a code of the value set', { coding: [{ system: clinical, code: 'active' }] }],
    ['a code of the value set with any display', { coding: [{ system: clinical, code: 'remission', display: 'whatever' }], text: 'in remission' }],
    ['a code of the value set beside a translation', { coding: [{ system: 'http://snomed.info/sct', code: '55561003' }, { system: clinical, code: 'active' }] }],
  ])('accepts %s', (_name, clinicalStatus) => {
    expect(validateResource(condition(clinicalStatus))).toEqual([]);
  });

  test('covers the other R4 elements with a required CodeableConcept binding, inside backbones too', () => {
    const allergy = { resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/1' }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] }, verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'maybe' }] } };
    expect(codesAt(allergy)).toEqual([{ code: 'code-invalid', expression: ['AllergyIntolerance.verificationStatus'] }]);
    const plan = { resourceType: 'InsurancePlan', name: 'P', plan: [{ specificCost: [{ category: { text: 'c' }, benefit: [{ type: { text: 't' }, cost: [{ type: { text: 'x' }, applicability: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/applicability', code: 'anywhere' }] } }] }] }] }] };
    expect(codesAt(plan)).toEqual([{ code: 'code-invalid', expression: ['InsurancePlan.plan[0].specificCost[0].benefit[0].cost[0].applicability'] }]);
  });
});
