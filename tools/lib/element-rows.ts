// Encodes StructureDefinition snapshots as the compact element rows of core/generated/fhir-model.ts
// (the row grammar is documented in core/validation/model.ts, which reads them back).
// Rows equal to the ones a type inherits (Resource.meta, Element.extension, ...) are left out, and
// the reader merges them back in: that keeps the module a few hundred KB instead of MBs.
import type { RawElement, RawStructureDefinition, RawTypeRef } from './medplum-definitions';
import type { RequiredValueSets } from './required-value-sets';

export type ElementRow = readonly [string, string, string, (number | readonly ElementRow[])?];

export interface TypeEntry {
  readonly base: string;
  readonly rows: readonly ElementRow[];
}

const SD_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';
const FHIR_TYPE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';

function lastSegment(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

export class ElementRowEncoder {
  private readonly byName = new Map<string, RawStructureDefinition>();
  private readonly entries = new Map<string, TypeEntry>();
  private readonly effective = new Map<string, ReadonlyMap<string, string>>();

  constructor(
    structureDefinitions: readonly RawStructureDefinition[],
    private readonly resourceTypes: ReadonlySet<string>,
    private readonly valueSets: RequiredValueSets,
  ) {
    for (const sd of structureDefinitions) {
      if (sd.url === SD_PREFIX + sd.name) this.byName.set(sd.name, sd);
    }
  }

  /** The base type name and the rows that differ from it. */
  encode(name: string): TypeEntry {
    const known = this.entries.get(name);
    if (known) return known;
    const sd = this.byName.get(name);
    const elements = sd?.snapshot?.element;
    if (!sd || !elements || elements.length === 0) throw new Error(`No StructureDefinition snapshot for ${name}`);
    const base = sd.baseDefinition === undefined ? '' : lastSegment(sd.baseDefinition);
    const rootPath = elements[0]?.path ?? name;
    const entry: TypeEntry = { base, rows: this.childRows(elements, rootPath, base, sd.kind === 'resource') };
    this.entries.set(name, entry);
    return entry;
  }

  /** Every row a type has after inheritance, keyed by element name, each as its JSON text. */
  private effectiveRows(name: string): ReadonlyMap<string, string> {
    const known = this.effective.get(name);
    if (known) return known;
    const entry = this.encode(name);
    const rows = new Map(entry.base === '' ? [] : this.effectiveRows(entry.base));
    for (const row of entry.rows) rows.set(row[0], JSON.stringify(row));
    this.effective.set(name, rows);
    return rows;
  }

  private childRows(elements: readonly RawElement[], parentPath: string, base: string, isResourceRoot: boolean): ElementRow[] {
    const inherited = base === '' ? new Map<string, string>() : this.effectiveRows(base);
    const prefix = parentPath + '.';
    const rows: ElementRow[] = [];
    for (const element of elements) {
      if (!element.path.startsWith(prefix) || element.path.indexOf('.', prefix.length) >= 0) continue;
      const row = this.row(elements, element, isResourceRoot);
      if (inherited.get(row[0]) !== JSON.stringify(row)) rows.push(row);
    }
    return rows;
  }

  private row(elements: readonly RawElement[], element: RawElement, isResourceRoot: boolean): ElementRow {
    const name = element.path.slice(element.path.lastIndexOf('.') + 1);
    const cardinality = `${element.min ?? 0}..${element.max ?? '*'}`;
    if (element.contentReference !== undefined) {
      return [name, cardinality, '#' + element.contentReference.slice(element.contentReference.indexOf('#') + 1)];
    }
    const types = element.type ?? [];
    const hasChildren = elements.some((candidate) => candidate.path.startsWith(element.path + '.'));
    if (hasChildren) {
      // A backbone element (BackboneElement in resources, Element inside datatypes).
      const code = types[0]?.code ?? 'BackboneElement';
      return [name, cardinality, code, this.childRows(elements, element.path, code, false)];
    }
    // Resource.id is typed System.String in the R4 snapshots, but is an id (resource.html#id).
    const type = isResourceRoot && name === 'id' ? 'id' : types.map((t) => this.typeText(t, element.path)).join('|');
    if (type === '') throw new Error(`${element.path} has no type`);
    const binding = element.binding;
    if (binding?.strength === 'required' && binding.valueSet !== undefined) {
      // A `code` row's number indexes requiredValueSets; a CodeableConcept or Coding row's, requiredCodingValueSets.
      const coded = types.length === 1 && (types[0]?.code === 'CodeableConcept' || types[0]?.code === 'Coding');
      const index = types.some((t) => t.code === 'code') ? this.valueSets.indexOf(binding.valueSet) : coded ? this.valueSets.codingIndexOf(binding.valueSet) : undefined;
      if (index !== undefined) return [name, cardinality, type, index];
    }
    return [name, cardinality, type];
  }

  private typeText(type: RawTypeRef, path: string): string {
    if (type.code.startsWith('http://hl7.org/fhirpath/System.')) {
      const fhirType = type.extension?.find((e) => e.url === FHIR_TYPE_EXTENSION)?.valueUrl;
      if (fhirType === undefined) throw new Error(`${path}: FHIRPath system type without a FHIR type`);
      return fhirType;
    }
    const profile = type.profile?.map(lastSegment).find((p) => this.byName.get(p)?.derivation === 'constraint');
    if (profile !== undefined) return profile;
    if (type.code !== 'Reference' && type.code !== 'canonical') return type.code;
    const named = (type.targetProfile ?? []).map(lastSegment);
    if (named.length === 0 || named.includes('Resource')) return type.code;
    // The package adds Medplum's own types to a few R4 targets (AuditEvent.source.observer: Bot,
    // ClientApplication); they are not R4 resources.
    const targets = named.filter((target) => this.resourceTypes.has(target));
    if (targets.length === 0 && type.code === 'Reference') throw new Error(`${path}: no known target among ${named.join(', ')}`);
    return targets.length === 0 ? type.code : `${type.code}(${targets.join(',')})`;
  }
}
