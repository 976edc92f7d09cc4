import { bundleReferenceKey, conditionalCriteria, parseFhirUrl, pathSegments, relativeToBase } from './fhir-url';

const base = 'http://127.0.0.1:8080/fhir';
const tenantBase = `${base}/tenant/t1`;

describe('the one FHIR URL parser (issue 9, defects 4 and 5)', () => {
  it.each([
    ['Patient/', ['Patient']],
    ['Patient/123/', ['Patient', '123']],
    ['/Patient//123', ['Patient', '123']],
    ['Patient/a%2Fb', ['Patient', 'a/b']],
  ])('splits %s like an HTTP path', (path, segments) => {
    expect(pathSegments(path)).toEqual(segments);
  });

  it.each([
    ['Patient/1', 'Patient/1'],
    ['/Patient/1', 'Patient/1'],
    [`${base}/Patient/1`, 'Patient/1'],
    [`${base}/Patient?name=x`, 'Patient?name=x'],
    [`${base}`, ''],
    ['HTTP://127.0.0.1:8080/fhir/Patient/1', 'Patient/1'],
  ])('takes %s as relative to the base', (url, relative) => {
    expect(relativeToBase(url, base)).toBe(relative);
  });

  it.each([['http://elsewhere/fhir/Patient/1'], ['http://127.0.0.1:8081/fhir/Patient/1'], [`${base}x/Patient/1`], ['urn:uuid:0b3e3b2e-1c3a-4f34-9d7e-3c2b1a0f9e8d'], [`${base}/tenant/t2/Patient/1`]])(
    'refuses %s as not on the tenant base',
    (url) => {
      expect(relativeToBase(url, tenantBase)).toBeUndefined();
    },
  );

  it('parses an entry url into path and query', () => {
    expect(parseFhirUrl(`${tenantBase}/Patient/?identifier=a%7Cb&_count=1`, tenantBase)).toEqual({ path: ['Patient'], query: [['identifier', 'a|b'], ['_count', '1']] });
    expect(parseFhirUrl('Patient/%E0%A4%A', base)).toMatch(/not validly encoded/);
  });

  it.each([
    ['identifier=a|b'],
    ['?identifier=a|b'],
    ['Patient?identifier=a|b'],
    ['/Patient?identifier=a|b'],
    [`${base}/Patient?identifier=a|b`],
    [`${base}/Patient/?identifier=a|b`],
  ])('reads conditional criteria %s', (criteria) => {
    expect(conditionalCriteria(criteria, 'Patient', base)).toEqual([['identifier', 'a|b']]);
  });

  it('keeps a modifier in bare criteria (code:text=x is not a URL scheme)', () => {
    expect(conditionalCriteria('name:exact=x', 'Patient', base)).toEqual([['name:exact', 'x']]);
  });

  it('refuses criteria on another type or another server', () => {
    expect(conditionalCriteria('Observation?code=x', 'Patient', base)).toMatch(/must be search criteria on Patient/);
    expect(conditionalCriteria('http://elsewhere/fhir/Patient?code=x', 'Patient', base)).toMatch(/not on this server's base/);
  });

  it('keys references so that an absolute URL on the base and its relative form match', () => {
    expect(bundleReferenceKey(`${base}/Patient/1`, base)).toBe('Patient/1');
    expect(bundleReferenceKey('Patient/1', base)).toBe('Patient/1');
    expect(bundleReferenceKey('http://elsewhere/fhir/Patient/1', base)).toBe('http://elsewhere/fhir/Patient/1');
    expect(bundleReferenceKey('urn:uuid:0b3e3b2e-1c3a-4f34-9d7e-3c2b1a0f9e8d', base)).toBe('urn:uuid:0b3e3b2e-1c3a-4f34-9d7e-3c2b1a0f9e8d');
  });
});
