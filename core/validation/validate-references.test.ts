// References, contained resources and extensions, as validateResource checks them.
import type { OperationOutcomeIssue } from '../fhir-types';
import { validateResource } from './validate-resource';

function issueAt(resource: unknown, expression: string): OperationOutcomeIssue | undefined {
  return validateResource(resource).find((issue) => issue.expression?.includes(expression));
}

function patientWithOrganization(reference: string): unknown {
  return { resourceType: 'Patient', managingOrganization: { reference } };
}

describe('references', () => {
  test.each([
    'Organization/1',
    'Organization/1/_history/2',
    'http://example.org/fhir/Organization/1',
    'https://example.org/fhir/Organization/1/_history/3',
    'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a',
    'urn:oid:1.2.3.4',
    'Organization?identifier=http://example.org|123',
    'http://example.org/some/unrelated/thing',
  ])('%s is a valid reference to an Organization', (reference) => {
    expect(validateResource(patientWithOrganization(reference))).toEqual([]);
  });

  test.each([
    ['Organization/', 'value'],
    ['Organization/has space', 'value'],
    ['Organisation/1', 'value'],
    ['urn:uuid:not-a-uuid', 'value'],
    ['urn:oid:1.2.x', 'value'],
    ['#not a local id', 'value'],
    ['Organization/' + 'a'.repeat(65), 'value'],
  ])('%s is reported at the reference element', (reference, code) => {
    expect(issueAt(patientWithOrganization(reference), 'Patient.managingOrganization.reference')?.code).toBe(code);
  });

  test('a reference to a type the element does not allow is reported', () => {
    expect(issueAt(patientWithOrganization('Patient/1'), 'Patient.managingOrganization.reference')?.diagnostics).toBe(
      'A reference to Patient is not allowed here; allowed: Organization',
    );
  });

  test('an absolute RESTful URL to a type the element does not allow is reported', () => {
    expect(issueAt(patientWithOrganization('http://example.org/fhir/Practitioner/1'), 'Patient.managingOrganization.reference')).toBeDefined();
  });

  test('a reference element without target restrictions accepts any resource type', () => {
    const resource = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, focus: [{ reference: 'Medication/1' }] };
    expect(validateResource(resource)).toEqual([]);
  });

  test('Reference.type must name an allowed resource type', () => {
    const resource = { resourceType: 'Patient', managingOrganization: { type: 'Practitioner', identifier: { value: '1' } } };
    expect(issueAt(resource, 'Patient.managingOrganization.type')?.code).toBe('value');
  });

  test('a reference in an extension is checked for format', () => {
    const resource = { resourceType: 'Patient', extension: [{ url: 'http://example.org/ext', valueReference: { reference: 'Nope/1' } }] };
    expect(issueAt(resource, 'Patient.extension[0].valueReference.reference')).toBeDefined();
  });
});

describe('contained resources', () => {
  const withContained = (contained: unknown[], reference = '#org1'): Record<string, unknown> => ({
    resourceType: 'Patient',
    contained,
    managingOrganization: { reference },
  });

  test('a referenced contained resource is valid', () => {
    expect(validateResource(withContained([{ resourceType: 'Organization', id: 'org1', name: 'ACME' }]))).toEqual([]);
  });

  test('a contained resource is validated recursively', () => {
    const resource = withContained([{ resourceType: 'Organization', id: 'org1', active: 'yes' }]);
    expect(issueAt(resource, 'Patient.contained[0].active')?.code).toBe('structure');
  });

  test('a contained resource of an unknown type is reported', () => {
    expect(issueAt(withContained([{ resourceType: 'Organisation', id: 'org1' }]), 'Patient.contained[0]')).toBeDefined();
  });

  test('a local reference without a matching contained resource is reported (ref-1)', () => {
    const resource = withContained([{ resourceType: 'Organization', id: 'org1' }], '#org2');
    expect(issueAt(resource, 'Patient.managingOrganization.reference')?.diagnostics).toContain('ref-1');
  });

  test('a local reference to a contained resource of a disallowed type is reported', () => {
    const resource = withContained([{ resourceType: 'Practitioner', id: 'org1' }]);
    expect(issueAt(resource, 'Patient.managingOrganization.reference')?.diagnostics).toBe('A reference to Practitioner is not allowed here; allowed: Organization');
  });

  test('an unreferenced contained resource is reported (dom-3)', () => {
    const resource = { resourceType: 'Patient', contained: [{ resourceType: 'Organization', id: 'org1' }] };
    expect(issueAt(resource, 'Patient.contained[0]')?.code).toBe('invariant');
  });

  test('a contained resource referring to its container with # is valid (dom-3)', () => {
    const resource = {
      resourceType: 'Patient',
      contained: [{ resourceType: 'Provenance', id: 'p', target: [{ reference: '#' }], recorded: '2024-01-01T00:00:00Z', agent: [{ who: { display: 'x' } }] }],
    };
    expect(validateResource(resource)).toEqual([]);
  });

  test('a contained resource referenced by a canonical #id is valid (dom-3)', () => {
    const resource = {
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      questionnaire: '#q',
      contained: [{ resourceType: 'Questionnaire', id: 'q', status: 'active' }],
    };
    expect(validateResource(resource)).toEqual([]);
  });

  test('nested contained resources are reported (dom-2)', () => {
    const resource = withContained([{ resourceType: 'Organization', id: 'org1', contained: [{ resourceType: 'Organization', id: 'o2' }] }]);
    expect(issueAt(resource, 'Patient.contained[0].contained')?.diagnostics).toContain('dom-2');
  });

  test('a contained resource with meta.versionId is reported (dom-4)', () => {
    const resource = withContained([{ resourceType: 'Organization', id: 'org1', meta: { versionId: '1' } }]);
    expect(issueAt(resource, 'Patient.contained[0].meta.versionId')?.diagnostics).toContain('dom-4');
  });

  test('a contained resource with security labels is reported (dom-5)', () => {
    const resource = withContained([{ resourceType: 'Organization', id: 'org1', meta: { security: [{ code: 'R' }] } }]);
    expect(issueAt(resource, 'Patient.contained[0].meta.security')?.diagnostics).toContain('dom-5');
  });

  test('each Bundle entry resource has its own contained scope', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: withContained([{ resourceType: 'Organization', id: 'org1' }]) }, { resource: patientWithOrganization('#org1') }],
    };
    expect(validateResource(bundle).map((issue) => issue.expression)).toEqual([['Bundle.entry[1].resource.managingOrganization.reference']]);
  });
});

describe('extensions', () => {
  test('an extension without a url is reported as required', () => {
    const resource = { resourceType: 'Patient', extension: [{ valueString: 'x' }] };
    expect(issueAt(resource, 'Patient.extension[0].url')?.code).toBe('required');
  });

  test('an extension with both a value and nested extensions is reported (ext-1)', () => {
    const resource = { resourceType: 'Patient', extension: [{ url: 'http://example.org/a', valueString: 'x', extension: [{ url: 'b', valueString: 'y' }] }] };
    expect(issueAt(resource, 'Patient.extension[0]')?.diagnostics).toContain('ext-1');
  });

  test('an extension with neither a value nor nested extensions is reported (ext-1)', () => {
    const resource = { resourceType: 'Patient', modifierExtension: [{ url: 'http://example.org/a' }] };
    expect(issueAt(resource, 'Patient.modifierExtension[0]')?.code).toBe('invariant');
  });

  test('nested extensions (US Core race) are valid', () => {
    const resource = {
      resourceType: 'Patient',
      extension: [
        {
          url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
          extension: [
            { url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2106-3', display: 'White' } },
            { url: 'text', valueString: 'White' },
          ],
        },
      ],
    };
    expect(validateResource(resource)).toEqual([]);
  });

  test('an extension value is validated against its type', () => {
    const resource = { resourceType: 'Patient', extension: [{ url: 'http://example.org/a', valueDate: '2024-02-30' }] };
    expect(issueAt(resource, 'Patient.extension[0].valueDate')?.code).toBe('value');
  });
});
