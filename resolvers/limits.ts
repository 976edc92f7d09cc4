// Depth and cost limits, checked before execution (issue 4: "Depth and cost limits with clear
// errors"). A nested query fans out through list fields; cost multiplies along the path.
import {
  Kind,
  getNamedType,
  isListType,
  isNonNullType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  type GraphQLCompositeType,
} from 'graphql';
import { tooComplexError } from './errors';

export interface QueryLimits {
  /** Deepest field nesting (root field = 1). */
  readonly maxDepth: number;
  /** Largest estimated number of resolved fields. */
  readonly maxCost: number;
  /** Items assumed per search-backed list without `_count`. */
  readonly defaultListSize: number;
}

export const defaultQueryLimits: QueryLimits = { maxDepth: 15, maxCost: 50_000, defaultListSize: 20 };

/** Fields that run a search: their `_count` (or the default page size) multiplies the cost below them. */
function isSearchField(name: string): boolean {
  return name.endsWith('List') || name.endsWith('Connection');
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function fieldDefinition(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

function countArgument(field: FieldNode, variables: Readonly<Record<string, unknown>>): number | undefined {
  const arg = field.arguments?.find((candidate) => candidate.name.value === '_count');
  if (arg === undefined) return undefined;
  if (arg.value.kind === Kind.INT) return Number.parseInt(arg.value.value, 10);
  if (arg.value.kind === Kind.VARIABLE) {
    const value = variables[arg.value.name.value];
    return typeof value === 'number' ? value : undefined;
  }
  return undefined;
}

interface Measure {
  readonly depth: number;
  readonly cost: number;
}

function measure(
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  context: ValidationContext,
  limits: QueryLimits,
  variables: Readonly<Record<string, unknown>>,
  seen: ReadonlySet<string>,
): Measure {
  let depth = 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const definition = fieldDefinition(parent, selection.name.value);
      let childDepth = 0;
      let childCost = 0;
      if (definition !== undefined && selection.selectionSet !== undefined) {
        const named = getNamedType(definition.type);
        if (isCompositeType(named)) {
          const child = measure(selection.selectionSet, named, fragments, context, limits, variables, seen);
          childDepth = child.depth;
          childCost = child.cost;
        }
      }
      const fanOut = definition !== undefined && isSearchField(selection.name.value) ? (countArgument(selection, variables) ?? limits.defaultListSize) : definition !== undefined && isList(definition.type) ? 2 : 1;
      depth = Math.max(depth, 1 + childDepth);
      cost += 1 + fanOut * childCost;
      continue;
    }
    const typeCondition = selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition?.name.value : fragments.get(selection.name.value)?.typeCondition.name.value;
    const conditionType = typeCondition === undefined ? parent : context.getSchema().getType(typeCondition);
    const nested = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet;
    if (nested === undefined || !isCompositeType(conditionType)) continue;
    if (selection.kind === Kind.FRAGMENT_SPREAD && seen.has(selection.name.value)) continue;
    const nextSeen = selection.kind === Kind.FRAGMENT_SPREAD ? new Set([...seen, selection.name.value]) : seen;
    const child = measure(nested, conditionType, fragments, context, limits, variables, nextSeen);
    depth = Math.max(depth, child.depth);
    cost += child.cost;
  }
  return { depth, cost };
}

/**
 * A validation rule enforcing `limits` on every operation. List fields that are not searches
 * count twice (a FHIR element repeats a few times); search fields count `_count` times.
 */
export function queryLimitsRule(limits: QueryLimits, variables: Readonly<Record<string, unknown>> = {}): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const document = context.getDocument();
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      }
      const schema = context.getSchema();
      const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      if (!root) return;
      const { depth, cost } = measure(operation.selectionSet, root, fragments, context, limits, variables, new Set());
      if (depth > limits.maxDepth) {
        context.reportError(tooComplexError(`The query is ${depth} levels deep; the limit is ${limits.maxDepth}`));
      }
      if (cost > limits.maxCost) {
        context.reportError(tooComplexError(`The query may resolve about ${cost} fields; the limit is ${limits.maxCost}. Lower _count or select less.`));
      }
    },
  });
}
