// GraphQL search arguments <-> FHIR search query parameters (https://hl7.org/fhir/R4/graphql.html#searching).
import { FhirError } from '../core/errors/fhir-error';
import type { Bundle, Resource } from '../core/fhir-types';

export type QueryPairs = (readonly [string, string])[];

/**
 * FHIR GraphQL turns '-' into '_' in argument names. No R4 search parameter code has an
 * underscore after its first character, so the mapping back is unambiguous.
 */
export function searchParameterCode(argumentName: string): string {
  return argumentName.charAt(0) + argumentName.slice(1).replace(/_/g, '-');
}

/** Cursors are the query strings of the Bundle's paging links, base64url-encoded (opaque to clients). */
export function encodeCursor(linkUrl: string): string {
  const query = linkUrl.includes('?') ? linkUrl.slice(linkUrl.indexOf('?') + 1) : '';
  return Buffer.from(query, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): QueryPairs {
  if (cursor.length === 0 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new FhirError('INVALID_SEARCH', 'The _cursor is not one this server issued', { expression: ['_cursor'] });
  return [...new URLSearchParams(Buffer.from(cursor, 'base64url').toString('utf8')).entries()];
}

/** A `_params` string (`code=1234-5&date=ge2020`) as query pairs. */
export function parseParams(params: string): QueryPairs {
  return [...new URLSearchParams(params.startsWith('?') ? params.slice(1) : params).entries()];
}

/**
 * The search query of a List/Connection field: every non-null argument and the `_params` query
 * string, or the cursor's own query when one is given (it already carries the original criteria).
 */
export function searchQuery(args: Readonly<Record<string, unknown>>): QueryPairs {
  const cursor = args['_cursor'];
  if (typeof cursor === 'string') return decodeCursor(cursor);
  const pairs: QueryPairs = [];
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined || value === null || name === '_cursor' || name === '_params') continue;
    pairs.push([searchParameterCode(name), String(value)]);
  }
  const params = args['_params'];
  if (typeof params === 'string') pairs.push(...parseParams(params));
  return pairs;
}

export interface Edge {
  readonly mode: string | undefined;
  readonly score: number | undefined;
  readonly resource: Resource;
}

/** Entries of a searchset Bundle that are resources of the type (matches and includes of that type). */
export function edgesOf(bundle: Bundle, resourceType: string | undefined): Edge[] {
  return (bundle.entry ?? []).flatMap((entry) => {
    const resource = entry.resource;
    if (resource === undefined || entry.search?.mode === 'outcome') return [];
    if (resourceType !== undefined && resource.resourceType !== resourceType) return [];
    return [{ mode: entry.search?.mode, score: entry.search?.score, resource }];
  });
}

/** The Connection object of https://hl7.org/fhir/R4/graphql.html#searching. */
export function connectionOf(bundle: Bundle, resourceType: string, offset: number | undefined): Record<string, unknown> {
  const edges = edgesOf(bundle, resourceType);
  const link = (...relations: string[]): string | undefined => {
    const url = bundle.link?.find((candidate) => relations.includes(candidate.relation))?.url;
    return url === undefined ? undefined : encodeCursor(url);
  };
  return {
    count: bundle.total,
    offset,
    pageSize: edges.length,
    first: link('first'),
    previous: link('previous', 'prev'),
    next: link('next'),
    last: link('last'),
    edges,
  };
}
