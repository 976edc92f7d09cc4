// _include and _revinclude (https://hl7.org/fhir/R4/search.html#include), with :iterate and
// wildcards, resolved in batches: one query per include parameter and round, over the whole
// page (keys travel as one JSON array), never one query per resource. Included resources obey
// the tenant and the query's scope like matches do.
import type { Database } from 'better-sqlite3';
import type { ResourceKey } from '../../core/ports/resource-store';
import type { IncludeSpec, SearchQuery } from '../../core/search/ast';
import { baseSearchParameters, type SearchParameterRegistry } from '../../core/search/parameters';
import { paramKey } from './sqlite-search-schema';
import { SqlCompiler } from './sqlite-search-compiler';
import { allRows, join, sql, type Sql } from './sqlite-search-sql';

interface IncludeRow {
  readonly rid: number;
  readonly rtype: string;
  readonly id: string;
}

/** :iterate rounds after the first (search.html#revinclude: servers may limit iteration). */
const MAX_ITERATIONS = 3;

export class SqliteIncludes {
  constructor(private readonly db: Database, private readonly maxIncludes: number, private readonly registry: SearchParameterRegistry = baseSearchParameters) {}

  resolve(tenant: string, query: SearchQuery, page: readonly IncludeRow[]): ResourceKey[] {
    if (page.length === 0 || (query.include.length === 0 && query.revinclude.length === 0)) return [];
    const seen = new Set(page.map((r) => `${r.rtype}/${r.id}`));
    const included: IncludeRow[] = [];
    let frontier: readonly IncludeRow[] = page;
    for (let round = 0; round <= MAX_ITERATIONS && frontier.length > 0 && included.length < this.maxIncludes; round += 1) {
      const next: IncludeRow[] = [];
      const take = (rows: readonly IncludeRow[]): void => {
        for (const row of rows) {
          const key = `${row.rtype}/${row.id}`;
          if (seen.has(key) || included.length >= this.maxIncludes) continue;
          seen.add(key);
          included.push(row);
          next.push(row);
        }
      };
      for (const spec of query.include) if (round === 0 || spec.iterate) take(this.forward(tenant, query, spec, frontier));
      for (const spec of query.revinclude) if (round === 0 || spec.iterate) take(this.reverse(tenant, query, spec, frontier));
      frontier = next;
    }
    return included.map((r) => ({ resourceType: r.rtype, id: r.id }));
  }

  private keys(tenant: string, sourceTypes: readonly string[], param: string): number[] {
    const keys: number[] = [];
    for (const type of sourceTypes) {
      for (const p of param === '*' ? this.registry.referenceParametersOf(type) : [param]) keys.push(paramKey(tenant, type, p));
    }
    return keys;
  }

  private scope(tenant: string, query: SearchQuery, alias: string): Sql {
    return query.scope ? new SqlCompiler(tenant).condition(alias, [], query.scope) : sql('1');
  }

  /** Resources the page's resources refer to through `spec.param`. */
  private forward(tenant: string, query: SearchQuery, spec: IncludeSpec, sources: readonly IncludeRow[]): IncludeRow[] {
    const from = spec.sourceType === '*' ? sources : sources.filter((s) => s.rtype === spec.sourceType);
    if (from.length === 0) return [];
    const types = [...new Set(from.map((s) => s.rtype))];
    const scope = this.scope(tenant, query, 't');
    const target = spec.targetType === undefined ? sql('') : sql(' AND ref.target_type = ?', spec.targetType);
    const q = join([
      sql(
        // CROSS JOIN fixes the join order (page keys first), whatever the planner's statistics.
        `SELECT DISTINCT t.rid AS rid, t.rtype AS rtype, t.id AS id FROM json_each(?) AS k
         CROSS JOIN sp_reference ref ON ref.rid = k.value AND ref.pk IN (SELECT value FROM json_each(?))
         CROSS JOIN sp_resource t ON t.tenant = ? AND t.rtype = ref.target_type AND t.id = ref.target_id
         WHERE 1`,
        JSON.stringify(from.map((s) => s.rid)), JSON.stringify(this.keys(tenant, types, spec.param)), tenant,
      ),
      target,
      sql(' AND '),
      scope,
      sql(' ORDER BY t.rid LIMIT ?', this.maxIncludes),
    ], '');
    return allRows<IncludeRow>(this.db, q);
  }

  /** Resources of `spec.sourceType` that refer to the page's resources through `spec.param`. */
  private reverse(tenant: string, query: SearchQuery, spec: IncludeSpec, targets: readonly IncludeRow[]): IncludeRow[] {
    const sourceTypes = spec.sourceType === '*' ? this.registry.resourceTypes : [spec.sourceType];
    const scope = this.scope(tenant, query, 's');
    const q = join([
      sql(
        `SELECT DISTINCT s.rid AS rid, s.rtype AS rtype, s.id AS id FROM json_each(?) AS k
         CROSS JOIN sp_reference ref ON ref.target_id = k.value ->> 1 AND ref.target_type = k.value ->> 0 AND ref.pk IN (SELECT value FROM json_each(?))
         CROSS JOIN sp_resource s ON s.rid = ref.rid
         WHERE s.tenant = ? AND `,
        JSON.stringify(targets.map((t) => [t.rtype, t.id])), JSON.stringify(this.keys(tenant, sourceTypes, spec.param)), tenant,
      ),
      scope,
      sql(' ORDER BY s.rid LIMIT ?', this.maxIncludes),
    ], '');
    return allRows<IncludeRow>(this.db, q);
  }
}
