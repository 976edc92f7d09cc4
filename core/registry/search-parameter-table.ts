// SearchParameter resources -> the per-type search parameter table (parameter-types.ts). Shared by
// the generator (tools/generate-search-parameters.ts, for the R4 base table) and the registry (for
// IG packages and POSTed SearchParameters at run time), so both rewrite expressions the same way.
//
// Expressions are rewritten so that the fhirpath engine can evaluate them synchronously on a
// single resource (issue 3, "Known pitfalls"):
// - `x.where(resolve() is T)` needs the referenced resource; it becomes a test on the literal
//   reference (`T/id`, `.../T/id`) or Reference.type, which is what the spec's intent is.
// - `(x as T)` and `x.as(T)` throw on collections of more than one item; `ofType(T)` filters.

export interface RawComponent { definition: string; expression: string }
export interface RawSearchParameter {
  id?: string;
  url: string;
  code: string;
  type: string;
  base: string[];
  expression?: string;
  target?: string[];
  component?: RawComponent[];
}

const COMMON_BASES = new Set(['Resource', 'DomainResource']);

/** Splits `a | (b | c) | d` on the top-level union operator only. */
export function splitUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i += 1) {
    const ch = expression[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth += 1;
    else if (!quoted && ch === ')') depth -= 1;
    else if (!quoted && depth === 0 && ch === '|') {
      parts.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

/** Makes one union part evaluable synchronously (see the header). */
export function rewriteExpression(part: string): string {
  let out = part;
  out = out.replace(/\.where\(resolve\(\) is (\w+)\)/g, (_m, t: string) => `.where(reference.startsWith('${t}/') or reference.contains('/${t}/') or type = '${t}')`);
  out = out.replace(/\.as\((\w+)\)/g, '.ofType($1)');
  // `(path as Type)` possibly followed by `.more`: whole-part form in the R4 definitions.
  out = out.replace(/^\((.+) as (\w+)\)/, (_m, inner: string, t: string) => `${inner}.ofType(${t})`);
  return out;
}

function rootOf(part: string): string | undefined {
  return /^\(?([A-Za-z]+)(?:[.\s)]|$)/.exec(part)?.[1];
}

/** The expression parts that apply to `base`, prefixing relative parts (e.g. InsurancePlan-name `name | alias`). */
export function expressionFor(expression: string, base: string, allBases: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const raw of splitUnion(expression)) {
    const root = rootOf(raw);
    let part = raw;
    if (root === undefined || !allBases.includes(root)) part = `${base}.${raw}`;
    else if (root !== base) continue;
    parts.push(rewriteExpression(part));
  }
  return parts.length > 0 ? parts.join(' | ') : undefined;
}

export interface TableEntry {
  type: string;
  /** SearchParameter.url: the CapabilityStatement's searchParam.definition (R4: SHALL for spec parameters). */
  url?: string;
  expression?: string;
  target?: string[];
  component?: { code: string; type: string; expression: string }[];
}

/** A composite's component defined outside the given parameters (an IG composite over R4 parameters). */
export type ComponentResolver = (url: string) => { readonly code: string; readonly type: string } | undefined;

/**
 * type -> code -> entry. `resolveOther` finds composite components defined elsewhere; an unknown
 * component throws, naming the parameter.
 */
export function buildTable(params: readonly RawSearchParameter[], resolveOther: ComponentResolver = () => undefined): Record<string, Record<string, TableEntry>> {
  const byUrl = new Map(params.map((p) => [p.url, p]));
  const table: Record<string, Record<string, TableEntry>> = {};
  for (const p of params) {
    if (p.code === '_query') continue; // named queries: not supported (search.html#query)
    for (const base of p.base) {
      const key = COMMON_BASES.has(base) ? 'Resource' : base;
      const entry: TableEntry = { type: p.type, url: p.url };
      if (p.expression) {
        const expr = COMMON_BASES.has(base) ? p.expression : expressionFor(p.expression, base, p.base);
        if (expr === undefined) continue;
        entry.expression = expr;
      }
      if (p.target && p.target.length > 0) entry.target = [...p.target].sort();
      if (p.component) {
        entry.component = p.component.map((c) => {
          const def = byUrl.get(c.definition) ?? resolveOther(c.definition);
          if (!def) throw new Error(`${p.id ?? p.url}: unknown component ${c.definition}`);
          return { code: def.code, type: def.type, expression: rewriteExpression(c.expression) };
        });
      }
      (table[key] ??= {})[p.code] = entry;
    }
  }
  return table;
}
