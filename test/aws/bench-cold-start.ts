// Lambda cold start (issue 10, "Cold start"), on the bundles exactly as `cdk deploy` builds them
// (test/infra/support/bundled-stack.ts). Each sample is a fresh Node process, as a new Lambda
// container is:
// - module load: require() of the REST and the GraphQL bundle's index.js, without the
//   function's environment (the code alone), and with --enable-source-maps for comparison;
// - GraphQL init: require() with the environment, where the GraphQL Lambda builds its schema;
// - first GraphQL request: require() plus one AppSync event (a Patient read with a nested
//   selection) answered from DynamoDB in moto, end to end.
// Medians of the samples; the machine's Node. Needs moto (services/start.sh; run by
// services/run-aws-bench.sh, `npm run bench`). Before/after: name other checkouts to measure
// beside this one, `npx tsx test/aws/bench-cold-start.ts 7 ../main`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { ensureResourceTable } from '../../adapters/aws/dynamodb-table';
import { GRAPHQL_FUNCTION, REST_FUNCTION } from '../infra/support/function-names';
import { lambdaEnvironment, synthesizeBundled } from '../infra/support/bundled-stack';
import { dynamoDbClient, uniqueName } from './support/clients';
import { readEngines } from './support/engines';

// Wall time, and the process's CPU time over the same span (user + system, all threads, Node's
// own start-up left out): on a shared machine the CPU time is the steadier figure of the two.
const RUNNER = `
const cpuMs = (usage) => (usage.user + usage.system) / 1000;
const cpu = process.cpuUsage();
const started = performance.now();
const { handler } = require(process.argv[1]);
const loaded = performance.now();
const loadCpuMs = cpuMs(process.cpuUsage(cpu));
const event = process.argv[2] ? JSON.parse(process.argv[2]) : undefined;
(event ? Promise.resolve(handler(event)) : Promise.resolve(null)).then((value) => {
  const totalMs = performance.now() - started;
  process.stdout.write(JSON.stringify({ loadMs: loaded - started, loadCpuMs, totalMs, totalCpuMs: cpuMs(process.cpuUsage(cpu)), value }));
});
`;

interface Sample {
  readonly loadMs: number;
  readonly loadCpuMs: number;
  readonly totalMs: number;
  readonly totalCpuMs: number;
  readonly value: unknown;
}

function sample(bundleDir: string, environment: Readonly<Record<string, string>>, options: { event?: unknown; sourceMaps?: boolean } = {}): Sample {
  const args = [...(options.sourceMaps ? ['--enable-source-maps'] : []), '-e', RUNNER, join(bundleDir, 'index.js'), ...(options.event === undefined ? [] : [JSON.stringify(options.event)])];
  const out = execFileSync(process.execPath, args, {
    env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', LAMBDA_TASK_ROOT: bundleDir, ...environment },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Sample;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
}

/** Bytes of the JavaScript files under a directory (source maps left out). */
function sizeOf(dir: string, under = ''): number {
  const path = join(dir, under);
  return readdirSync(path, { withFileTypes: true }).reduce((sum, entry) => {
    const child = join(under, entry.name);
    if (entry.isDirectory()) return sum + sizeOf(dir, child);
    return sum + (entry.name.endsWith('.js') ? statSync(join(dir, child)).size : 0);
  }, 0);
}

export interface ColdStartRow {
  readonly measure: string;
  /** By checkout (this one first): median wall and CPU ms. */
  readonly figures: readonly { readonly medianMs: number; readonly medianCpuMs: number }[];
}

interface Target {
  readonly rest: string;
  readonly graphql: string;
  readonly graphqlEnvironment: Record<string, string>;
  readonly read: unknown;
  readonly id: string;
  close(): void;
}

type Synthesize = typeof synthesizeBundled;

/** The bundles of a checkout (this one, or another for a before/after comparison), with a patient to read. */
function prepare(synthesize: Synthesize, environment: typeof lambdaEnvironment, resolved: Record<string, string>, motoEndpoint: string): Target {
  const bundled = synthesize({ search: false });
  const rest = bundled.bundleOf(REST_FUNCTION);
  const graphql = bundled.bundleOf(GRAPHQL_FUNCTION);
  const graphqlEnvironment = { ...environment(bundled.template, GRAPHQL_FUNCTION, graphql, resolved), FHIR_DYNAMODB_ENDPOINT: motoEndpoint, LOG_LEVEL: 'silent' };
  // One patient to read, written through the GraphQL Lambda's own create.
  const created = sample(graphql, graphqlEnvironment, { event: appSyncEvent('Mutation', 'PatientCreate', { res: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Cold' }] }) }, '{\n  id\n}') });
  const id = (created.value as { id?: unknown } | null)?.id;
  if (typeof id !== 'string') throw new Error(`the bench patient was not created: ${JSON.stringify(created.value)}`);
  const read = appSyncEvent('Query', 'Patient', { id }, '{\n  id\n  name {\n    family\n    given\n  }\n  meta {\n    versionId\n  }\n}');
  return { rest, graphql, graphqlEnvironment, read, id, close: () => bundled.close() };
}

/**
 * `others`: checkouts (with node_modules) measured beside this one, sample by sample in turn,
 * so that a busy machine slows both alike.
 */
export async function benchColdStart(samples = 7, others: readonly string[] = []): Promise<{ rows: ColdStartRow[]; sizes: string[] }> {
  const { motoEndpoint } = readEngines();
  if (motoEndpoint === undefined) throw new Error('Start moto first: services/start.sh moto');
  const tableName = uniqueName('fhir-cold');
  const dynamo = dynamoDbClient(motoEndpoint);
  await ensureResourceTable(dynamo, tableName);
  const resolved = {
    FHIR_TABLE_NAME: tableName,
    FHIR_BINARY_BUCKET: 'unused',
    FHIR_COGNITO_USER_POOL_ID: 'us-east-1_Bench12345',
    FHIR_COGNITO_CLIENT_ID: 'bench',
    FHIR_BASE_URL: 'https://fhir.example.org/fhir',
    FHIR_APPSYNC_URL: 'https://example.appsync-api.us-east-1.amazonaws.com/graphql',
  };
  const targets: Target[] = [];
  try {
    targets.push(prepare(synthesizeBundled, lambdaEnvironment, resolved, motoEndpoint));
    for (const other of others) {
      const support = (await import(join(resolve(other), 'test', 'infra', 'support', 'bundled-stack'))) as { synthesizeBundled: Synthesize; lambdaEnvironment: typeof lambdaEnvironment };
      targets.push(prepare(support.synthesizeBundled, support.lambdaEnvironment, resolved, motoEndpoint));
    }
    const collect = (measure: string, take: (target: Target) => Sample, whole = false): ColdStartRow => {
      const taken = targets.map((): Sample[] => []);
      for (let i = 0; i < samples; i++) targets.forEach((target, t) => taken[t]?.push(take(target)));
      return {
        measure,
        figures: taken.map((list) => ({
          medianMs: median(list.map((s) => (whole ? s.totalMs : s.loadMs))),
          medianCpuMs: median(list.map((s) => (whole ? s.totalCpuMs : s.loadCpuMs))),
        })),
      };
    };
    const rows = [
      collect('REST: module load', (t) => sample(t.rest, {})),
      collect('REST: module load with --enable-source-maps', (t) => sample(t.rest, {}, { sourceMaps: true })),
      collect('GraphQL: module load (code only, no environment)', (t) => sample(t.graphql, {})),
      collect('GraphQL: module load with the environment (init)', (t) => sample(t.graphql, t.graphqlEnvironment)),
      collect('GraphQL: first request end to end (load, init, one Patient read from DynamoDB)', (t) => {
        const result = sample(t.graphql, t.graphqlEnvironment, { event: t.read });
        if ((result.value as { id?: unknown } | null)?.id !== t.id) throw new Error(`the first request failed: ${JSON.stringify(result.value)}`);
        return result;
      }, true),
    ];
    const kb = (bytes: number): string => `${Math.round(bytes / 1024)} KB`;
    const sizes = targets.flatMap((target, t) => [target.rest, target.graphql].map((dir) =>
      `${t === 0 ? 'this checkout' : others[t - 1] ?? ''}, ${dir === target.rest ? 'REST' : 'GraphQL'}: index.js ${kb(statSync(join(dir, 'index.js')).size)}`
      + `, loaded on first use (node_modules/) ${kb(existsSync(join(dir, 'node_modules')) ? sizeOf(dir, 'node_modules') : 0)}`));
    return { rows, sizes };
  } finally {
    for (const target of targets) target.close();
    await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
    dynamo.destroy();
  }
}

function appSyncEvent(parentTypeName: string, fieldName: string, args: Record<string, unknown>, selection: string): unknown {
  return {
    arguments: args,
    identity: { sub: 'bench', issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Bench12345', username: 'bench', claims: { sub: 'bench', 'cognito:groups': ['practitioner'] }, sourceIp: ['127.0.0.1'], defaultAuthStrategy: 'ALLOW', groups: ['practitioner'] },
    source: null,
    request: { headers: { 'x-amzn-requestid': `cold-${fieldName}` }, domainName: null },
    prev: null,
    info: { parentTypeName, fieldName, variables: {}, selectionSetList: [], selectionSetGraphQL: selection },
    stash: {},
  };
}

if (require.main === module) {
  const [count, ...others] = process.argv.slice(2);
  benchColdStart(Number(count ?? 7), others)
    .then(({ rows, sizes }) => {
      const labels = ['this checkout', ...others];
      const header = `| measure | ${labels.map((label) => `${label}: median ms (wall / CPU)`).join(' | ')} |`;
      const rule = `| --- | ${labels.map(() => '---:').join(' | ')} |`;
      const lines = rows.map((r) => `| ${r.measure} | ${r.figures.map((f) => `${f.medianMs} / ${f.medianCpuMs}`).join(' | ')} |`);
      console.log(`## Lambda cold start (bundles as deployed, a fresh Node ${process.version} process per sample)\n\n${[header, rule, ...lines].join('\n')}\n\n${sizes.join('\n')}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
