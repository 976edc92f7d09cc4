// Compiles the engine-neutral search AST (core/search/ast.ts) to OpenSearch query DSL, one
// condition at a time, mirroring adapters/embedded/sqlite-search-compiler.ts. Conditions on the
// resource's own values become nested queries on its document. Chains and _has depend on other
// documents, which a query cannot join, so they run a bounded inner search first and turn its
// result into terms (https://hl7.org/fhir/R4/search.html#chaining, #has).
import { FhirError } from '../../core/errors/fhir-error';
import type { CompartmentCondition, Condition, ParamCondition } from '../../core/search/ast';
import { all, any, matchAll, matchNone, nestedEntry, not, term, terms, valueQuery, type Dsl } from './opensearch-query';

/** The most documents an inner search (chain, _has) may match before the search is refused. */
export const maxInnerMatches = 10_000;

export interface InnerHit {
  readonly resourceType: string;
  readonly id: string;
  readonly reference?: readonly { readonly param?: string; readonly targetType?: string | null; readonly targetId?: string | null }[];
}

/** Runs a filter over the documents of `resourceTypes` in the tenant, at most `limit` hits. */
export type InnerSearch = (resourceTypes: readonly string[], filter: Dsl, limit: number) => Promise<{ hits: InnerHit[]; total: number }>;

const entryPaths = new Set(['token', 'string', 'date', 'number', 'quantity', 'reference', 'uri']);

function pathOf(type: string): string {
  if (!entryPaths.has(type)) throw new FhirError('NOT_IMPLEMENTED', `Search parameters of type ${type} are not supported on OpenSearch yet`);
  return type;
}

export class OpenSearchCompiler {
  constructor(private readonly inner: InnerSearch) {}

  async condition(types: readonly string[], c: Condition): Promise<Dsl> {
    switch (c.kind) {
      case 'param': return this.param(c);
      case 'chain': return this.chain(c.param, c.targets);
      case 'has': return this.has(c.resourceType, c.param, c.condition);
      case 'compartment': return compartment(types, c);
      case 'list': return this.list(c.ids);
    }
  }

  private async param(c: ParamCondition): Promise<Dsl> {
    if (c.param === '_text' || c.param === '_content') {
      // :missing has no meaning for full text; it matches everything (as on SQLite).
      if (c.modifier === 'missing') return matchAll;
      return any(c.values.map((value) => nestedEntry('text', c.param, [
        { match: { 'text.value': { query: value.kind === 'text' ? value.terms.join(' ') : '', operator: 'and' } } },
      ])));
    }
    if (c.type === 'special') return near(c);
    if (c.modifier === 'missing') {
      const present = nestedEntry(c.type === 'composite' ? 'composite' : pathOf(c.type), c.param, []);
      return c.missing === true ? not(present) : present;
    }
    if (c.type === 'composite') return composite(c);
    const path = pathOf(c.type);
    // :of-type and UCUM canonical values are stored under keys of their own (core/search/index-entry.ts).
    const canonical = 'canonical' in c && c.canonical === true;
    const key = c.modifier === 'of-type' ? `${c.param}:of-type` : canonical ? `${c.param}:canonical` : c.param;
    const field = (name: string): string => `${path}.${name}`;
    const entry = nestedEntry(path, key, [any(c.values.map((value) => valueQuery(field, value, c.modifier)))]);
    return c.modifier === 'not' ? not(entry) : entry;
  }

  private async chain(param: string, targets: readonly { resourceType: string; condition: Condition }[]): Promise<Dsl> {
    const options: Dsl[] = [];
    for (const { resourceType, condition } of targets) {
      const { hits, total } = await this.inner([resourceType], await this.condition([resourceType], condition), maxInnerMatches);
      if (total > maxInnerMatches) throw tooBroad(`the chain on ${param}`);
      if (hits.length > 0) options.push(all([term('reference.targetType', resourceType), terms('reference.targetId', hits.map((h) => h.id))]));
    }
    return options.length === 0 ? matchNone : nestedEntry('reference', param, [any(options)]);
  }

  private async has(sourceType: string, param: string, condition: Condition): Promise<Dsl> {
    const { hits, total } = await this.inner([sourceType], all([await this.condition([sourceType], condition), nestedEntry('reference', param, [])]), maxInnerMatches);
    if (total > maxInnerMatches) throw tooBroad(`_has:${sourceType}:${param}`);
    return referencedBy(hits, param);
  }

  /** `_list=id`: what the Lists refer to through List.entry.item (search.html#list). */
  private async list(ids: readonly string[]): Promise<Dsl> {
    const { hits } = await this.inner(['List'], terms('id', ids), ids.length);
    return referencedBy(hits, 'item');
  }
}

/** The resources that `hits` refer to through `param`. */
function referencedBy(hits: readonly InnerHit[], param: string): Dsl {
  const idsByType = new Map<string, Set<string>>();
  for (const hit of hits) {
    for (const ref of hit.reference ?? []) {
      if (ref.param !== param || !ref.targetType || !ref.targetId) continue;
      const ids = idsByType.get(ref.targetType) ?? new Set<string>();
      ids.add(ref.targetId);
      idsByType.set(ref.targetType, ids);
    }
  }
  return any([...idsByType].map(([type, ids]) => all([term('resourceType', type), terms('id', [...ids])])));
}

function tooBroad(what: string): FhirError {
  return new FhirError('INVALID_SEARCH', `${what} matches more than ${maxInnerMatches} resources; narrow the inner condition`);
}

/** Location `near` (search.html#special): within the distance of the point, on the geo entries. */
function near(c: ParamCondition): Dsl {
  const present = nestedEntry('geo', c.param, []);
  if (c.modifier === 'missing') return c.missing === true ? not(present) : present;
  return any(c.values.map((value) => value.kind !== 'near' ? matchNone : nestedEntry('geo', c.param, [
    { geo_distance: { distance: `${value.distanceKm}km`, 'geo.point': { lat: value.latitude, lon: value.longitude } } },
  ])));
}

/** Components of one composite value live in one nested entry, as c{n}_{field}. */
function composite(c: ParamCondition): Dsl {
  const components = c.components ?? [];
  return nestedEntry('composite', c.param, [any(c.values.map((value) => {
    const values = value.kind === 'composite' ? value.components : [];
    return all(components.map((_component, n) => {
      const componentValue = values[n];
      return componentValue === undefined ? matchAll : valueQuery((name) => `composite.c${n}_${name}`, componentValue, undefined);
    }));
  }))]);
}

/** Compartment membership (compartmentdefinition.html): a reference through a listed parameter, or the owner. */
export function compartment(types: readonly string[], c: CompartmentCondition): Dsl {
  const options: Dsl[] = [];
  for (const type of types.length === 0 ? Object.keys(c.params) : types) {
    const params = c.params[type] ?? [];
    if (params.length === 0) continue;
    options.push(all([term('resourceType', type), nestedEntry('reference', params, [term('reference.targetType', c.compartmentType), term('reference.targetId', c.id)])]));
  }
  if (c.includeOwner) options.push(all([term('resourceType', c.compartmentType), term('id', c.id)]));
  // A restriction's exempt types match without condition.
  if (c.exemptTypes !== undefined && c.exemptTypes.length > 0) options.push(terms('resourceType', c.exemptTypes));
  return any(options);
}
