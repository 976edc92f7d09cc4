// Builds the web console and the GraphQL IDE (issue 15) from npm packages with esbuild, in
// memory: nothing is fetched at run time and nothing generated is committed. The local server
// builds once, on first use (`npm start` warms it up); the CDK app writes the same files to a
// directory for the S3 bucket. Bundling takes seconds (BENCHMARKS.md), a better price than committing a
// multi-megabyte bundle that would have to be checked fresh.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, buildSync, type BuildOptions, type OutputFile } from 'esbuild';

export interface ConsoleAsset {
  readonly contentType: string;
  readonly body: Buffer;
  /** A strong ETag (content hash). */
  readonly etag: string;
}

/** Asset file name (console.js, console.css, graphiql.js, graphiql.css) to its content. */
export type ConsoleAssets = ReadonlyMap<string, ConsoleAsset>;

const WEB = join(__dirname, 'web');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
};

function assetOf(file: OutputFile): [string, ConsoleAsset] {
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  const extension = name.slice(name.lastIndexOf('.'));
  const body = Buffer.from(file.contents);
  return [name, { contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream', body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }];
}

const OPTIONS: BuildOptions & { write: false } = {
  entryPoints: { console: join(WEB, 'console-main.ts'), graphiql: join(WEB, 'graphiql-main.tsx') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  outdir: '/console-assets',
  write: false,
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  // Fonts and images referenced from CSS travel inside it: one file per kind, no extra routes.
  loader: { '.woff2': 'dataurl', '.woff': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
  legalComments: 'none',
  logLevel: 'silent',
};

/** Bundles both entry points, minified, for browsers of the last few years. */
export async function buildConsoleAssets(): Promise<ConsoleAssets> {
  const result = await build(OPTIONS);
  return new Map(result.outputFiles.map(assetOf));
}

/** The same, synchronously: CDK synthesis is synchronous. */
export function buildConsoleAssetsSync(): ConsoleAssets {
  return new Map(buildSync(OPTIONS).outputFiles.map(assetOf));
}

/** Writes the assets to `directory` (the CDK app's S3 source). */
export function writeConsoleAssets(assets: ConsoleAssets, directory: string): void {
  mkdirSync(directory, { recursive: true });
  for (const [name, asset] of assets) writeFileSync(join(directory, name), asset.body);
}
