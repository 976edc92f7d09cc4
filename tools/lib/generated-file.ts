// Writes generated files, or checks that the committed ones are fresh (STYLE.md: generated code
// is committed and CI fails on any difference). tools/generate.ts holds the list of generators.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface GeneratedFile {
  /** Relative to the repository root, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

/** A generator reads its sources (under `root`) and returns every file it owns. */
export type Generator = (root: string) => readonly GeneratedFile[] | Promise<readonly GeneratedFile[]>;

export interface RunOptions {
  readonly root: string;
  /** Compare with the committed files instead of writing them. */
  readonly check: boolean;
  readonly log?: (line: string) => void;
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Runs every generator; returns the process exit code (1 when --check finds a stale file). */
export async function runGenerators(generators: readonly Generator[], options: RunOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const stale: string[] = [];
  for (const generator of generators) {
    for (const file of await generator(options.root)) {
      const target = path.join(options.root, file.path);
      const current = readOrUndefined(target);
      if (current === file.content) continue;
      if (options.check) {
        stale.push(`${current === undefined ? 'missing' : 'stale'}: ${file.path}`);
        continue;
      }
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.content);
      log(`wrote ${file.path} (${Buffer.byteLength(file.content)} bytes)`);
    }
  }
  if (stale.length === 0) return 0;
  for (const line of stale) log(line);
  log('Generated files are out of date: run `npm run generate` and commit the result.');
  return 1;
}
