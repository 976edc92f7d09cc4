// Where the real engines of the AWS adapter suites run (issue 6). services/start.sh writes
// their endpoints to .services/env; `npm run test:aws` starts them and sets
// FHIR_AWS_TESTS=required. Under a plain `npm test` on a machine without them, the suites are
// skipped and say so loudly, with the command that runs them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AwsEngines {
  readonly motoEndpoint: string | undefined;
  readonly opensearchUrl: string | undefined;
}

const envFile = join(__dirname, '..', '..', '..', '.services', 'env');

function readEnvFile(): Record<string, string> {
  if (!existsSync(envFile)) return {};
  const values: Record<string, string> = {};
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) values[match[1]] = match[2];
  }
  return values;
}

/** True when services/start.sh's PID file names a live process (a stale env file is ignored). */
function running(service: 'moto' | 'opensearch'): boolean {
  const pidFile = join(envFile, '..', `${service}.pid`);
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readEngines(): AwsEngines {
  const file = readEnvFile();
  return {
    motoEndpoint: process.env.MOTO_ENDPOINT ?? (running('moto') ? file.MOTO_ENDPOINT : undefined),
    opensearchUrl: process.env.OPENSEARCH_URL ?? (running('opensearch') ? file.OPENSEARCH_URL : undefined),
  };
}

const required = process.env.FHIR_AWS_TESTS === 'required';

function skipLoudly(suite: string, engine: string): void {
  // process.stderr, not console: jest buffers console output per test file and would bury it.
  process.stderr.write(
    `\n*** AWS adapter suite SKIPPED: "${suite}" needs ${engine}: not running.\n` +
      '*** Run it with `npm run test:aws` (starts moto and OpenSearch; needs python3, Java 17 and mvn).\n\n',
  );
}

function describeWithEngine(engine: string, endpoint: string | undefined, name: string, body: (endpoint: string) => void): void {
  if (endpoint !== undefined) {
    describe(name, () => body(endpoint));
    return;
  }
  if (required) {
    throw new Error(`FHIR_AWS_TESTS=required but ${engine} is not running: start it with services/start.sh`);
  }
  skipLoudly(name, engine);
  describe.skip(name, () => body('http://127.0.0.1:0'));
}

/** A suite that runs against moto (DynamoDB, DynamoDB Streams, S3), skipped when moto is absent. */
export function describeWithMoto(name: string, body: (endpoint: string) => void): void {
  describeWithEngine('moto (services/start.sh moto)', readEngines().motoEndpoint, name, body);
}

/** A suite that runs against a real OpenSearch node, skipped when it is absent. */
export function describeWithOpenSearch(name: string, body: (url: string) => void): void {
  describeWithEngine('OpenSearch (services/start.sh opensearch)', readEngines().opensearchUrl, name, body);
}

/** A suite that needs both moto and OpenSearch, skipped when either is absent. */
export function describeWithMotoAndOpenSearch(name: string, body: (engines: { motoEndpoint: string; opensearchUrl: string }) => void): void {
  const { motoEndpoint, opensearchUrl } = readEngines();
  const both = motoEndpoint !== undefined && opensearchUrl !== undefined ? `${motoEndpoint} ${opensearchUrl}` : undefined;
  describeWithEngine('moto and OpenSearch (services/start.sh)', both, name, () =>
    body({ motoEndpoint: motoEndpoint ?? 'http://127.0.0.1:0', opensearchUrl: opensearchUrl ?? 'http://127.0.0.1:0' }),
  );
}
