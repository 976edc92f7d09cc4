// Root fields call the core interactions, so GraphQL gets REST's validation, authorization,
// versioning and errors (DESIGN.md: "decide such things once, in the core").
import { create } from '../core/interactions/create';
import { deleteResource } from '../core/interactions/delete';
import { read } from '../core/interactions/read';
import { update } from '../core/interactions/update';
import { FhirError } from '../core/errors/fhir-error';
import type { Resource } from '../core/fhir-types';
import type { DeleteResult } from './generated/graphql';
import type { GraphqlContext } from './graphql-context';
import { connectionOf, edgesOf, parseParams, searchQuery, type QueryPairs } from './search-arguments';

type Args = Readonly<Record<string, unknown>>;

function stringArg(args: Args, name: string): string {
  const value = args[name];
  if (typeof value !== 'string') throw new FhirError('INVALID_REQUEST', `Argument ${name} is required`, { expression: [name] });
  return value;
}

/** `R(id:)`: https://hl7.org/fhir/R4/http.html#read */
export async function readField(resourceType: string, args: Args, context: GraphqlContext): Promise<Resource | undefined> {
  const result = await read(context.deps, context.ctx, resourceType, stringArg(args, 'id'));
  return result.resource;
}

async function runSearch(resourceType: string, query: QueryPairs, context: GraphqlContext): Promise<ReturnType<typeof context.deps.search.search>> {
  // Strict: an argument the engine cannot honour is an error, never silently ignored
  // (search.html#errors); GraphQL already rejects unknown argument names.
  return context.deps.search.search(context.ctx, { resourceType }, query, { strict: true });
}

/** `RList(...)`: the matches of a type search. */
export async function listField(resourceType: string, args: Args, context: GraphqlContext): Promise<Resource[]> {
  const bundle = await runSearch(resourceType, searchQuery(args), context);
  return edgesOf(bundle, resourceType).map((edge) => edge.resource);
}

/** `RConnection(...)`: the page with its paging cursors. */
export async function connectionField(resourceType: string, args: Args, context: GraphqlContext): Promise<Record<string, unknown>> {
  const query = searchQuery(args);
  const bundle = await runSearch(resourceType, query, context);
  const offset = query.find(([name]) => name === '_offset')?.[1];
  return connectionOf(bundle, resourceType, offset === undefined ? undefined : Number.parseInt(offset, 10));
}

/**
 * `ResourceList(_type:, _reference:, _params:)` on a resource: reverse references
 * (graphql.html#searching), a search of `_type` whose `_reference` parameter points here.
 */
export async function reverseListField(parent: Resource, args: Args, context: GraphqlContext): Promise<Resource[]> {
  const type = stringArg(args, '_type');
  const reference = stringArg(args, '_reference');
  if (parent.id === undefined) return [];
  const query: QueryPairs = [[reference, `${parent.resourceType}/${parent.id}`]];
  if (typeof args['_params'] === 'string') query.push(...parseParams(args['_params']));
  for (const name of ['_count', '_sort'] as const) {
    const value = args[name];
    if (value !== undefined && value !== null) query.push([name, String(value)]);
  }
  const cursor = args['_cursor'];
  const bundle = await runSearch(type, typeof cursor === 'string' ? searchQuery({ _cursor: cursor }) : query, context);
  return edgesOf(bundle, type).map((edge) => edge.resource);
}

/** `RCreate(res:)`: https://hl7.org/fhir/R4/http.html#create */
export async function createField(resourceType: string, args: Args, context: GraphqlContext): Promise<Resource | undefined> {
  const result = await create(context.deps, context.ctx, resourceType, args['res']);
  return result.resource;
}

/** `RUpdate(id:, res:)`: https://hl7.org/fhir/R4/http.html#update */
export async function updateField(resourceType: string, args: Args, context: GraphqlContext): Promise<Resource | undefined> {
  const result = await update(context.deps, context.ctx, resourceType, stringArg(args, 'id'), args['res']);
  return result.resource;
}

/** `RDelete(id:)`: https://hl7.org/fhir/R4/http.html#delete (a versioned tombstone). */
export async function deleteField(resourceType: string, args: Args, context: GraphqlContext): Promise<DeleteResult> {
  const id = stringArg(args, 'id');
  const result = await deleteResource(context.deps, context.ctx, resourceType, id);
  return { resourceType, id, versionId: result.version?.versionId ?? null };
}
