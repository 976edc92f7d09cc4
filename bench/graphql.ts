// GraphQL on the local server (issue 4, Proof): a nested query (patients with their observations
// and the observations' performers) under load, and subscription delivery latency from commit
// (the ChangeFeed publishing the change) to a graphql-ws client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startLocalServer, type RunningServer } from '../local/start';
import { attachGraphqlWebSocket } from '../resolvers/subscriptions/websocket';
import { parseLocalConfig } from '../wiring/config';
import { loadFigures, runLoad, type LoadFigures } from './rest';

export type GraphqlLoadFigures = LoadFigures;

export interface LatencyFigures {
  readonly name: string;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const NESTED_QUERY = `{
  PatientList(family: "Bench", _count: 20) {
    id
    name { family given }
    ResourceList(_type: "Observation", _reference: "subject", _count: 10) {
      ... on Observation {
        code { text }
        valueQuantity { value unit }
        performer { resource { ... on Practitioner { name { family } } } }
      }
    }
  }
}`;

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 100) / 100;
}

async function post(server: RunningServer, token: string, path: string, body: unknown): Promise<{ id: string }> {
  const response = await fetch(`${server.rootUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
  return (await response.json()) as { id: string };
}

async function seed(server: RunningServer, token: string): Promise<void> {
  const practitioners = await Promise.all(Array.from({ length: 5 }, (_, i) => post(server, token, '/Practitioner', { resourceType: 'Practitioner', name: [{ family: `Doctor${i}` }] })));
  for (let p = 0; p < 20; p += 1) {
    const patient = await post(server, token, '/Patient', { resourceType: 'Patient', name: [{ family: 'Bench', given: [`P${p}`] }] });
    await Promise.all(Array.from({ length: 10 }, (_, o) => post(server, token, '/Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'heart rate' },
      valueQuantity: { value: 60 + o, unit: '/min' },
      subject: { reference: `Patient/${patient.id}` },
      performer: [{ reference: `Practitioner/${practitioners[o % 5]?.id ?? ''}` }],
    })));
  }
}

/** The load test measures nothing if the query fails: check its answer once first. */
async function checkNestedQuery(server: RunningServer, token: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${server.port}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: NESTED_QUERY }) });
  const body = (await response.json()) as { data?: { PatientList?: { ResourceList?: { performer?: { resource?: unknown }[] }[] }[] }; errors?: unknown[] };
  const patients = body.data?.PatientList ?? [];
  const observations = patients.flatMap((patient) => patient.ResourceList ?? []);
  const performers = observations.filter((observation) => observation.performer?.[0]?.resource !== undefined && observation.performer[0].resource !== null);
  if (body.errors !== undefined || patients.length !== 20 || observations.length !== 200 || performers.length !== 200) {
    throw new Error(`The nested query did not return 20 patients x 10 observations with performers: ${JSON.stringify(body).slice(0, 500)}`);
  }
}

function nestedQueryLoad(server: RunningServer, token: string, seconds: number, connections: number): Promise<autocannon.Result> {
  return runLoad({
    url: `http://127.0.0.1:${server.port}/graphql`,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: NESTED_QUERY }),
    connections,
    duration: seconds,
  });
}

/** Commit-to-client latency: the ChangeFeed listener registered first stamps the commit. */
async function subscriptionLatency(server: RunningServer, token: string, samples: number): Promise<number[]> {
  const committedAt = new Map<string, number>();
  const stop = server.app.changeFeed.subscribe((change) => committedAt.set(`${change.id}/${change.versionId}`, performance.now()));
  const client = createClient({ url: `ws://127.0.0.1:${server.port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
  const latencies: number[] = [];
  try {
    const events = client.iterate<{ onResourceChange: { id: string; versionId: string } }>({ query: 'subscription { onResourceChange(resourceType: "Patient") { id versionId } }' });
    const first = events.next();
    await new Promise((resolve) => setTimeout(resolve, 200));
    let pending = first;
    for (let i = 0; i < samples; i += 1) {
      await post(server, token, '/Patient', { resourceType: 'Patient', name: [{ family: 'Latency' }] });
      const event = (await pending).value?.data?.onResourceChange;
      const receivedAt = performance.now();
      const committed = event === undefined ? undefined : committedAt.get(`${event.id}/${event.versionId}`);
      if (committed !== undefined) latencies.push(receivedAt - committed);
      pending = events.next();
    }
    await events.return?.();
  } finally {
    stop();
    await client.dispose();
  }
  return latencies.sort((a, b) => a - b);
}

export async function benchGraphql(seconds = 10, connections = 10): Promise<{ load: GraphqlLoadFigures[]; latency: LatencyFigures[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fhir-bench-graphql-'));
  const server = await startLocalServer(parseLocalConfig({ PORT: '0', FHIR_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), {});
  const sockets = attachGraphqlWebSocket(server.server, () => server.app);
  try {
    const token = server.app.devIssuer?.mint({ groups: ['practitioner'], expiresInSeconds: 3600 }) ?? '';
    await seed(server, token);
    await checkNestedQuery(server, token);
    const result = await nestedQueryLoad(server, token, seconds, connections);
    const latencies = await subscriptionLatency(server, token, 200);
    return {
      load: [loadFigures('nested query (20 patients x 10 observations + performers)', result)],
      latency: [{ name: 'subscription delivery, commit to graphql-ws client', samples: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) }],
    };
  } finally {
    await sockets.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchGraphql(Number(process.env['BENCH_SECONDS'] ?? 10)).then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
