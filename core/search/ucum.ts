// UCUM canonical form of quantities (issue 3: "UCUM canonical form where it is cheap";
// https://hl7.org/fhir/R4/search.html#quantity: a server may compare quantities in canonical
// units). The UCUM library that ships with fhirpath converts a unit to base units; the factor of
// each unit is computed once and cached, so a conversion costs a multiplication. Special units
// (Cel, [degF], logarithmic units) have no factor and are left as they are.
import { fhirpathEngine } from '../fhirpath-engine';

export const UCUM = 'http://unitsofmeasure.org';

interface Canonical {
  readonly factor: number;
  readonly unit: string;
}

interface BaseUnits {
  readonly status?: unknown;
  readonly magnitude?: unknown;
  readonly unitToExp?: unknown;
  readonly fromUnitIsSpecial?: unknown;
}

const cache = new Map<string, Canonical | null>();

function lookup(code: string): Canonical | null {
  let found = cache.get(code);
  if (found === undefined) {
    found = null;
    try {
      const converter = fhirpathEngine().ucumUtils as { convertToBaseUnits(unit: string, value: number): BaseUnits };
      const base = converter.convertToBaseUnits(code, 1);
      if (base.status === 'succeeded' && base.fromUnitIsSpecial !== true && typeof base.magnitude === 'number' && typeof base.unitToExp === 'object' && base.unitToExp !== null) {
        const exps = Object.entries(base.unitToExp as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number').sort(([a], [b]) => (a < b ? -1 : 1));
        found = { factor: base.magnitude, unit: exps.length === 0 ? '1' : exps.map(([u, e]) => (e === 1 ? u : `${u}${e}`)).join('.') };
      }
    } catch {
      found = null;
    }
    if (cache.size > 10000) cache.clear();
    cache.set(code, found);
  }
  return found;
}

/** The canonical unit and the factor from `code` to it, or undefined when there is none. */
export function canonicalUnit(code: string): Canonical | undefined {
  return lookup(code) ?? undefined;
}
