// Finds the Debian `chromium` package's browser for puppeteer-core (issue 15: tests in a real
// browser; no browser download at install). Without it the browser suites are skipped loudly,
// and FHIR_BROWSER_TESTS=required (set by .ci/run, which installs chromium) makes that an error.
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string | undefined {
  const configured = process.env['CHROMIUM_PATH'];
  if (configured !== undefined && configured !== '') return configured;
  return CANDIDATES.find((candidate) => existsSync(candidate));
}

/** `describe` when a Chromium is installed, otherwise a loud skip (or an error when required). */
export function describeWithChromium(name: string, body: (executablePath: string) => void): void {
  const executablePath = chromiumPath();
  if (executablePath !== undefined) {
    describe(name, () => body(executablePath));
    return;
  }
  if (process.env['FHIR_BROWSER_TESTS'] === 'required') throw new Error('FHIR_BROWSER_TESTS=required but no Chromium found: apt-get install chromium');
  process.stderr.write(`\n*** Browser suite SKIPPED: "${name}" needs Chromium (apt-get install chromium, or set CHROMIUM_PATH).\n\n`);
  describe.skip(name, () => body('/nonexistent'));
}

/** Flags for a headless run as root in a container (CI runs as root). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
