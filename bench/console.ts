// The web console's weight and first load (issue 15: "The console's bundle size and first-load
// time are reported by `npm run bench`"): bundle sizes raw and gzipped, the bundling time, and
// the time from navigation to a usable page in headless Chromium (Debian's package through
// puppeteer-core) on a fresh browser profile, so nothing comes from cache.
import { gzipSync } from 'node:zlib';
import { buildConsoleAssets } from '../console/build';
import { chromiumPath, CHROMIUM_ARGS } from '../test/browser/chromium';
import { startTestServer } from '../test/http/local-server';

export interface BundleFigure {
  readonly name: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface LoadTime {
  readonly page: string;
  readonly samples: number;
  readonly medianMs: number;
}

export interface ConsoleFigures {
  readonly bundles: readonly BundleFigure[];
  readonly buildMs: number;
  /** Empty when no Chromium is installed. */
  readonly loads: readonly LoadTime[];
}

const SAMPLES = 5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function benchConsole(): Promise<ConsoleFigures> {
  const started = performance.now();
  const assets = await buildConsoleAssets();
  const buildMs = Math.round(performance.now() - started);
  const bundles = [...assets].map(([name, asset]) => ({ name, bytes: asset.body.length, gzipBytes: gzipSync(asset.body).length }));
  const executablePath = chromiumPath();
  if (executablePath === undefined) return { bundles, buildMs, loads: [] };
  const { default: puppeteer } = await import('puppeteer-core');
  const server = await startTestServer({ FHIR_AUTH_MODE: 'cognito' });
  const origin = new URL(server.base).origin;
  // Warm the server's in-memory bundle so the figure is the browser's, not esbuild's.
  await fetch(`${origin}/console/graphiql.js`);
  const pages = [
    { page: 'console sign-in page (/)', url: `${origin}/`, ready: 'form.sign-in' },
    { page: 'GraphQL IDE (/graphql)', url: `${origin}/graphql`, ready: '.graphiql-container .graphiql-execute-button' },
  ];
  const loads: LoadTime[] = [];
  try {
    for (const { page: label, url, ready } of pages) {
      const times: number[] = [];
      for (let sample = 0; sample < SAMPLES; sample++) {
        const browser = await puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
        try {
          const page = await browser.newPage();
          const begin = performance.now();
          await page.goto(url);
          await page.waitForSelector(ready);
          times.push(performance.now() - begin);
        } finally {
          await browser.close();
        }
      }
      loads.push({ page: label, samples: SAMPLES, medianMs: Math.round(median(times)) });
    }
  } finally {
    await server.stop();
  }
  return { bundles, buildMs, loads };
}

export function consoleTables(figures: ConsoleFigures): string {
  const kib = (bytes: number): string => (bytes / 1024).toFixed(1);
  const lines = ['| bundle | KiB | gzip KiB |', '| --- | ---: | ---: |'];
  for (const bundle of figures.bundles) lines.push(`| ${bundle.name} | ${kib(bundle.bytes)} | ${kib(bundle.gzipBytes)} |`);
  lines.push('', `Bundling both entry points with esbuild: ${figures.buildMs} ms.`, '');
  if (figures.loads.length === 0) {
    lines.push('First load: skipped, no Chromium installed (apt-get install chromium).');
  } else {
    lines.push('| first load, cold browser (navigation to usable page) | samples | median ms |', '| --- | ---: | ---: |');
    for (const load of figures.loads) lines.push(`| ${load.page} | ${load.samples} | ${load.medianMs} |`);
  }
  return lines.join('\n');
}
