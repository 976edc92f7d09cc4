// What an IG package adds and what this server can and cannot enforce of it, for
// `npm run ig -- inspect <pkg>` (issue 14). The verdicts come from the same code that runs at
// request time (the registry, the expression compiler, the profile checks), not from a list.
import { isJsonObject, type Resource } from '../fhir-types';
import { evaluatorFor } from '../search/extract';
import { EXTERNAL_CODE_SYSTEMS } from '../terminology/terminology';
import type { IgPackage } from './ig-package';
import { createRegistry, type DefinitionRegistry } from './registry';


export interface InspectionLine {
  readonly section: 'profiles' | 'extensions' | 'search parameters' | 'value sets' | 'code systems';
  readonly url: string;
  readonly summary: string;
  /** What the server cannot enforce of it; empty when everything is enforced. */
  readonly gaps: readonly string[];
}

export type ProfileGaps = (definition: Resource, registry: DefinitionRegistry) => readonly string[];

function str(r: Resource, key: string): string {
  const v = r[key];
  return typeof v === 'string' ? v : '';
}

/** Compiles the expression the registry will extract with, per base (as the write path will). */
function searchParameterGaps(r: Resource, registry: DefinitionRegistry): string[] {
  if (str(r, 'type') === 'special') return ['special parameters need their own code: not searchable'];
  const bases = Array.isArray(r['base']) ? r['base'].filter((b): b is string => typeof b === 'string') : [];
  const gaps: string[] = [];
  for (const base of bases) {
    const def = registry.getSearchParameter(base, str(r, 'code'));
    if (def?.expression === undefined) {
      gaps.push(`no expression for ${base}: nothing to extract`);
      continue;
    }
    try {
      evaluatorFor(def.expression);
      for (const c of def.component ?? []) evaluatorFor(c.expression);
    } catch (error) {
      gaps.push(`the expression for ${base} does not compile (${error instanceof Error ? error.message : String(error)}): not searchable`);
    }
  }
  return gaps;
}

function valueSetGaps(r: Resource, registry: DefinitionRegistry): string[] {
  const compose = r['compose'];
  const includes = isJsonObject(compose) && Array.isArray(compose['include']) ? compose['include'].filter(isJsonObject) : [];
  const gaps: string[] = [];
  for (const inc of includes) {
    const system = typeof inc['system'] === 'string' ? inc['system'] : undefined;
    if (system !== undefined && EXTERNAL_CODE_SYSTEMS[system] !== undefined) gaps.push(`includes ${system}, which is not bundled: codes from it cannot be checked`);
    else if (system !== undefined && !Array.isArray(inc['concept']) && registry.codeSystem(system) === undefined) gaps.push(`includes all of ${system}, whose CodeSystem is not in the loaded packages`);
    if (Array.isArray(inc['filter']) && inc['filter'].length > 0) gaps.push(`filters on ${system ?? '?'} are not evaluated`);
  }
  return gaps;
}

/** One line per definition the package adds, with what is not enforced. */
export function inspectPackage(pkg: IgPackage, others: readonly IgPackage[], profileGaps: ProfileGaps): InspectionLine[] {
  const registry = createRegistry([...others, pkg]);
  const lines: InspectionLine[] = [];
  for (const r of pkg.resources) {
    const url = str(r, 'url');
    if (r.resourceType === 'StructureDefinition') {
      const extension = str(r, 'type') === 'Extension';
      lines.push({ section: extension ? 'extensions' : 'profiles', url, summary: extension ? str(r, 'name') : `${str(r, 'name')} on ${str(r, 'type')}`, gaps: profileGaps(r, registry) });
    } else if (r.resourceType === 'SearchParameter') {
      const base = Array.isArray(r['base']) ? r['base'].join(', ') : '';
      lines.push({ section: 'search parameters', url, summary: `${str(r, 'code')} (${str(r, 'type')}) on ${base}`, gaps: searchParameterGaps(r, registry) });
    } else if (r.resourceType === 'ValueSet') {
      lines.push({ section: 'value sets', url, summary: str(r, 'name') || url, gaps: valueSetGaps(r, registry) });
    } else if (r.resourceType === 'CodeSystem') {
      const content = str(r, 'content');
      lines.push({ section: 'code systems', url, summary: `${str(r, 'name')} (${content})`, gaps: content === 'complete' ? [] : [`content is ${content}: codes not listed cannot be checked`] });
    }
  }
  return lines;
}

/** The report as text, grouped by section. */
export function formatInspection(pkg: IgPackage, lines: readonly InspectionLine[]): string {
  const m = pkg.manifest;
  const deps = Object.entries(m.dependencies).map(([n, v]) => `${n}#${v}`).join(', ') || 'nothing';
  const out = [`${m.name}#${m.version}${m.title !== undefined ? ` (${m.title})` : ''}, depends on ${deps}`];
  for (const section of ['profiles', 'extensions', 'search parameters', 'value sets', 'code systems'] as const) {
    const of = lines.filter((l) => l.section === section);
    if (of.length === 0) continue;
    const enforced = of.filter((l) => l.gaps.length === 0).length;
    out.push('', `${section}: ${of.length} (${enforced} fully enforced)`);
    for (const l of of) {
      out.push(`  ${l.gaps.length === 0 ? '✓' : '~'} ${l.summary}  ${l.url}`);
      for (const gap of l.gaps) out.push(`      cannot enforce: ${gap}`);
    }
  }
  return out.join('\n');
}
