import { InvalidSearchValueError, numberRange, parseValue, splitEscaped } from './parse-value';

const NOW = Date.UTC(2024, 0, 1);

describe('parseValue', () => {
  it('keeps an escaped separator inside a token (search.html#escaping)', () => {
    expect(parseValue('token', 'urn:sys|a\\|b', undefined, undefined, NOW)).toEqual({ kind: 'token', system: 'urn:sys', code: 'a|b' });
  });

  it('splits only on unescaped separators', () => {
    expect(splitEscaped('a\\,b,c\\$d$e', ',')).toEqual(['a\\,b', 'c\\$d$e']);
  });

  it('reads |code as "no system" and system| as "any code of the system"', () => {
    expect([parseValue('token', '|x', undefined, undefined, NOW), parseValue('token', 'urn:s|', undefined, undefined, NOW)]).toEqual([
      { kind: 'token', system: null, code: 'x' }, { kind: 'token', system: 'urn:s' },
    ]);
  });

  it('derives the implicit range from the significant digits, exponents included', () => {
    expect([numberRange('100'), numberRange('1e2'), numberRange('100.00')]).toEqual([
      { value: 100, low: 99.5, high: 100.5 }, { value: 100, low: 50, high: 150 }, { value: 100, low: 99.995, high: 100.005 },
    ]);
  });

  it('widens ap by a tenth of the value', () => {
    expect(parseValue('number', 'ap100', undefined, undefined, NOW)).toEqual({ kind: 'number', prefix: 'ap', low: 89.5, high: 110.5 });
  });

  it('parses a reference as type and id, absolute URL or canonical with version', () => {
    expect([
      parseValue('reference', 'Patient/1', undefined, undefined, NOW),
      parseValue('reference', 'http://x.org/fhir/Patient/1/_history/3', undefined, undefined, NOW),
      parseValue('reference', 'http://x.org/Questionnaire/q|2.0', undefined, undefined, NOW),
    ]).toEqual([
      { kind: 'reference', targetType: 'Patient', id: '1' },
      { kind: 'reference', targetType: 'Patient', id: '1', version: '3' },
      { kind: 'reference', url: 'http://x.org/Questionnaire/q', version: '2.0' },
    ]);
  });

  it('rejects a malformed number and an empty value', () => {
    expect(() => parseValue('number', 'gtten', undefined, undefined, NOW)).toThrow(InvalidSearchValueError);
    expect(() => parseValue('string', '', undefined, undefined, NOW)).toThrow(InvalidSearchValueError);
  });
});
