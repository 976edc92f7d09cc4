import { checkPrimitive } from './primitives';

describe('checkPrimitive', () => {
  test.each([
    ['boolean', true],
    ['integer', -2147483648],
    ['integer', 2147483647],
    ['positiveInt', 1],
    ['unsignedInt', 0],
    ['decimal', 0.1],
    ['decimal', -1e-7],
    ['string', ' leading and trailing spaces '],
    ['markdown', '# Title\n\n* item'],
    ['code', 'entered-in-error'],
    ['code', 'two words'],
    ['id', 'A-Za-z0-9.-'],
    ['uri', 'urn:ietf:rfc:3986'],
    ['url', 'https://example.org/a?b=c'],
    ['canonical', 'http://hl7.org/fhir/ValueSet/x|4.0.1'],
    ['oid', 'urn:oid:2.16.840.1.113883'],
    ['uuid', 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a'],
    ['date', '2024'],
    ['date', '2024-02'],
    ['date', '2024-02-29'],
    ['dateTime', '2024-02-29T23:59:60.123+14:00'],
    ['dateTime', '2000-01'],
    ['instant', '2015-02-07T13:28:17.239+02:00'],
    ['time', '23:59:59.5'],
    ['base64Binary', 'SGVsbG8='],
    ['base64Binary', 'SGVs\nbG8='],
    ['xhtml', '<div xmlns="http://www.w3.org/1999/xhtml">x</div>'],
  ])('%s accepts %j', (type, value) => {
    expect(checkPrimitive(type, value)).toBeUndefined();
  });

  test.each([
    ['boolean', 'true', 'structure'],
    ['integer', 2147483648, 'value'],
    ['integer', 1.5, 'value'],
    ['integer', '1', 'structure'],
    ['positiveInt', 0, 'value'],
    ['unsignedInt', -1, 'value'],
    ['decimal', '1.0', 'structure'],
    ['decimal', Infinity, 'value'],
    ['string', '', 'value'],
    ['string', 5, 'structure'],
    ['code', ' leading', 'value'],
    ['code', 'double  space', 'value'],
    ['id', 'under_score', 'value'],
    ['id', 'x'.repeat(65), 'value'],
    ['uri', 'has space', 'value'],
    ['oid', '1.2.3', 'value'],
    ['uuid', 'urn:uuid:61EBE359-BFDC-4613-8BF2-C5E300945F0A', 'value'],
    ['date', '2023-02-29', 'value'],
    ['date', '2024-04-31', 'value'],
    ['date', '2024-1-01', 'value'],
    ['date', '0000', 'value'],
    ['dateTime', '2024-01-01T10:00', 'value'],
    ['dateTime', '2024-01-01T10:00:00', 'value'],
    ['instant', '2024-01-01', 'value'],
    ['time', '24:00:00', 'value'],
    ['base64Binary', 'abc', 'value'],
    ['base64Binary', 'ab$=', 'value'],
    ['xhtml', 'text', 'value'],
  ])('%s rejects %j as %s', (type, value, code) => {
    expect(checkPrimitive(type, value)?.code).toBe(code);
  });

  test('the base64Binary check stays linear on long invalid input with whitespace', () => {
    const hostile = 'AAAA '.repeat(50000) + '!';
    const started = Date.now();
    expect(checkPrimitive('base64Binary', hostile)?.code).toBe('value');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('a string over 1 MB is rejected', () => {
    expect(checkPrimitive('string', 'x'.repeat(1024 * 1024 + 1))?.message).toContain('1 MB');
  });

  test('an unknown primitive type is a programming error', () => {
    expect(() => checkPrimitive('HumanName', 'x')).toThrow('Unknown primitive type HumanName');
  });
});
