// What the data-directory tools (check, backup, restore) share: where the directory is (the
// server's FHIR_DATA_DIR unless --data-dir names another), its database file and its Binary store.
import { join, resolve } from 'node:path';
import { FilesystemBinaryStore } from '../../adapters/embedded/filesystem-binary-store';
import { FilesystemExportFiles } from '../../adapters/embedded/filesystem-export-files';

export interface DataDirectory {
  readonly dir: string;
  readonly database: string;
  readonly binaries: FilesystemBinaryStore;
  /** Bulk export files, where wiring/local.ts puts them. */
  readonly exportFiles: FilesystemExportFiles;
}

/** The data directory named on the command line, else FHIR_DATA_DIR, else ./data (as `npm start`). */
export function dataDirectory(option: string | undefined, env: Readonly<Record<string, string | undefined>>): DataDirectory {
  const dir = resolve(option ?? env['FHIR_DATA_DIR'] ?? 'data');
  return { dir, database: join(dir, 'fhir.sqlite'), binaries: new FilesystemBinaryStore({ directory: join(dir, 'binaries') }), exportFiles: new FilesystemExportFiles(join(dir, 'exports')) };
}

/** Runs a command's main, printing its error and setting exit code 2 (1 is left for "problems found"). */
export function runTool(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
