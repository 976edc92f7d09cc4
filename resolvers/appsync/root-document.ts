// Rebuilds, from an AppSync resolver event, the operation to run for one root field
// (DESIGN.md: "The Lambda executes the root field's sub-selection itself (from
// info.selectionSetGraphQL) with graphql-js over the same schema").
import {
  Kind,
  parse,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { FhirError } from '../../core/errors/fhir-error';

export interface RootFieldCall {
  readonly parentTypeName: string;
  readonly fieldName: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly selectionSetGraphQL: string;
}

export interface RootOperation {
  readonly document: DocumentNode;
  readonly variables: Readonly<Record<string, unknown>>;
}

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/**
 * AppSync applies the client's aliases itself and reads the Lambda's result by field name, and
 * it needs `__typename` to resolve the Resource interface. So aliases are removed and
 * `__typename` is selected in every selection set. Two aliases of one field with different
 * arguments would then collide; graphql-js validation reports that clearly.
 */
export function prepareForAppSync(selectionSet: SelectionSetNode): SelectionSetNode {
  const result: unknown = visit(selectionSet, {
    Field: (node) => (node.alias === undefined ? undefined : { ...node, alias: undefined }),
    SelectionSet: {
      leave: (node) =>
        node.selections.some((selection) => selection.kind === Kind.FIELD && selection.name.value === '__typename' && selection.alias === undefined)
          ? node
          : { ...node, selections: [...node.selections, TYPENAME] },
    },
  });
  return result as SelectionSetNode;
}

/** The one-field operation, with the event's (already resolved) arguments passed as variables. */
export function rootOperation(schema: GraphQLSchema, call: RootFieldCall): RootOperation {
  const operation = call.parentTypeName === schema.getQueryType()?.name ? 'query' : call.parentTypeName === schema.getMutationType()?.name ? 'mutation' : undefined;
  if (operation === undefined) {
    throw new FhirError('INVALID_REQUEST', `This resolver serves root Query and Mutation fields only, not ${call.parentTypeName}.${call.fieldName}`);
  }
  const root = operation === 'query' ? schema.getQueryType() : schema.getMutationType();
  const field = root?.getFields()[call.fieldName];
  if (field === undefined) throw new FhirError('INVALID_REQUEST', `Unknown field ${call.parentTypeName}.${call.fieldName}`);

  const present = field.args.filter((arg) => call.arguments[arg.name] !== undefined);
  const variableDefinitions = present.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const argumentList = present.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = call.selectionSetGraphQL.trim();
  const text = `${operation}${present.length > 0 ? ` (${variableDefinitions})` : ''} { ${call.fieldName}${present.length > 0 ? `(${argumentList})` : ''} ${selection} }`;
  const parsed = parse(text);
  // AppSync forwards named fragment spreads in selectionSetGraphQL but not their definitions
  // (resolver-context-reference.html: "fragments aren't merged"); say so instead of failing obscurely.
  const spreads: string[] = [];
  visit(parsed, { FragmentSpread: (node) => void spreads.push(node.name.value) });
  if (spreads.length > 0) {
    throw new FhirError('INVALID_REQUEST', `AppSync does not pass named fragments (${spreads.join(', ')}) to resolvers; use inline fragments (... on Type { ... }) under ${call.fieldName}`);
  }
  const document: DocumentNode = {
    ...parsed,
    definitions: parsed.definitions.map((definition) => {
      if (definition.kind !== Kind.OPERATION_DEFINITION) return definition;
      const selections = definition.selectionSet.selections.map((selection) =>
        selection.kind === Kind.FIELD && selection.selectionSet !== undefined ? { ...selection, selectionSet: prepareForAppSync(selection.selectionSet) } : selection,
      );
      return { ...definition, selectionSet: { ...definition.selectionSet, selections } };
    }),
  };
  const variables = Object.fromEntries(present.map((arg) => [arg.name, call.arguments[arg.name]]));
  return { document, variables };
}

/** For logs and errors. */
export function printOperation(operation: RootOperation): string {
  return print(operation.document);
}
