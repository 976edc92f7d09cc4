// A smaller schema for a configured list of resource types (issue 4: "a smaller schema for a
// configured subset"), derived from the committed full SDL rather than from the R4 definitions,
// so it can be computed at run time (locally) as well as written out for AppSync by the tool.
import {
  Kind,
  parse,
  print,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
} from 'graphql';

const ROOT_SUFFIXES = ['', 'List', 'Connection', 'Create', 'Update', 'Delete'];

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

function isResourceType(definition: DefinitionNode): definition is ObjectTypeDefinitionNode {
  return definition.kind === Kind.OBJECT_TYPE_DEFINITION && (definition.interfaces ?? []).some((iface) => iface.name.value === 'Resource');
}

function rootTypeNames(document: DocumentNode): Set<string> {
  const names = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION) {
      for (const operation of definition.operationTypes) names.add(operation.type.name.value);
    }
  }
  return names;
}

/** Names of the resource types in a full or subset SDL (object types implementing Resource). */
export function resourceTypesOf(sdl: string): string[] {
  return parse(sdl).definitions.filter(isResourceType).map((definition) => definition.name.value);
}

/**
 * Keeps the root fields of `resourceTypes` (R, RList, RConnection, RCreate, RUpdate, RDelete),
 * the subscription and publish fields, and every type they reach. Fields typed as a dropped
 * resource type disappear; `Reference.resource` still returns the Resource interface.
 * Throws on a name that is not a resource type of the full schema.
 */
export function subsetSchemaSdl(fullSdl: string, resourceTypes: readonly string[]): string {
  const document = parse(fullSdl);
  const allResources = new Set(document.definitions.filter(isResourceType).map((definition) => definition.name.value));
  const unknown = resourceTypes.filter((name) => !allResources.has(name));
  if (unknown.length > 0) throw new Error(`Not R4 resource types: ${unknown.join(', ')}`);
  const kept = new Set(resourceTypes);
  const rootFieldNames = new Set(resourceTypes.flatMap((type) => ROOT_SUFFIXES.map((suffix) => type + suffix)));
  const roots = rootTypeNames(document);
  const generatedRootField = (name: string): boolean => [...allResources].some((type) => ROOT_SUFFIXES.some((suffix) => type + suffix === name));

  const keepField = (owner: string, field: FieldDefinitionNode): boolean => {
    if (roots.has(owner) && generatedRootField(field.name.value)) return rootFieldNames.has(field.name.value);
    const target = namedType(field.type);
    return !allResources.has(target) || kept.has(target);
  };

  const pruned = document.definitions.map((definition): DefinitionNode => {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) return definition;
    const owner = definition.name.value;
    return { ...definition, fields: (definition.fields ?? []).filter((field) => keepField(owner, field)) };
  });

  const byName = new Map<string, DefinitionNode>();
  for (const definition of pruned) {
    if ('name' in definition && definition.name !== undefined) byName.set(definition.name.value, definition);
  }
  const reachable = new Set<string>();
  const visit = (name: string): void => {
    if (reachable.has(name)) return;
    reachable.add(name);
    const definition = byName.get(name);
    if (definition === undefined) return;
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      for (const iface of definition.interfaces ?? []) visit(iface.name.value);
      for (const field of definition.fields ?? []) {
        visit(namedType(field.type));
        for (const arg of field.arguments ?? []) visit(namedType(arg.type));
      }
    }
  };
  for (const root of roots) visit(root);
  for (const type of kept) visit(type);

  const definitions = pruned.filter((definition) => !('name' in definition) || definition.name === undefined || reachable.has(definition.name.value));
  const header = `# Subset of schema/schema.graphql for ${resourceTypes.join(', ')}, by resolvers/schema/subset.ts. Do not edit.\n\n`;
  return header + print({ kind: Kind.DOCUMENT, definitions }) + '\n';
}
