// Runs the HAPI FHIR Java harness (test/hapi, a Maven project; issue 9 "Make it stay fixed"):
// builds it with Maven on first use (Maven Central; a clean machine downloads the HAPI jars
// once into ~/.m2) and runs it with the classpath Maven wrote to target/classpath.txt.
// Java 17 and mvn are needed; CI (CI=true) or FHIR_HAPI_TESTS=required makes their absence a
// failure, otherwise the suites are skipped and say so loudly.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const project = __dirname;
const classpathFile = join(project, 'target', 'classpath.txt');

export interface HapiProblem {
  readonly severity: string;
  readonly location: string;
  readonly message: string;
}

export interface HapiStep {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface HapiExchange {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly errors: readonly HapiProblem[];
}

export interface InteractionsReport {
  readonly steps: readonly HapiStep[];
  readonly exchanges: readonly HapiExchange[];
}

export interface ValidateReport {
  readonly results: readonly { readonly file: string; readonly errors: readonly HapiProblem[] }[];
}

function onPath(command: string): boolean {
  try {
    execFileSync(command, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when Java and Maven are here; false (after a loud note) when the suites may skip. */
export function hapiAvailable(suite: string): boolean {
  if (onPath('java') && onPath('mvn')) return true;
  if (process.env.CI === 'true' || process.env.FHIR_HAPI_TESTS === 'required') {
    throw new Error(`${suite} needs Java 17 and mvn on PATH (CI=true or FHIR_HAPI_TESTS=required)`);
  }
  process.stderr.write(`\n*** HAPI suite SKIPPED: "${suite}" needs Java 17 and mvn on PATH.\n\n`);
  return false;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function upToDate(): boolean {
  if (!existsSync(classpathFile)) return false;
  const built = statSync(classpathFile).mtimeMs;
  if (Math.max(statSync(join(project, 'pom.xml')).mtimeMs, newestSource(join(project, 'src'))) > built) return false;
  return readFileSync(classpathFile, 'utf8').trim().split(':').every((jar) => existsSync(jar));
}

function run(command: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { cwd: project, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.find((a) => a.startsWith('org.fhirgateway')) ?? args[0] ?? ''} failed (${error.code ?? error.signal ?? 'error'}):\n${stderr.slice(-4000)}\n${stdout.slice(-4000)}`));
      else resolve(stdout);
    });
  });
}

/** Builds the harness unless target/ is newer than the sources and every jar is still there. */
export async function buildHapiHarness(): Promise<void> {
  if (upToDate()) return;
  // jest runs test files in parallel workers: one build at a time (mkdir is atomic).
  const lock = join(project, '.build-lock');
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - started > 600_000) throw new Error(`${lock} held for 10 minutes; remove it if no build is running`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    if (!upToDate()) await run('mvn', ['-q', '-B', 'package'], 600_000);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Runs the harness in one of its modes and returns its JSON report. */
export async function runHapiHarness<T>(args: readonly string[], timeoutMs = 1_200_000): Promise<T> {
  await buildHapiHarness();
  const classpath = `${join(project, 'target', 'classes')}:${readFileSync(classpathFile, 'utf8').trim()}`;
  const stdout = await run(
    'java',
    ['-Xmx512m', '-XX:+UseSerialGC', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', classpath, 'org.fhirgateway.hapi.Main', ...args],
    timeoutMs,
  );
  return JSON.parse(stdout) as T;
}

/** One line per validation error, for a readable failure message. */
export function describeErrors(exchanges: readonly HapiExchange[]): string[] {
  return exchanges.flatMap((e) => e.errors.map((p) => `${e.method} ${e.url} -> ${e.status}: ${p.location}: ${p.message}`));
}
