// _include and _revinclude on OpenSearch (https://hl7.org/fhir/R4/search.html#include), with
// :iterate and wildcards, as on SQLite (adapters/embedded/sqlite-search-include.ts): one search
// per include parameter and round over the whole page, never one per resource. Forward includes
// read the page's own reference entries from the hits and then fetch the targets that exist;
// every fetch carries the tenant and the query's scope, like the matches.
import type { ResourceKey } from '../../core/ports/resource-store';
import type { IncludeSpec, SearchQuery } from '../../core/search/ast';
import { baseSearchParameters } from '../../core/search/parameters';
import type { InnerHit } from './opensearch-compiler';
import { all, any, term, terms, type Dsl } from './opensearch-query';

type Find = (tenant: string, types: readonly string[], filter: Dsl, limit: number) => Promise<{ hits: InnerHit[] }>;

/** :iterate rounds after the first (search.html#revinclude: servers may limit iteration). */
const maxIterations = 3;

function byType(pairs: readonly { type: string; id: string }[], typeField: string, idField: string): Dsl {
  const ids = new Map<string, Set<string>>();
  for (const { type, id } of pairs) ids.set(type, (ids.get(type) ?? new Set()).add(id));
  return any([...ids].map(([type, set]) => all([term(typeField, type), terms(idField, [...set])])));
}

export class OpenSearchIncludes {
  constructor(
    private readonly find: Find,
    private readonly maxIncludes: number,
  ) {}

  async resolve(tenant: string, query: SearchQuery, scope: Dsl | undefined, page: readonly InnerHit[]): Promise<ResourceKey[]> {
    if (page.length === 0 || (query.include.length === 0 && query.revinclude.length === 0)) return [];
    const seen = new Set(page.map((h) => `${h.resourceType}/${h.id}`));
    const included: InnerHit[] = [];
    let frontier: readonly InnerHit[] = page;
    for (let round = 0; round <= maxIterations && frontier.length > 0 && included.length < this.maxIncludes; round += 1) {
      const next: InnerHit[] = [];
      const take = (hits: readonly InnerHit[]): void => {
        for (const hit of hits) {
          const key = `${hit.resourceType}/${hit.id}`;
          if (seen.has(key) || included.length >= this.maxIncludes) continue;
          seen.add(key);
          included.push(hit);
          next.push(hit);
        }
      };
      for (const spec of query.include) if (round === 0 || spec.iterate) take(await this.forward(tenant, spec, scope, frontier));
      for (const spec of query.revinclude) if (round === 0 || spec.iterate) take(await this.reverse(tenant, spec, scope, frontier));
      frontier = next;
    }
    return included.map((h) => ({ resourceType: h.resourceType, id: h.id }));
  }

  /** Resources the sources refer to through `spec.param` (`*`: every reference parameter). */
  private async forward(tenant: string, spec: IncludeSpec, scope: Dsl | undefined, sources: readonly InnerHit[]): Promise<InnerHit[]> {
    const targets: { type: string; id: string }[] = [];
    for (const source of sources) {
      if (spec.sourceType !== '*' && source.resourceType !== spec.sourceType) continue;
      for (const ref of source.reference ?? []) {
        if (spec.param !== '*' && ref.param !== spec.param) continue;
        if (!ref.targetType || !ref.targetId) continue;
        if (spec.targetType !== undefined && ref.targetType !== spec.targetType) continue;
        targets.push({ type: ref.targetType, id: ref.targetId });
      }
    }
    if (targets.length === 0) return [];
    const types = [...new Set(targets.map((t) => t.type))];
    const filter = all([byType(targets, 'resourceType', 'id'), ...(scope ? [scope] : [])]);
    return (await this.find(tenant, types, filter, this.maxIncludes)).hits;
  }

  /** Resources of `spec.sourceType` that refer to the targets through `spec.param`. */
  private async reverse(tenant: string, spec: IncludeSpec, scope: Dsl | undefined, targets: readonly InnerHit[]): Promise<InnerHit[]> {
    const pointsHere = byType(targets.map((t) => ({ type: t.resourceType, id: t.id })), 'reference.targetType', 'reference.targetId');
    const entry = all([...(spec.param === '*' ? [] : [term('reference.param', spec.param)]), pointsHere]);
    const types = spec.sourceType === '*' ? baseSearchParameters.resourceTypes : [spec.sourceType];
    const filter = all([{ nested: { path: 'reference', query: entry } }, ...(scope ? [scope] : [])]);
    return (await this.find(tenant, spec.sourceType === '*' ? [] : types, filter, this.maxIncludes)).hits;
  }
}
