// FHIR date, dateTime and instant values as the instant range they denote, honouring precision
// (https://hl7.org/fhir/R4/search.html#date: "the range of the value is the precision"):
// 2020 -> [2020-01-01T00:00:00.000Z, 2020-12-31T23:59:59.999Z]. Values without a time zone
// are taken as UTC, the server's zone (datatypes.html#dateTime leaves it to the server).

/** Inclusive bounds in epoch milliseconds. */
export interface InstantRange {
  readonly start: number;
  readonly end: number;
}

/** Smallest and largest instants, used for open Period ends. */
export const MIN_INSTANT = -8.64e15;
export const MAX_INSTANT = 8.64e15;

const DATE_PATTERN = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

function offsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const [h, m] = zone.slice(1).split(':').map(Number);
  return sign * ((h ?? 0) * 60 + (m ?? 0)) * 60000;
}

/** The range of a FHIR date/dateTime/instant string, or undefined when it is not one. */
export function parseDateRange(value: string): InstantRange | undefined {
  const m = DATE_PATTERN.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? undefined : Number(mo) - 1;
  const day = d === undefined ? undefined : Number(d);
  if (month !== undefined && (month < 0 || month > 11)) return undefined;
  if (day !== undefined && (day < 1 || day > 31)) return undefined;
  const shift = offsetMs(zone);
  const utc = (yy: number, mm: number, dd: number, hh: number, mn: number, ss: number, ms: number): number => {
    const t = Date.UTC(yy, mm, dd, hh, mn, ss, ms);
    // Date.UTC maps years 0..99 to 1900..1999.
    return yy < 100 ? new Date(t).setUTCFullYear(yy) : t;
  };
  let start: number;
  let next: number;
  if (month === undefined) {
    start = utc(year, 0, 1, 0, 0, 0, 0);
    next = utc(year + 1, 0, 1, 0, 0, 0, 0);
  } else if (day === undefined) {
    start = utc(year, month, 1, 0, 0, 0, 0);
    next = utc(year, month + 1, 1, 0, 0, 0, 0);
  } else if (h === undefined || mi === undefined) {
    start = utc(year, month, day, 0, 0, 0, 0);
    next = start + 86400000;
  } else if (s === undefined) {
    start = utc(year, month, day, Number(h), Number(mi), 0, 0) - shift;
    next = start + 60000;
  } else if (frac === undefined) {
    start = utc(year, month, day, Number(h), Number(mi), Number(s), 0) - shift;
    next = start + 1000;
  } else {
    const digits = Math.min(frac.length, 3);
    const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
    start = utc(year, month, day, Number(h), Number(mi), Number(s), ms) - shift;
    next = start + 10 ** (3 - digits);
  }
  if (Number.isNaN(start)) return undefined;
  return { start, end: next - 1 };
}
