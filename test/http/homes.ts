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
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { createDevIssuer, type DevTokenInput } from '../../adapters/auth/dev-issuer';
import { dynamoDbClient } from '../aws/support/clients';
import { readEngines } from '../aws/support/engines';
import { fhirRequest, type FhirFetchInit, type FhirResponseView } from './local-server';

export type HomeName = 'local' | 'aws';

export interface RunningHome {
  readonly name: HomeName;
  /** The FHIR base URL, e.g. http://127.0.0.1:41234/fhir. */
  readonly base: string;
  /** A token from the home's dev issuer. */
  token(input: DevTokenInput): string;
  /** fetch against the FHIR base with JSON defaults (as TestServer.request). */
  request(path: string, init?: FhirFetchInit): Promise<FhirResponseView>;
  /** The GraphQL endpoint: /graphql on the local server, AppSync's on the AWS home. */
  readonly graphqlUrl: string;
  stop(): Promise<void>;
}

const root = join(__dirname, '..', '..');
/** How each home is started: `npm start`, or `npm run start:aws` (the script execs node, so the PID is the server's). */
const commands: Record<HomeName, readonly string[]> = {
  local: [process.execPath, '--import', 'tsx', 'local/main.ts'],
  aws: ['bash', 'services/start-aws-home.sh'],
};

/** A fresh table, index prefix and bucket per start: runs never see each other's data. */
function awsNames(): Record<string, string> {
  const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return { FHIR_TABLE_NAME: `fhir-home-${unique}`, FHIR_OPENSEARCH_INDEX_PREFIX: `h${unique}`, FHIR_BINARY_BUCKET: `fhir-home-${unique}` };
}

/** Drops what an AWS home run created on the shared engines (the node lives for the whole test:aws). */
async function dropAwsData(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const { motoEndpoint, opensearchUrl } = readEngines();
  const table = env['FHIR_TABLE_NAME'];
  if (motoEndpoint !== undefined && table !== undefined) {
    const dynamo = dynamoDbClient(motoEndpoint);
    await dynamo.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    dynamo.destroy();
  }
  const prefix = env['FHIR_OPENSEARCH_INDEX_PREFIX'];
  if (opensearchUrl !== undefined && prefix !== undefined) await fetch(`${opensearchUrl}/${prefix}-*`, { method: 'DELETE' }).catch(() => undefined);
}

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
        // With multi-tenancy the server names the tenant root ([base]/tenant/<tenantId>).
        resolve(match[1].replace(/\/tenant\/<tenantId>$/, ''));
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
  const [command = 'node', ...args] = commands[name];
  const homeEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', FHIR_AUTH_MODE: 'cognito', LOG_LEVEL: 'warn', FHIR_DATA_DIR: dataDir, ...(name === 'aws' ? awsNames() : {}), ...env };
  const child = spawn(command, args, {
    cwd: root,
    env: homeEnv,
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
    request: (path, init) => fhirRequest(base, path, init),
    graphqlUrl: `${new URL(base).origin}/graphql`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (name === 'aws') await dropAwsData(homeEnv);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What the home's CapabilityStatement says of its limits (rest[0].documentation; wiring/aws.ts). */
export async function documentedLimits(home: RunningHome): Promise<string> {
  const metadata = await home.request('/metadata');
  const rest = metadata.json['rest'] as { documentation?: string }[] | undefined;
  return rest?.[0]?.documentation ?? '';
}
