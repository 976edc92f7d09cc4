// The two homes as a user runs them, each a fresh child process on 127.0.0.1 and a free port:
//   local: `npm start` (local/main.ts, SQLite, the WebSocket upgrade handler attached);
//   aws:   `npm run start:aws` (local/aws-main.ts: the REST and GraphQL Lambda handlers behind
//          an API Gateway/AppSync-shaped transport, on moto + OpenSearch from services/start.sh).
// Auth is on (Cognito groups) with tokens from the local dev issuer in the home's data dir.
// HTTP-level suites take the home from FHIR_TEST_HOME (local by default; `npm run test:aws`
// sets aws), so the same assertions run against both (issue 9, "Both homes over HTTP").
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevIssuer, type DevTokenInput } from '../../adapters/auth/dev-issuer';

export type HomeName = 'local' | 'aws';

export interface RunningHome {
  readonly name: HomeName;
  /** The FHIR base URL, e.g. http://127.0.0.1:41234/fhir. */
  readonly base: string;
  /** A token from the home's dev issuer. */
  token(input: DevTokenInput): string;
  stop(): Promise<void>;
}

const root = join(__dirname, '..', '..');
const entryPoints: Record<HomeName, string> = { local: 'local/main.ts', aws: 'local/aws-main.ts' };

/** The home the HTTP-level suites run against in this jest run. */
export function homeUnderTest(): HomeName {
  const value = process.env.FHIR_TEST_HOME ?? 'local';
  if (value !== 'local' && value !== 'aws') throw new Error(`FHIR_TEST_HOME must be local or aws, not ${value}`);
  return value;
}

function waitForListening(child: ChildProcess, name: HomeName, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`the ${name} home did not start within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null): void => fail(new Error(`the ${name} home exited (${code}) before listening`));
    function fail(error: Error): void {
      clearTimeout(timer);
      child.off('exit', onExit);
      reject(new Error(`${error.message}\n${output.slice(-4000)}`));
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', onExit);
  });
}

/** Starts a home as its npm script would, with a fresh data directory. */
export async function startHome(name: HomeName, env: Record<string, string> = {}): Promise<RunningHome> {
  const dataDir = mkdtempSync(join(tmpdir(), `fhir-home-${name}-`));
  const child = spawn(process.execPath, ['--import', 'tsx', entryPoints[name]], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', FHIR_AUTH_MODE: 'cognito', LOG_LEVEL: 'warn', FHIR_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let base: string;
  try {
    base = await waitForListening(child, name, 120_000);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  // Keep draining the pipes so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  const issuer = createDevIssuer(dataDir);
  return {
    name,
    base,
    token: (input) => issuer.mint(input),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
