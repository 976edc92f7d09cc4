// Expands the value sets of required bindings (terminologies.html#required) into plain code lists,
// when that is possible from the package alone: whole FHIR code systems, enumerated concepts and
// nested value sets. A `code` element gets the codes; a CodeableConcept or Coding element gets
// `system|code` pairs (a coding matches on both). Value sets that need an external terminology
// (BCP-13 mime types, ISO 4217 currencies, UCUM) or filters are left unchecked.
import type { RawCodeSystem, RawConcept, RawValueSet } from './medplum-definitions';


function withoutVersion(canonical: string): string {
  const bar = canonical.indexOf('|');
  return bar < 0 ? canonical : canonical.slice(0, bar);
}

/** A code of a value set with the code system it comes from. */
interface SystemCode {
  readonly system: string;
  readonly code: string;
}

function conceptCodes(system: string, concepts: readonly RawConcept[] | undefined, out: SystemCode[]): void {
  for (const concept of concepts ?? []) {
    out.push({ system, code: concept.code });
    conceptCodes(system, concept.concept, out);
  }
}

export class RequiredValueSets {
  private readonly byUrl = new Map<string, RawCodeSystem | RawValueSet>();
  private readonly indexByUrl = new Map<string, number | undefined>();
  private readonly codingIndexByUrl = new Map<string, number | undefined>();
  /** Each entry is [value set url, ...codes]; a `code` row's binding is an index into this list. */
  readonly table: string[][] = [];
  /** Each entry is [value set url, ...`system|code`]; a CodeableConcept or Coding row's binding is an index into this list. */
  readonly codingTable: string[][] = [];

  constructor(terminology: readonly (RawCodeSystem | RawValueSet)[]) {
    for (const resource of terminology) this.byUrl.set(resource.url, resource);
  }

  /** The table index of the expanded value set, or undefined when it cannot be expanded here. */
  indexOf(valueSet: string): number | undefined {
    return this.index(valueSet, this.indexByUrl, this.table, (c) => c.code);
  }

  /** As indexOf, for a CodeableConcept or Coding element: the entry lists `system|code`. */
  codingIndexOf(valueSet: string): number | undefined {
    return this.index(valueSet, this.codingIndexByUrl, this.codingTable, (c) => `${c.system}|${c.code}`);
  }

  private index(valueSet: string, indexes: Map<string, number | undefined>, table: string[][], text: (c: SystemCode) => string): number | undefined {
    const url = withoutVersion(valueSet);
    if (indexes.has(url)) return indexes.get(url);
    const codes = this.expand(url, new Set());
    // A coding matches on its system too: an expansion without systems cannot check one.
    const usable = codes !== undefined && (table === this.table || codes.every((c) => c.system !== ''));
    const index = usable ? table.push([url, ...new Set(codes.map(text))]) - 1 : undefined;
    indexes.set(url, index);
    return index;
  }

  private codeSystemCodes(system: string): SystemCode[] | undefined {
    const codeSystem = this.byUrl.get(system);
    if (codeSystem?.resourceType !== 'CodeSystem' || codeSystem.content !== 'complete') return undefined;
    const codes: SystemCode[] = [];
    conceptCodes(system, codeSystem.concept, codes);
    return codes;
  }

  private expand(url: string, seen: Set<string>): SystemCode[] | undefined {
    const valueSet = this.byUrl.get(url);
    if (valueSet?.resourceType !== 'ValueSet' || seen.has(url)) return undefined;
    seen.add(url);
    const compose = valueSet.compose;
    if (compose === undefined) return valueSet.expansion?.contains?.map((c) => ({ system: c.system ?? '', code: c.code }));
    if (compose.exclude !== undefined) return undefined;
    const codes: SystemCode[] = [];
    for (const include of compose.include) {
      if (include.filter !== undefined) return undefined;
      if (include.valueSet !== undefined) {
        // A system and value sets in one include mean their intersection: rare, not expanded.
        if (include.system !== undefined) return undefined;
        for (const nested of include.valueSet) {
          const nestedCodes = this.expand(withoutVersion(nested), seen);
          if (nestedCodes === undefined) return undefined;
          codes.push(...nestedCodes);
        }
        continue;
      }
      if (include.system === undefined) return undefined;
      const system = include.system;
      const included = include.concept?.map((c) => ({ system, code: c.code })) ?? this.codeSystemCodes(system);
      if (included === undefined) return undefined;
      codes.push(...included);
    }
    return codes;
  }
}
