// Soak (issue 16, "Load and overload"): `npm start`'s own entry point (local/main.ts) in a child
// process on a file database, under mixed load for a fixed time — reads, searches with includes,
// history, creates and updates, transactions, GraphQL queries, a GraphQL subscription and a FHIR
// websocket binding — while its RSS is sampled from /proc. Every response must be a success,
// every committed change must reach both subscribers, and memory must level off.
// SOAK_SECONDS sets the duration (CI: 20; the long mode: e.g. SOAK_SECONDS=600).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { seededRandom } from '../../tools/synthetic/random';

const SECONDS = Number(process.env['SOAK_SECONDS'] ?? '20');
const CLIENTS = 8;

jest.setTimeout((SECONDS + 120) * 1000);

interface Server {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly origin: string;
}

function startServer(dataDir: string): Promise<Server> {
  const root = resolve(__dirname, '../..');
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'local/main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', FHIR_AUTH_MODE: 'none', FHIR_DATA_DIR: dataDir, LOG_LEVEL: 'warn', FHIR_AUDIT_LOG: 'true' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on http:\/\/(127\.0\.0\.1:\d+)\/fhir/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolvePromise({ proc, origin: match[1] });
      }
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    proc.once('exit', (code) => reject(new Error(`server exited (${String(code)}): ${out}`)));
  });
}

/** Resident set size of a process in MB, from /proc (Linux). */
function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

describe('soak under mixed load', () => {
  let server: Server;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fhir-soak-'));
    server = await startServer(dataDir);
  });
  afterAll(async () => {
    if (server.proc.exitCode === null) {
      const exited = new Promise((done) => server.proc.once('exit', done));
      server.proc.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`serves ${CLIENTS} clients for ${SECONDS} s with no error, every change delivered, and bounded memory`, async () => {
    const base = `http://${server.origin}/fhir`;
    const json = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };

    // Subscribers: a GraphQL subscription (graphql-ws) and an R4 websocket-channel Subscription.
    let graphqlEvents = 0;
    const graphql = createClient({ url: `ws://${server.origin}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
    const subscribed = new Promise<void>((ready, fail) => {
      graphql.on('connected', () => setTimeout(ready, 200));
      graphql.on('error', fail);
    });
    const stopGraphql = graphql.subscribe<{ onResourceChange: { id: string } }>(
      { query: 'subscription { onResourceChange(resourceType: "Patient") { id action } }' },
      { next: () => (graphqlEvents += 1), error: () => undefined, complete: () => undefined },
    );
    await subscribed;
    const subscription = await fetch(`${base}/Subscription`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ resourceType: 'Subscription', status: 'requested', reason: 'soak', criteria: 'Patient?family=Soak', channel: { type: 'websocket' } }),
    });
    expect(subscription.status).toBe(201);
    const subscriptionId = String(((await subscription.json()) as { id: string }).id);
    for (let waited = 0; waited < 10_000; waited += 100) {
      const current = (await (await fetch(`${base}/Subscription/${subscriptionId}`, { headers: json })).json()) as { status: string };
      if (current.status === 'active') break;
      await new Promise((done) => setTimeout(done, 100));
    }
    let pings = 0;
    const channel = new WebSocket(`ws://${server.origin}/fhir/websocket`);
    await new Promise<void>((ready, fail) => {
      channel.once('open', () => channel.send(`bind ${subscriptionId}`));
      channel.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        if (text === `bound ${subscriptionId}`) ready();
        else if (text.startsWith('ping ')) pings += 1;
        else if (text.startsWith('error')) fail(new Error(text));
      });
    });

    const statuses = new Map<string, number>();
    const latencies = new Map<string, number[]>();
    const failures: string[] = [];
    let patientChanges = 0;
    const call = async (kind: string, path: string, init: RequestInit = {}): Promise<Record<string, unknown>> => {
      const started = performance.now();
      const response = await fetch(path.startsWith('http') ? path : `${base}${path}`, { ...init, headers: { ...json, ...(init.headers as Record<string, string> | undefined) } });
      const text = await response.text();
      (latencies.get(kind) ?? latencies.set(kind, []).get(kind))?.push(performance.now() - started);
      const key = `${kind} ${response.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (response.status >= 300 && failures.length < 20) failures.push(`${kind} ${path} -> ${response.status} ${text.slice(0, 300)}`);
      return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    };

    const rss: { atS: number; mb: number }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => rss.push({ atS: (Date.now() - started) / 1000, mb: rssMb(server.proc.pid ?? 0) }), 500);
    const deadline = started + SECONDS * 1000;

    const client = async (seed: number): Promise<void> => {
      const random = seededRandom(seed);
      const mine: string[] = [];
      while (Date.now() < deadline) {
        const roll = random();
        if (roll < 0.2 || mine.length === 0) {
          const created = await call('create', '/Patient', { method: 'POST', body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Soak', given: [`c${seed}`] }], birthDate: '1980-01-01' }) });
          patientChanges += 1;
          if (typeof created['id'] === 'string') mine.push(created['id']);
        } else if (roll < 0.3) {
          const id = mine[Math.floor(random() * mine.length)] ?? '';
          await call('update', `/Patient/${id}`, { method: 'PUT', body: JSON.stringify({ resourceType: 'Patient', id, name: [{ family: 'Soak', given: [`c${seed}`, 'updated'] }], active: random() < 0.5 }) });
          patientChanges += 1;
        } else if (roll < 0.35) {
          const id = mine[Math.floor(random() * mine.length)] ?? '';
          await call('transaction', '', {
            method: 'POST',
            body: JSON.stringify({
              resourceType: 'Bundle',
              type: 'transaction',
              entry: [0, 1, 2].map((n) => ({ resource: { resourceType: 'Observation', status: 'final', code: { text: `soak ${n}` }, subject: { reference: `Patient/${id}` }, valueQuantity: { value: n, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }, request: { method: 'POST', url: 'Observation' } })),
            }),
          });
        } else if (roll < 0.55) {
          await call('read', `/Patient/${mine[Math.floor(random() * mine.length)] ?? ''}`);
        } else if (roll < 0.7) {
          await call('search', `/Observation?subject=Patient/${mine[Math.floor(random() * mine.length)] ?? ''}&_include=Observation:subject&_count=20`);
        } else if (roll < 0.8) {
          await call('history', `/Patient/${mine[Math.floor(random() * mine.length)] ?? ''}/_history`);
        } else if (roll < 0.9) {
          await call('search', `/Patient?family=Soak&given=c${seed}&_count=10&_sort=-_lastUpdated`);
        } else {
          await call('graphql', `http://${server.origin}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ query: '{ PatientList(family: "Soak", _count: 5) { id name { given } ObservationList(_reference: subject) { id valueQuantity { value } } } }' }),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(1000 + i)));
    // Deliveries are asynchronous: give them a moment to drain.
    for (let waited = 0; waited < 15_000 && (graphqlEvents < patientChanges || pings < patientChanges); waited += 100) await new Promise((done) => setTimeout(done, 100));
    clearInterval(sampler);
    stopGraphql();
    await graphql.dispose();
    channel.close();

    const report = {
      seconds: SECONDS,
      clients: CLIENTS,
      requests: [...statuses.values()].reduce((a, b) => a + b, 0),
      statuses: Object.fromEntries(statuses),
      latencyMs: Object.fromEntries([...latencies].map(([kind, values]) => {
        const sorted = [...values].sort((a, b) => a - b);
        return [kind, { n: sorted.length, p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)) }];
      })),
      patientChanges,
      graphqlEvents,
      websocketPings: pings,
      rssMb: rss.filter((_, i) => i % 4 === 0).map((sample) => `${sample.atS.toFixed(0)}s:${sample.mb.toFixed(0)}`).join(' '),
    };
    console.log(`soak report ${JSON.stringify(report)}`);

    expect(failures).toEqual([]);
    expect(report.requests).toBeGreaterThan(SECONDS * 10);
    expect(graphqlEvents).toBe(patientChanges);
    expect(pings).toBe(patientChanges);
    // Memory levels off: the last third peaks at most 25% (+32 MB of noise) above the middle third.
    const third = Math.floor(rss.length / 3);
    const peak = (samples: readonly { mb: number }[]): number => Math.max(...samples.map((sample) => sample.mb));
    expect(third).toBeGreaterThan(2);
    expect(peak(rss.slice(2 * third))).toBeLessThanOrEqual(peak(rss.slice(third, 2 * third)) * 1.25 + 32);
  });
});
