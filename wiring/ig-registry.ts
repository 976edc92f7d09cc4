import { readIgPackage } from '../adapters/ig/read-ig-package';
import type { Logger } from '../core/core-deps';
import type { IgPackage } from '../core/registry/ig-package';
import { createRegistry, type DefinitionRegistry } from '../core/registry/registry';

/**
 * The registry over the R4 tables and `packages`, timed (issue 14: a US Core-size package loads
 * in under 2 s). Throws IgPackageError (a start-up error naming the package) on a bad list.
 */
export function registryOf(packages: readonly IgPackage[], log: Logger, started = performance.now()): DefinitionRegistry {
  const registry = createRegistry(packages);
  if (packages.length > 0) {
    log.info('IG packages loaded', {
      packages: registry.packages.map((p) => `${p.name}#${p.version}`),
      profiles: registry.profiles.length,
      searchParameters: registry.addedSearchParameters.length,
      valueSets: registry.valueSets.length,
      ms: Math.round(performance.now() - started),
    });
  }
  return registry;
}

/** The registry over IG packages read from files or folders (the local home's FHIR_IG_PACKAGES). */
export function registryFromFiles(paths: readonly string[], log: Logger): DefinitionRegistry {
  const started = performance.now();
  return registryOf(paths.map(readIgPackage), log, started);
}
