// SearchIndex on OpenSearch (core/ports/search-index.ts; issue 6), over the documents written
// by opensearch-index-writer.ts. Every query is filtered to the tenant and to live documents
// (tombstones stay indexed, opensearch-mappings.ts), and the access policy's scope is one more
// filter of the same query, so it holds before paging, for totals and for includes alike.
//
// Paging is keyset paging with search_after on (sort values..., resourceType, id): a page never
// repeats or skips a resource when others are added between pages, and a previous link walks
// the same keys backwards. Sort values of a resource are the smallest (ascending) or largest
// (descending) of its values, missing values last, as on SQLite.
import { errors, type Client } from '@opensearch-project/opensearch';
import { FhirError } from '../../core/errors/fhir-error';
import type { ResourceKey } from '../../core/ports/resource-store';
import type { SearchIndex, SearchPage } from '../../core/ports/search-index';
import type { SearchQuery, SortKey } from '../../core/search/ast';
import { OpenSearchCompiler, type InnerHit } from './opensearch-compiler';
import { OpenSearchIncludes } from './opensearch-includes';
import { aliasName } from './opensearch-mappings';
import { all, term, terms, type Dsl } from './opensearch-query';

export interface OpenSearchSearchIndexOptions {
  readonly client: Client;
  /** The prefix the index writer uses. */
  readonly indexPrefix: string;
  /** Most resources added by _include/_revinclude to one page. Default 1000. */
  readonly maxIncludes?: number;
}

export interface Hit extends InnerHit {
  readonly sort: readonly unknown[];
}

interface Cursor {
  readonly values: readonly unknown[];
  readonly backward: boolean;
}

const sourceFields = ['resourceType', 'id', 'reference'];

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ v: cursor.values, b: cursor.backward ? 1 : 0 }), 'utf8').toString('base64url');
}

function decodeCursor(text: string, sortKeys: number): Cursor {
  try {
    const raw: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof raw !== 'object' || raw === null || !('v' in raw) || !Array.isArray(raw.v) || raw.v.length !== sortKeys + 2) throw new Error('shape');
    const values: unknown[] = raw.v;
    if (!values.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) throw new Error('values');
    return { values, backward: 'b' in raw && raw.b === 1 };
  } catch {
    throw new FhirError('INVALID_SEARCH', 'The paging cursor is not valid; start the search again', { expression: ['_cursor'] });
  }
}

/** The nested field a sort key orders by (adapters/embedded/sqlite-search-index.ts: sortColumn). */
function sortField(key: SortKey): string {
  switch (key.type) {
    case 'string': return 'string.value';
    case 'token': return 'token.code';
    case 'date': return key.descending ? 'date.end' : 'date.start';
    case 'number': return 'number.value';
    case 'quantity': return 'quantity.value';
    case 'uri': return 'uri.value';
    case 'reference': return 'reference.targetId';
    default: throw new FhirError('NOT_IMPLEMENTED', `Sorting on ${key.type} parameters is not supported on OpenSearch yet`, { expression: ['_sort'] });
  }
}

function sortClause(keys: readonly SortKey[], backward: boolean): Dsl[] {
  const clauses: Dsl[] = keys.map((key) => {
    const field = sortField(key);
    const path = field.split('.')[0] ?? '';
    return {
      [field]: {
        order: key.descending === backward ? 'asc' : 'desc',
        mode: key.descending ? 'max' : 'min',
        missing: backward ? '_first' : '_last',
        nested: { path, filter: term(`${path}.param`, key.param) },
      },
    };
  });
  const order = backward ? 'desc' : 'asc';
  return [...clauses, { resourceType: { order } }, { id: { order } }];
}

function hitsOf(body: unknown): { hits: Hit[]; total: number } {
  const outer = typeof body === 'object' && body !== null && 'hits' in body ? body.hits : undefined;
  if (typeof outer !== 'object' || outer === null || !('hits' in outer) || !Array.isArray(outer.hits)) throw new Error('OpenSearch answered without hits');
  const totalValue = 'total' in outer && typeof outer.total === 'object' && outer.total !== null && 'value' in outer.total ? outer.total.value : undefined;
  const hits = (outer.hits as unknown[]).map((raw): Hit => {
    const hit = raw as { _source?: { resourceType?: unknown; id?: unknown; reference?: unknown }; sort?: unknown };
    const source = hit._source ?? {};
    return {
      resourceType: String(source.resourceType),
      id: String(source.id),
      reference: Array.isArray(source.reference) ? (source.reference as InnerHit['reference']) : [],
      sort: Array.isArray(hit.sort) ? hit.sort : [],
    };
  });
  return { hits, total: typeof totalValue === 'number' ? totalValue : hits.length };
}

/**
 * OpenSearch failures at the edge: throttling is 429, an unreachable or overloaded cluster 503,
 * and a 400 on a page with a cursor means the cursor's values did not fit the sort (forged).
 */
function translateSearchError(error: unknown, withCursor: boolean): unknown {
  if (error instanceof errors.ConnectionError || error instanceof errors.TimeoutError || error instanceof errors.NoLivingConnectionsError) {
    return new FhirError('UNAVAILABLE', 'The search cluster is not reachable; retry shortly', { headers: { 'retry-after': '5' }, cause: error });
  }
  if (!(error instanceof errors.ResponseError)) return error;
  if (error.statusCode === 429) return new FhirError('TOO_MANY_REQUESTS', 'The search cluster is throttling requests; retry shortly', { headers: { 'retry-after': '1' }, cause: error });
  if (error.statusCode === 503) return new FhirError('UNAVAILABLE', 'The search cluster is unavailable; retry shortly', { headers: { 'retry-after': '5' }, cause: error });
  if (error.statusCode === 400 && withCursor) return new FhirError('INVALID_SEARCH', 'The paging cursor is not valid; start the search again', { expression: ['_cursor'], cause: error });
  return error;
}

export class OpenSearchSearchIndex implements SearchIndex {
  private readonly client: Client;
  private readonly prefix: string;
  private readonly includes: OpenSearchIncludes;

  constructor(options: OpenSearchSearchIndexOptions) {
    this.client = options.client;
    this.prefix = options.indexPrefix;
    this.includes = new OpenSearchIncludes((tenant, types, filter, limit) => this.find(tenant, types, filter, limit), options.maxIncludes ?? 1000);
  }

  async search(tenant: string, query: SearchQuery): Promise<SearchPage> {
    const types = query.resourceTypes;
    const compiler = this.compiler(tenant);
    const conditions = await Promise.all(query.conditions.map((c) => compiler.condition(types, c)));
    const scope = query.scope ? await compiler.condition(types, query.scope) : undefined;
    const filter = all([...conditions, ...(scope ? [scope] : [])]);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.sort.length);
    const backward = cursor?.backward ?? false;

    const { hits, total } = await this.run(tenant, types, filter, {
      size: query.count === 0 ? 0 : query.count + 1,
      sort: sortClause(query.sort, backward),
      track_total_hits: query.total !== 'none',
      ...(cursor ? { search_after: cursor.values } : {}),
    });
    const totals = query.total === 'none' ? {} : { total };
    if (query.count === 0) return { matches: [], included: [], ...totals };

    const hasMore = hits.length > query.count;
    const page = hits.slice(0, query.count);
    if (backward) page.reverse();
    const first = page[0];
    const last = page[page.length - 1];
    const nextExists = backward ? true : hasMore;
    const previousExists = backward ? hasMore : cursor !== undefined;
    // Included resources may be of any type: the scope is compiled again for all of them.
    const includeScope = query.scope && (query.include.length > 0 || query.revinclude.length > 0) ? await compiler.condition([], query.scope) : undefined;
    const included = await this.includes.resolve(tenant, query, includeScope, page);
    return {
      matches: page.map((hit): ResourceKey => ({ resourceType: hit.resourceType, id: hit.id })),
      included,
      ...totals,
      ...(nextExists && last ? { nextCursor: encodeCursor({ values: last.sort, backward: false }) } : {}),
      ...(previousExists && first ? { previousCursor: encodeCursor({ values: first.sort, backward: true }) } : {}),
    };
  }

  private compiler(tenant: string): OpenSearchCompiler {
    return new OpenSearchCompiler((types, filter, limit) => this.find(tenant, types, filter, limit));
  }

  /** Documents matching `filter`, at most `limit`, in key order (inner searches and includes). */
  private async find(tenant: string, types: readonly string[], filter: Dsl, limit: number): Promise<{ hits: Hit[]; total: number }> {
    return this.run(tenant, types, filter, { size: limit, sort: sortClause([], false), track_total_hits: limit + 1 });
  }

  private async run(tenant: string, types: readonly string[], filter: Dsl, options: Dsl): Promise<{ hits: Hit[]; total: number }> {
    const base: Dsl[] = [term('tenant', tenant), term('deleted', false)];
    if (types.length > 0) base.push(terms('resourceType', types));
    const index = types.length === 0 ? `${this.prefix}-*` : types.map((t) => aliasName(this.prefix, t)).join(',');
    try {
      const response = await this.client.search({
        index,
        ignore_unavailable: true,
        allow_no_indices: true,
        body: { query: all([...base, filter]), _source: sourceFields, ...options },
      });
      return hitsOf(response.body);
    } catch (error) {
      throw translateSearchError(error, 'search_after' in options);
    }
  }
}
