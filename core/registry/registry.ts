// The definition registry (DESIGN.md: "IG packages extend the generated tables at start-up
// through one registry that validation, search, the CapabilityStatement and the GraphQL schema
// all read; the generated R4 tables are the registry's base layer"). Built once per process (per
// Lambda container on AWS) from the IG packages of the configuration, then read-only.
import { SEARCH_PARAMETERS } from '../generated/search-parameters';
import { isJsonObject, type Resource } from '../fhir-types';
import type { SearchParameterDefinition, SearchParameterTable, SearchParamType } from '../search/parameter-types';
import { layeredSearchParameters, type SearchParameterRegistry } from '../search/parameters';
import { IgPackageError, orderPackages, type IgPackage, type IgPackageManifest } from './ig-package';
import { buildTable, type RawSearchParameter } from './search-parameter-table';

/** A StructureDefinition from a package: a profile on a resource or datatype, or an extension. */
export interface ProfileEntry {
  readonly url: string;
  readonly name: string;
  /** The constrained type (`Patient`, `Extension`, ...). */
  readonly type: string;
  readonly kind: string;
  readonly packageName: string;
  readonly definition: Resource;
}

/** A SearchParameter a package adds (beyond the R4 table). */
export interface AddedSearchParameter {
  readonly url: string;
  readonly code: string;
  readonly base: readonly string[];
  readonly type: SearchParamType;
  readonly packageName: string;
  readonly expression?: string;
}

export interface DefinitionRegistry extends SearchParameterRegistry {
  /** The IG packages loaded, in dependency order. */
  readonly packages: readonly IgPackageManifest[];
  /** Canonical URLs of the packages' ImplementationGuides (CapabilityStatement.implementationGuide). */
  readonly implementationGuides: readonly string[];
  readonly profiles: readonly ProfileEntry[];
  readonly addedSearchParameters: readonly AddedSearchParameter[];
  /** A StructureDefinition by canonical URL (`url` or `url|version`). */
  structureDefinition(url: string): ProfileEntry | undefined;
  /** Profiles (not extensions) on a resource type, for CapabilityStatement.rest.resource.supportedProfile. */
  profilesOf(resourceType: string): readonly string[];
  valueSet(url: string): Resource | undefined;
  codeSystem(url: string): Resource | undefined;
  readonly valueSets: readonly Resource[];
  readonly codeSystems: readonly Resource[];
}

const SEARCH_PARAM_TYPES: ReadonlySet<string> = new Set(['number', 'date', 'string', 'token', 'reference', 'composite', 'quantity', 'uri', 'special']);

function stripVersion(url: string): string {
  const bar = url.indexOf('|');
  return bar < 0 ? url : url.slice(0, bar);
}

function str(resource: Resource, key: string): string | undefined {
  const v = resource[key];
  return typeof v === 'string' ? v : undefined;
}

function strings(resource: Resource, key: string): string[] {
  const v = resource[key];
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function rawSearchParameter(r: Resource, packageName: string): RawSearchParameter {
  const url = str(r, 'url');
  const code = str(r, 'code');
  const type = str(r, 'type');
  const base = strings(r, 'base');
  if (url === undefined || code === undefined || type === undefined || !SEARCH_PARAM_TYPES.has(type) || base.length === 0) {
    throw new IgPackageError(`IG package ${packageName}: SearchParameter/${r.id ?? '?'} needs url, code, type and base`);
  }
  const expression = str(r, 'expression');
  const component = Array.isArray(r['component'])
    ? r['component'].filter(isJsonObject).map((c) => ({ definition: typeof c['definition'] === 'string' ? c['definition'] : '', expression: typeof c['expression'] === 'string' ? c['expression'] : '' }))
    : undefined;
  return { url, code, type, base, ...(r.id !== undefined ? { id: r.id } : {}), ...(expression !== undefined ? { expression } : {}), ...(strings(r, 'target').length > 0 ? { target: strings(r, 'target') } : {}), ...(component ? { component } : {}) };
}

/** R4 components are named `http://hl7.org/fhir/SearchParameter/<Base>-<code>`. */
function resolveR4Component(url: string): { code: string; type: string } | undefined {
  const m = /^http:\/\/hl7\.org\/fhir\/SearchParameter\/([A-Za-z]+)-(.+)$/.exec(url);
  if (!m?.[1] || !m[2]) return undefined;
  const def = SEARCH_PARAMETERS[m[1]]?.[m[2]] ?? SEARCH_PARAMETERS['Resource']?.[m[2]];
  return def ? { code: m[2], type: def.type } : undefined;
}

/**
 * The registry over the R4 tables and `packages` (resolved in dependency order; a missing
 * dependency or a malformed SearchParameter throws IgPackageError naming it).
 */
export function createRegistry(packages: readonly IgPackage[] = []): DefinitionRegistry {
  const ordered = orderPackages(packages);
  const profiles = new Map<string, ProfileEntry>();
  const valueSets = new Map<string, Resource>();
  const codeSystems = new Map<string, Resource>();
  const layers: SearchParameterTable[] = [SEARCH_PARAMETERS];
  const added: AddedSearchParameter[] = [];
  const guides: string[] = [];
  for (const pkg of ordered) {
    const name = pkg.manifest.name;
    const guide = pkg.resources.find((r) => r.resourceType === 'ImplementationGuide');
    const guideUrl = guide ? str(guide, 'url') : pkg.manifest.canonical !== undefined ? `${pkg.manifest.canonical}/ImplementationGuide/${name}` : undefined;
    if (guideUrl !== undefined) guides.push(guideUrl);
    const params: RawSearchParameter[] = [];
    for (const r of pkg.resources) {
      const url = str(r, 'url');
      if (r.resourceType === 'StructureDefinition' && url !== undefined) {
        profiles.set(url, { url, name: str(r, 'name') ?? url, type: str(r, 'type') ?? '', kind: str(r, 'kind') ?? '', packageName: name, definition: r });
      } else if (r.resourceType === 'ValueSet' && url !== undefined) valueSets.set(url, r);
      else if (r.resourceType === 'CodeSystem' && url !== undefined) codeSystems.set(url, r);
      else if (r.resourceType === 'SearchParameter') params.push(rawSearchParameter(r, name));
    }
    let table: Record<string, Record<string, { type: string; expression?: string }>>;
    try {
      table = buildTable(params, resolveR4Component);
    } catch (error) {
      throw new IgPackageError(`IG package ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const byCode = new Map(params.map((p) => [p.code, p]));
    const layer: Record<string, Record<string, SearchParameterDefinition>> = {};
    for (const [type, entries] of Object.entries(table)) {
      for (const [code, entry] of Object.entries(entries)) {
        const url = byCode.get(code)?.url;
        (layer[type] ??= {})[code] = { ...(entry as SearchParameterDefinition), ...(url !== undefined ? { url } : {}) };
      }
    }
    layers.push(layer);
    for (const p of params) added.push({ url: p.url, code: p.code, base: p.base, type: p.type as SearchParamType, packageName: name, ...(p.expression !== undefined ? { expression: p.expression } : {}) });
  }
  const search = layeredSearchParameters(layers);
  const profileList = [...profiles.values()];
  const byType = new Map<string, string[]>();
  for (const p of profileList) if (p.kind === 'resource' && search.isResourceType(p.type)) (byType.get(p.type) ?? byType.set(p.type, []).get(p.type))?.push(p.url);
  return {
    ...search,
    packages: ordered.map((p) => p.manifest),
    implementationGuides: guides,
    profiles: profileList,
    addedSearchParameters: added,
    structureDefinition: (url) => profiles.get(stripVersion(url)),
    profilesOf: (type) => byType.get(type) ?? [],
    valueSet: (url) => valueSets.get(stripVersion(url)),
    codeSystem: (url) => codeSystems.get(stripVersion(url)),
    valueSets: [...valueSets.values()],
    codeSystems: [...codeSystems.values()],
  };
}

/** The R4 tables alone (no IG package). */
export const baseRegistry: DefinitionRegistry = createRegistry();
