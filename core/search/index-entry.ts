// Search values extracted once, in the core, from a resource (DESIGN.md: Search, shared
// between backends). Each backend stores these rows its own way (SQLite tables, OpenSearch
// documents) and compiles the engine-neutral search AST against them.

/**
 * Bounds are epoch milliseconds; dates are ranges honouring precision (search.html#date).
 * Two derived parameter names carry extra rows (core/search/extract-values.ts, extract.ts):
 * `<param>:of-type` (token: system and code of Identifier.type, code `<type code>|<value>`) and
 * `<param>:canonical` (quantity in UCUM canonical units, core/search/ucum.ts).
 */
export type IndexEntry =
  | { readonly type: 'token'; readonly param: string; readonly system: string | null; readonly code: string | null; readonly text: string | null }
  | { readonly type: 'string'; readonly param: string; readonly value: string; readonly exact: string }
  | { readonly type: 'date'; readonly param: string; readonly start: number; readonly end: number }
  | { readonly type: 'number'; readonly param: string; readonly value: number; readonly low: number; readonly high: number }
  | { readonly type: 'quantity'; readonly param: string; readonly value: number; readonly low: number; readonly high: number; readonly system: string | null; readonly code: string | null; readonly unit: string | null }
  | { readonly type: 'reference'; readonly param: string; readonly targetType: string | null; readonly targetId: string | null; readonly version: string | null; readonly url: string | null; readonly identifierSystem: string | null; readonly identifierValue: string | null }
  | { readonly type: 'uri'; readonly param: string; readonly value: string }
  | { readonly type: 'composite'; readonly param: string; readonly components: readonly IndexEntry[] }
  | { readonly type: 'text'; readonly param: '_text' | '_content'; readonly value: string };
