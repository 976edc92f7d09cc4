// Checks a JSON value against a FHIR primitive type: its JSON representation (json.html#primitive:
// boolean and the numeric types are JSON booleans and numbers, everything else a string) and the
// regex of its StructureDefinition (datatypes.html#primitive).
import { primitiveTypeRegexes } from '../generated/fhir-model';

/** A problem with a primitive value: `structure` for the wrong JSON type, `value` for its format. */
export interface PrimitiveProblem {
  readonly code: 'structure' | 'value';
  readonly message: string;
}

type Check = (value: unknown) => PrimitiveProblem | undefined;

// datatypes.html#integer: a signed 32-bit integer.
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
// datatypes.html#string: strings SHALL NOT exceed 1 MB.
const STRING_MAX = 1024 * 1024;

const structure = (message: string): PrimitiveProblem => ({ code: 'structure', message });
const value = (message: string): PrimitiveProblem => ({ code: 'value', message });

function integerCheck(type: string, min: number): Check {
  return (v) => {
    if (typeof v !== 'number') return structure(`must be a JSON number (${type}), not ${describeJson(v)}`);
    if (!Number.isInteger(v)) return value(`${v} is not an integer (${type})`);
    if (v < min || v > INT_MAX) return value(`${v} is outside the range of ${type} (${min} to ${INT_MAX})`);
    return undefined;
  };
}

export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The regexes allow 2023-02-31; a date must also exist in the calendar (datatypes.html#date). */
function isRealDate(text: string): boolean {
  if (text.length < 10) return true;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  return Number(text.slice(8, 10)) <= daysInMonth(year, month);
}

/**
 * base64Binary: the spec regex `(\s*([0-9a-zA-Z\+/=]){4}\s*)+` backtracks exponentially on long
 * invalid input with whitespace, so the same rule is checked by one pass over the characters.
 */
function isBase64(text: string): boolean {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    const isAlphabet = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;
    if (isAlphabet) count += 1;
    else if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return count > 0 && count % 4 === 0;
}

function stringCheck(type: string, test: ((text: string) => boolean) | undefined): Check {
  return (v) => {
    if (typeof v !== 'string') return structure(`must be a JSON string (${type}), not ${describeJson(v)}`);
    // json.html: empty strings are not valid values.
    if (v.length === 0) return value(`must not be an empty string (${type})`);
    // The 1 MB limit is the string type's; base64Binary content is bounded by the body size limit.
    if (v.length > STRING_MAX && type !== 'base64Binary') return value(`is longer than 1 MB (${type})`);
    if (test && !test(v)) return value(`'${v.length > 100 ? v.slice(0, 100) + '...' : v}' is not a valid ${type}`);
    return undefined;
  };
}

function anchored(type: string): RegExp {
  return new RegExp(`^(?:${primitiveTypeRegexes[type] ?? ''})$`);
}

function regexTest(type: string): (text: string) => boolean {
  const regex = anchored(type);
  return (text) => regex.test(text);
}

function dateTest(type: string): (text: string) => boolean {
  const regex = anchored(type);
  return (text) => regex.test(text) && isRealDate(text);
}

const checks = new Map<string, Check>([
  ['boolean', (v) => (typeof v === 'boolean' ? undefined : structure(`must be a JSON boolean (true or false), not ${describeJson(v)}`))],
  ['integer', integerCheck('integer', INT_MIN)],
  ['positiveInt', integerCheck('positiveInt', 1)],
  ['unsignedInt', integerCheck('unsignedInt', 0)],
  [
    'decimal',
    (v) => {
      if (typeof v !== 'number') return structure(`must be a JSON number (decimal), not ${describeJson(v)}`);
      return Number.isFinite(v) ? undefined : value('is not a finite decimal');
    },
  ],
  // string and markdown: the regex `[ \r\n\t\S]+` only says "not empty" for JSON purposes.
  ['string', stringCheck('string', undefined)],
  ['markdown', stringCheck('markdown', undefined)],
  ['base64Binary', stringCheck('base64Binary', isBase64)],
  ['date', stringCheck('date', dateTest('date'))],
  ['dateTime', stringCheck('dateTime', dateTest('dateTime'))],
  ['instant', stringCheck('instant', dateTest('instant'))],
  // narrative.html: the div is XHTML whose root is a <div> element.
  ['xhtml', stringCheck('xhtml', (text) => /^\s*<div[\s>/]/.test(text))],
]);
for (const type of Object.keys(primitiveTypeRegexes)) {
  if (!checks.has(type)) checks.set(type, stringCheck(type, regexTest(type)));
}

/** Undefined when `v` is a valid JSON value of the primitive type. */
export function checkPrimitive(type: string, v: unknown): PrimitiveProblem | undefined {
  const check = checks.get(type);
  if (!check) throw new Error(`Unknown primitive type ${type}`);
  return check(v);
}

/** The checker of a primitive type, for callers that check many values of one type. */
export function primitiveChecker(type: string): (v: unknown) => PrimitiveProblem | undefined {
  const check = checks.get(type);
  if (!check) throw new Error(`Unknown primitive type ${type}`);
  return check;
}
