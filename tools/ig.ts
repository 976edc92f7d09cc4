// `npm run ig -- inspect <package.tgz|folder> [dependency ...]`: what an IG package adds
// (profiles, extensions, search parameters, value sets) and what the server can and cannot
// enforce of it (issue 14). Dependencies other than the R4 core are given after the package.
import { readIgPackage } from '../adapters/ig/read-ig-package';
import { IgPackageError } from '../core/registry/ig-package';
import { formatInspection, inspectPackage } from '../core/registry/inspect-package';
import { profileGaps } from '../core/validation/profiles/profile-gaps';

function main(argv: readonly string[]): number {
  const [command, path, ...dependencies] = argv;
  if (command !== 'inspect' || path === undefined) {
    console.error('usage: npm run ig -- inspect <package.tgz|folder> [dependency.tgz|folder ...]');
    return 2;
  }
  try {
    const pkg = readIgPackage(path);
    console.log(formatInspection(pkg, inspectPackage(pkg, dependencies.map(readIgPackage), profileGaps)));
    return 0;
  } catch (error) {
    console.error(error instanceof IgPackageError ? error.message : error);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
