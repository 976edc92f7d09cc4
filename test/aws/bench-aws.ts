// Create / read / search figures on the AWS adapters against the local engines, beside the
// embedded ones, through the same REST Lambda handler and API Gateway events (issue 6, "Proof").
// Relative figures only: moto and a one-node OpenSearch are not AWS. Run with the engines up:
//   services/start.sh && npx tsx test/aws/bench-aws.ts [requests] [refresh interval]; services/stop.sh
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ensureResourceTable } from '../../adapters/aws/dynamodb-table';
import { createRestLambdaHandler, type RestLambdaHandler } from '../../rest/lambda-handler';
import { createAwsApp, parseAwsConfig } from '../../wiring/aws';
import { parseLocalConfig } from '../../wiring/config';
import { createLocalApp } from '../../wiring/local';
import { dynamoDbClient, openSearchClient, uniqueName } from './support/clients';
import { readEngines } from './support/engines';

export interface OperationFigures {
  readonly home: string;
  readonly operation: string;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const template = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'api-gateway', 'get-patient.json'), 'utf8')) as APIGatewayProxyEvent;

function event(method: string, path: string, query: Record<string, string> = {}, body?: string): APIGatewayProxyEvent {
  return {
    ...template,
    httpMethod: method,
    path,
    pathParameters: { proxy: path.slice(1) },
    queryStringParameters: query,
    multiValueQueryStringParameters: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    headers: { ...template.headers, 'content-type': 'application/fhir+json' },
    multiValueHeaders: {},
    body: body ?? null,
  };
}

/** Runs `count` calls with `concurrency` in flight; latency per call in ms. */
async function measure(count: number, concurrency: number, call: (i: number) => Promise<void>): Promise<{ perSecond: number; p50Ms: number; p99Ms: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now();
      await call(i);
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number): number => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 10) / 10;
  return { perSecond: Math.round(count / seconds), p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function benchHome(home: string, handler: RestLambdaHandler, requests: number): Promise<OperationFigures[]> {
  const ids: string[] = [];
  const ok = (status: number, what: string): void => {
    if (status >= 300) throw new Error(`${home}: ${what} answered ${status}`);
  };
  const create = await measure(requests, 10, async (i) => {
    const result = await handler(event('POST', '/Patient', {}, JSON.stringify({ resourceType: 'Patient', name: [{ family: `Bench${i % 50}` }], birthDate: '1980-01-01' })));
    ok(result.statusCode, 'create');
    ids[i] = (JSON.parse(result.body) as { id: string }).id;
  });
  const read = await measure(requests, 10, async (i) => ok((await handler(event('GET', `/Patient/${ids[i] ?? ''}`))).statusCode, 'read'));
  const search = await measure(requests, 10, async (i) => ok((await handler(event('GET', '/Patient', { family: `bench${i % 50}`, _count: '10' }))).statusCode, 'search'));
  return [
    { home, operation: 'create', ...create },
    { home, operation: 'read', ...read },
    { home, operation: 'search (family, _count=10)', ...search },
  ];
}

/** `refreshInterval`: of the OpenSearch indexes; a write-path create waits up to this long. */
export async function benchAws(requests = 500, refreshInterval = '1s'): Promise<OperationFigures[]> {
  const { motoEndpoint, opensearchUrl } = readEngines();
  if (motoEndpoint === undefined || opensearchUrl === undefined) throw new Error('Start the engines first: services/start.sh');
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';

  const dataDir = mkdtempSync(join(tmpdir(), 'fhir-bench-aws-'));
  const local = createLocalApp(parseLocalConfig({ FHIR_DATA_DIR: dataDir, FHIR_AUTH_MODE: 'none', LOG_LEVEL: 'silent' }));
  const tableName = uniqueName('fhir-bench');
  const indexPrefix = uniqueName('bench').toLowerCase();
  const dynamo = dynamoDbClient(motoEndpoint);
  await ensureResourceTable(dynamo, tableName);
  const aws = createAwsApp(parseAwsConfig({
    FHIR_TABLE_NAME: tableName, FHIR_DYNAMODB_ENDPOINT: motoEndpoint, FHIR_OPENSEARCH_ENDPOINT: opensearchUrl,
    FHIR_OPENSEARCH_SIGV4: 'false', FHIR_OPENSEARCH_INDEX_PREFIX: indexPrefix, FHIR_AUTH_MODE: 'none', LOG_LEVEL: 'silent',
    FHIR_OPENSEARCH_REFRESH_INTERVAL: refreshInterval,
  }));
  try {
    return [
      ...(await benchHome('embedded (SQLite)', createRestLambdaHandler(() => local.door), requests)),
      ...(await benchHome(`AWS adapters (moto + OpenSearch, refresh ${refreshInterval})`, createRestLambdaHandler(() => aws.door), requests)),
    ];
  } finally {
    await local.close();
    rmSync(dataDir, { recursive: true, force: true });
    await aws.close();
    await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
    dynamo.destroy();
    const search = openSearchClient(opensearchUrl);
    await search.indices.delete({ index: `${indexPrefix}-*` });
    await search.close();
  }
}

export function figuresTable(rows: readonly OperationFigures[]): string {
  const lines = ['| home | operation | ops/s | p50 ms | p99 ms |', '| --- | --- | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.home} | ${r.operation} | ${r.perSecond} | ${r.p50Ms} | ${r.p99Ms} |`);
  return lines.join('\n');
}

if (require.main === module) {
  benchAws(Number(process.argv[2] ?? 500), process.argv[3] ?? '1s')
    .then((rows) => console.log(`## REST Lambda handler, 10 in flight (relative figures: emulators are not AWS)\n\n${figuresTable(rows)}`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
