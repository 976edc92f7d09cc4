// Which root fields of the AppSync schema get which resolver (DESIGN.md: GraphQL, execution
// model on AppSync). Read from the SDL itself, so a regenerated or subset schema needs no
// change here.
import { Kind, parse, type ObjectTypeDefinitionNode, type StringValueNode } from 'graphql';

export interface RootFields {
  /** Query and Mutation fields answered by the FHIR Lambda. */
  readonly lambda: readonly { readonly typeName: string; readonly fieldName: string }[];
  /** Mutations only named in @aws_subscribe: they just carry a change to subscribers. */
  readonly publish: readonly { readonly typeName: string; readonly fieldName: string }[];
  /** Subscription fields (AppSync runs them itself; a local resolver may add filters). */
  readonly subscriptions: readonly { readonly typeName: string; readonly fieldName: string; readonly arguments: readonly string[] }[];
}

export function rootFieldsOf(sdl: string): RootFields {
  const document = parse(sdl);
  const roots = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION) continue;
    for (const operation of definition.operationTypes) roots[operation.operation] = operation.type.name.value;
  }
  const objectType = (name: string): ObjectTypeDefinitionNode | undefined =>
    document.definitions.find((definition): definition is ObjectTypeDefinitionNode => definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === name);
  const fieldsOf = (typeName: string): string[] => (objectType(typeName)?.fields ?? []).map((field) => field.name.value);

  const subscriptionFields = objectType(roots.subscription)?.fields ?? [];
  const publishNames = new Set(
    subscriptionFields.flatMap((field) =>
      (field.directives ?? [])
        .filter((directive) => directive.name.value === 'aws_subscribe')
        .flatMap((directive) => directive.arguments ?? [])
        .flatMap((argument) => (argument.value.kind === Kind.LIST ? argument.value.values : []))
        .filter((value): value is StringValueNode => value.kind === Kind.STRING)
        .map((value) => value.value),
    ),
  );
  const at = (typeName: string) => (fieldName: string) => ({ typeName, fieldName });
  return {
    lambda: [...fieldsOf(roots.query).map(at(roots.query)), ...fieldsOf(roots.mutation).filter((name) => !publishNames.has(name)).map(at(roots.mutation))],
    publish: fieldsOf(roots.mutation).filter((name) => publishNames.has(name)).map(at(roots.mutation)),
    subscriptions: subscriptionFields.map((field) => ({ ...at(roots.subscription)(field.name.value), arguments: (field.arguments ?? []).map((argument) => argument.name.value) })),
  };
}
