import { parseReference, referencedType } from './references';

describe('parseReference', () => {
  test.each([
    ['Patient/123', { kind: 'relative', type: 'Patient', id: '123' }],
    ['Patient/123/_history/2', { kind: 'relative', type: 'Patient', id: '123' }],
    ['#med1', { kind: 'local', id: 'med1' }],
    ['#', { kind: 'local', id: '' }],
    ['urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a', { kind: 'urn' }],
    ['urn:oid:1.2.840.113619', { kind: 'urn' }],
    ['Patient?identifier=http://x|1', { kind: 'conditional', type: 'Patient' }],
    ['http://server/fhir/Patient/1/_history/2', { kind: 'absolute', type: 'Patient' }],
    ['http://server/fhir/Thing/1', { kind: 'absolute', type: undefined }],
    ['https://example.org', { kind: 'absolute', type: undefined }],
  ])('%s parses', (reference, expected) => {
    expect(parseReference(reference)).toEqual(expected);
  });

  test.each(['Patient', 'Patient/', 'Patient/1/_history/', 'Thing/1', 'Thing?x=1', 'patient 1', '#has space', 'http://x/Patient/1 2', 'urn:uuid:1234'])(
    '%s is rejected with a reason',
    (reference) => {
      expect(typeof parseReference(reference)).toBe('string');
    },
  );
});

describe('referencedType', () => {
  test('is the type of relative, conditional and RESTful absolute references', () => {
    const types = ['Patient/1', 'Group?name=x', 'http://a/Device/1', '#x', 'urn:oid:1.2'].map((reference) => {
      const parsed = parseReference(reference);
      return typeof parsed === 'string' ? parsed : referencedType(parsed);
    });
    expect(types).toEqual(['Patient', 'Group', 'Device', undefined, undefined]);
  });
});
