import { parseDateRange } from './date-range';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('parseDateRange', () => {
  it('expands a year to the whole year', () => {
    const r = parseDateRange('2020');
    expect(r && [iso(r.start), iso(r.end)]).toEqual(['2020-01-01T00:00:00.000Z', '2020-12-31T23:59:59.999Z']);
  });

  it('expands a month to the whole month, leap years included', () => {
    const r = parseDateRange('2020-02');
    expect(r && [iso(r.start), iso(r.end)]).toEqual(['2020-02-01T00:00:00.000Z', '2020-02-29T23:59:59.999Z']);
  });

  it('expands a day to the whole day', () => {
    const r = parseDateRange('2020-03-04');
    expect(r && [iso(r.start), iso(r.end)]).toEqual(['2020-03-04T00:00:00.000Z', '2020-03-04T23:59:59.999Z']);
  });

  it('applies the time zone offset of a dateTime', () => {
    const r = parseDateRange('2020-03-04T10:00:00+02:00');
    expect(r && [iso(r.start), iso(r.end)]).toEqual(['2020-03-04T08:00:00.000Z', '2020-03-04T08:00:00.999Z']);
  });

  it('treats an instant with milliseconds as a single millisecond', () => {
    const r = parseDateRange('2020-03-04T10:00:00.123Z');
    expect(r && r.end - r.start).toBe(0);
  });

  it('rejects text that is not a FHIR date', () => {
    expect(parseDateRange('yesterday')).toBeUndefined();
    expect(parseDateRange('2020-13')).toBeUndefined();
  });
});
