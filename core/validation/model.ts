// The FHIR R4 type model at run time, read from the compact generated module
// (core/generated/fhir-model.ts, written by tools/generate-definitions.ts) instead of the 40 MB of
// StructureDefinition JSON (DESIGN.md: R4 definitions).
//
// Row format of the generated module: [name, cardinality, type, extra?]
// - name: the element name of the StructureDefinition, `value[x]` for a choice element;
// - cardinality: `min..max`, max `*` for unbounded;
// - type: type codes joined by `|` (several only for a choice); Reference and canonical may
//   name their target resource types, `Reference(Patient,Group)`; `#Questionnaire.item` is a
//   contentReference (elementdefinition.html#contentReference) to a backbone element;
// - extra: a number is the index of the required value set that the element is bound to: in
//   `requiredValueSets` (codes) for a `code` element, in `requiredCodingValueSets`
//   (`system|code`) for a CodeableConcept or Coding element; an array is the child rows of a
//   backbone element.
// A type lists only the rows that differ from its base (Resource.meta, Element.extension, ...);
// the base rows are merged back here. Types are compiled lazily on first use, so a cold start
// pays only for the types it touches.
import {
  baseTypeDefinitions,
  complexTypeDefinitions,
  constraintTypes,
  primitiveTypeRegexes,
  requiredCodingValueSets,
  requiredValueSets,
  resourceDefinitions,
  type ElementRow,
  type TypeEntry,
} from '../generated/fhir-model';

export { fhirVersion } from '../generated/fhir-model';

/** How a JSON value of an element is shaped (json.html). */
export type ElementKind = 'primitive' | 'complex' | 'backbone' | 'resource';

export interface ElementType {
  /** A primitive or complex type name, `BackboneElement`/`Element` for backbones, or `Resource`. */
  readonly code: string;
  /** For Reference and canonical: the allowed target resource types; undefined means any. */
  readonly targets: readonly string[] | undefined;
}

export interface RequiredBinding {
  readonly valueSet: string;
  /** The codes of the value set; `system|code` for a CodeableConcept or Coding element. */
  readonly codes: ReadonlySet<string>;
}

export interface ElementDefinition {
  /** As in the StructureDefinition: `birthDate`, `value[x]`. */
  readonly name: string;
  /** `Patient.contact.name`, `Observation.value[x]`. */
  readonly path: string;
  readonly min: number;
  /** Infinity for `*`. */
  readonly max: number;
  /** Repeating elements are JSON arrays (json.html#cardinality). */
  readonly isArray: boolean;
  readonly isChoice: boolean;
  readonly types: readonly ElementType[];
  /** The JSON property names: `valueQuantity`, `valueString`, ... for a choice. */
  readonly jsonNames: readonly string[];
  /** The required binding of a `code` element (terminologies.html#required). */
  readonly binding: RequiredBinding | undefined;
  /** The required binding of a CodeableConcept or Coding element: some coding must be in it. */
  readonly codingBinding: RequiredBinding | undefined;
  /** The anonymous type of a backbone element. */
  readonly children: TypeDefinition | undefined;
}

export interface PropertyDefinition {
  readonly jsonName: string;
  /** `_birthDate`: the sibling holding a primitive's id and extensions (json.html#primitive). */
  readonly extensionName: string;
  readonly element: ElementDefinition;
  readonly type: ElementType;
  readonly kind: ElementKind;
}

export interface TypeDefinition {
  /** `Patient`, `HumanName`, or the path of a backbone element, `Patient.contact`. */
  readonly name: string;
  readonly kind: 'resource' | 'complex-type' | 'backbone' | 'abstract';
  /** By element name (`value[x]`). */
  readonly elements: ReadonlyMap<string, ElementDefinition>;
  /** By JSON property name (`valueQuantity`), without the `_` of primitive extensions. */
  readonly properties: ReadonlyMap<string, PropertyDefinition>;
  readonly requiredElements: readonly ElementDefinition[];
}

/** Concrete resource types, sorted. */
export const resourceTypes: readonly string[] = Object.keys(resourceDefinitions).sort();
const resourceTypeSet: ReadonlySet<string> = new Set(resourceTypes);

/** Primitive type names (datatypes.html#primitive), sorted. */
export const primitiveTypes: readonly string[] = Object.keys(primitiveTypeRegexes).sort();
const primitiveTypeSet: ReadonlySet<string> = new Set(primitiveTypes);

/** Complex datatype names, sorted (the abstract Element and BackboneElement excluded). */
export const complexTypes: readonly string[] = Object.keys(complexTypeDefinitions).sort();

export function isResourceType(name: string): boolean {
  return resourceTypeSet.has(name);
}

export function isPrimitiveType(name: string): boolean {
  return primitiveTypeSet.has(name);
}

export function isComplexType(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(complexTypeDefinitions, name);
}

function entryOf(name: string): [TypeEntry, TypeDefinition['kind']] | undefined {
  const own = Object.prototype.hasOwnProperty;
  if (own.call(resourceDefinitions, name)) return [resourceDefinitions[name] as TypeEntry, 'resource'];
  if (own.call(complexTypeDefinitions, name)) return [complexTypeDefinitions[name] as TypeEntry, 'complex-type'];
  if (own.call(baseTypeDefinitions, name)) return [baseTypeDefinitions[name] as TypeEntry, 'abstract'];
  return undefined;
}

const bindings = new Map<number, RequiredBinding>();
const codingBindings = new Map<number, RequiredBinding>();

function bindingAt(index: number, coding: boolean): RequiredBinding {
  const cache = coding ? codingBindings : bindings;
  let binding = cache.get(index);
  if (!binding) {
    const [valueSet = '', ...codes] = (coding ? requiredCodingValueSets : requiredValueSets)[index] ?? [];
    binding = { valueSet, codes: new Set(codes) };
    cache.set(index, binding);
  }
  return binding;
}

function parseType(text: string): ElementType {
  const open = text.indexOf('(');
  if (open < 0) return { code: text, targets: undefined };
  return { code: text.slice(0, open), targets: text.slice(open + 1, -1).split(',') };
}

function kindOf(code: string): ElementKind {
  if (primitiveTypeSet.has(code)) return 'primitive';
  if (code === 'Resource') return 'resource';
  // Only backbone elements (and contentReferences to them) are typed with these abstract bases.
  return code === 'BackboneElement' || code === 'Element' ? 'backbone' : 'complex';
}

interface MutableElement extends ElementDefinition {
  children: TypeDefinition | undefined;
}

/** Compiles one root type and its backbone elements (which contentReferences point into). */
class TypeCompiler {
  private readonly backbones = new Map<string, TypeDefinition>();
  private readonly contentReferences: [MutableElement, string][] = [];

  compile(name: string, entry: TypeEntry, kind: TypeDefinition['kind']): TypeDefinition {
    const type = this.build(name, kind, entry[0], entry[1]);
    for (const [element, target] of this.contentReferences) element.children = this.backbones.get(target);
    return type;
  }

  private build(name: string, kind: TypeDefinition['kind'], base: string, rows: readonly ElementRow[]): TypeDefinition {
    const merged = new Map<string, ElementRow>();
    for (const row of [...this.inheritedRows(base), ...rows]) merged.set(row[0], row);
    const elements = new Map<string, ElementDefinition>();
    for (const row of merged.values()) elements.set(row[0], this.element(name, row));
    const properties = new Map<string, PropertyDefinition>();
    for (const element of elements.values()) {
      element.types.forEach((type, i) => {
        const jsonName = element.jsonNames[i] ?? element.name;
        properties.set(jsonName, { jsonName, extensionName: '_' + jsonName, element, type, kind: kindOf(type.code) });
      });
    }
    const requiredElements = [...elements.values()].filter((element) => element.min > 0);
    const type: TypeDefinition = { name, kind, elements, properties, requiredElements };
    if (kind === 'backbone') this.backbones.set(name, type);
    return type;
  }

  private inheritedRows(base: string): ElementRow[] {
    if (base === '') return [];
    const entry = entryOf(base);
    if (!entry) throw new Error(`Unknown base type ${base}`);
    const rows = new Map<string, ElementRow>();
    for (const row of this.inheritedRows(entry[0][0])) rows.set(row[0], row);
    for (const row of entry[0][1]) rows.set(row[0], row);
    return [...rows.values()];
  }

  private element(parent: string, [name, cardinality, typeText, extra]: ElementRow): MutableElement {
    const path = `${parent}.${name}`;
    const [minText = '0', maxText = '*'] = cardinality.split('..');
    const max = maxText === '*' ? Infinity : Number(maxText);
    const isChoice = name.endsWith('[x]');
    const stem = isChoice ? name.slice(0, -3) : name;
    const isReference = typeText.startsWith('#');
    const isCoding = typeText === 'CodeableConcept' || typeText === 'Coding';
    const types = isReference ? [{ code: 'BackboneElement', targets: undefined }] : typeText.split('|').map(parseType);
    const jsonNames = types.map((type) => {
      if (!isChoice) return name;
      const code = constraintTypes[type.code] ?? type.code;
      return stem + code.charAt(0).toUpperCase() + code.slice(1);
    });
    const element: MutableElement = {
      name,
      path,
      min: Number(minText),
      max,
      isArray: maxText !== '1' && maxText !== '0',
      isChoice,
      types,
      jsonNames,
      binding: typeof extra === 'number' && !isCoding ? bindingAt(extra, false) : undefined,
      codingBinding: typeof extra === 'number' && isCoding ? bindingAt(extra, true) : undefined,
      children: undefined,
    };
    if (isReference) this.contentReferences.push([element, typeText.slice(1)]);
    else if (Array.isArray(extra)) element.children = this.build(path, 'backbone', typeText, extra);
    return element;
  }
}

const compiled = new Map<string, TypeDefinition>();

/** A resource type, complex datatype or abstract base (Element, Resource, ...) by name. */
export function getTypeDefinition(name: string): TypeDefinition | undefined {
  let type = compiled.get(name);
  if (type) return type;
  const entry = entryOf(name);
  if (!entry) return undefined;
  type = new TypeCompiler().compile(name, entry[0], entry[1]);
  compiled.set(name, type);
  return type;
}

/**
 * The element at a path such as `Patient.contact.name` or `Observation.value[x]`, following
 * backbone elements and (for a single-typed element) its datatype.
 */
export function getElementDefinition(path: string): ElementDefinition | undefined {
  const [root = '', ...names] = path.split('.');
  let type = getTypeDefinition(root);
  let element: ElementDefinition | undefined;
  for (const name of names) {
    if (!type) return undefined;
    element = type.elements.get(name);
    if (!element) return undefined;
    const code = element.types[0]?.code;
    type = element.children ?? (element.types.length === 1 && code !== undefined ? getTypeDefinition(code) : undefined);
  }
  return element;
}
