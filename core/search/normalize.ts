// String search is case- and accent-insensitive by default (https://hl7.org/fhir/R4/search.html#string):
// values and queries are both reduced to this form; `:exact` compares the raw value.

/** Lower case, without combining marks (NFD decomposition), whitespace collapsed. */
export function normalizeString(value: string): string {
  return value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
}
