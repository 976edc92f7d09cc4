// An Implementation Guide package as the registry takes it: the manifest and the conformance
// resources of the standard FHIR NPM package layout (https://confluence.hl7.org/display/FHIR/NPM+Package+Specification):
// `package/package.json` plus one JSON file per resource directly under `package/`.
import type { Resource } from '../fhir-types';

export interface IgPackageManifest {
  readonly name: string;
  readonly version: string;
  /** Package name -> version (exact, `x` wildcards, or `current`/`latest`). */
  readonly dependencies: Readonly<Record<string, string>>;
  readonly canonical?: string;
  readonly url?: string;
  readonly title?: string;
}

export interface IgPackage {
  readonly manifest: IgPackageManifest;
  /** StructureDefinitions, SearchParameters, ValueSets and CodeSystems (other resources are skipped). */
  readonly resources: readonly Resource[];
  /** Where it was read from, for error messages. */
  readonly source: string;
}

/** Thrown at start-up: a package cannot be read or its dependencies are not among the given packages. */
export class IgPackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IgPackageError';
  }
}

/** The resource types a package contributes to the registry. */
export const PACKAGE_RESOURCE_TYPES: ReadonlySet<string> = new Set(['StructureDefinition', 'SearchParameter', 'ValueSet', 'CodeSystem', 'ImplementationGuide']);

/** The packages the server's own R4 tables stand for (the registry's base layer). */
export const CORE_PACKAGES: Readonly<Record<string, string>> = { 'hl7.fhir.r4.core': '4.0.1' };

function versionMatches(wanted: string, have: string): boolean {
  if (wanted === have || wanted === 'current' || wanted === 'latest' || wanted === '*') return true;
  const w = wanted.split('.');
  const h = have.split('.');
  return w.every((part, i) => part === 'x' || part === '*' || part === h[i]);
}

/**
 * The packages in dependency order (a package after what it depends on). A dependency that is
 * neither among the given packages nor the R4 core is a start-up error naming it.
 */
export function orderPackages(packages: readonly IgPackage[]): IgPackage[] {
  const byName = new Map<string, IgPackage>();
  for (const p of packages) {
    if (byName.has(p.manifest.name)) throw new IgPackageError(`IG package ${p.manifest.name} is listed twice (${byName.get(p.manifest.name)?.source ?? ''} and ${p.source})`);
    byName.set(p.manifest.name, p);
  }
  for (const p of packages) {
    for (const [dep, wanted] of Object.entries(p.manifest.dependencies)) {
      const core = CORE_PACKAGES[dep];
      const have = core ?? byName.get(dep)?.manifest.version;
      if (have === undefined) {
        throw new IgPackageError(`IG package ${p.manifest.name}#${p.manifest.version} depends on ${dep}#${wanted}, which is not among the packages in FHIR_IG_PACKAGES: add it to the list`);
      }
      if (!versionMatches(wanted, have)) {
        throw new IgPackageError(`IG package ${p.manifest.name}#${p.manifest.version} depends on ${dep}#${wanted}, but ${dep}#${have} was given`);
      }
    }
  }
  const ordered: IgPackage[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (p: IgPackage, path: readonly string[]): void => {
    const name = p.manifest.name;
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new IgPackageError(`IG packages depend on each other in a cycle: ${[...path, name].join(' -> ')}`);
    state.set(name, 'visiting');
    for (const dep of Object.keys(p.manifest.dependencies)) {
      const next = byName.get(dep);
      if (next) visit(next, [...path, name]);
    }
    state.set(name, 'done');
    ordered.push(p);
  };
  for (const p of packages) visit(p, []);
  return ordered;
}
