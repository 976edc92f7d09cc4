// rest-hook delivery latency (issue 13): from commit (the ChangeFeed listener registered first
// stamps it) to the request arriving at a receiver on 127.0.0.1, through the durable outbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLocalServer } from '../local/start';
import { parseLocalConfig } from '../wiring/config';
import type { LatencyFigures } from './graphql';

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 100) / 100;
}

export async function benchSubscriptions(samples = 300): Promise<LatencyFigures[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fhir-bench-subscriptions-'));
  const received = new Map<string, number>();
  const receiver = createServer((req, res) => {
    const at = performance.now();
    const id = /\/Patient\/([^/]+)$/.exec(req.url ?? '')?.[1];
    req.resume();
    req.on('end', () => {
      if (id !== undefined) received.set(id, at);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const server = await startLocalServer(parseLocalConfig({ PORT: '0', HOST: '127.0.0.1', FHIR_AUTH_MODE: 'none', LOG_LEVEL: 'silent', FHIR_DATA_DIR: dataDir }));
  const committedAt = new Map<string, number>();
  const stop = server.app.changeFeed.subscribe((change) => committedAt.set(change.id, performance.now()));
  const post = (path: string, body: unknown): Promise<Response> => fetch(`${server.rootUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
  try {
    const created = (await (await post('/Subscription', { resourceType: 'Subscription', status: 'requested', reason: 'bench', criteria: 'Patient?family=Bench', channel: { type: 'rest-hook', endpoint: receiverUrl, payload: 'application/fhir+json' } })).json()) as { id: string };
    for (let i = 0; i < 200; i++) {
      const status = ((await (await fetch(`${server.rootUrl}/Subscription/${created.id}`)).json()) as { status?: string }).status;
      if (status === 'active') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const { id } = (await (await post('/Patient', { resourceType: 'Patient', name: [{ family: 'Bench' }] })).json()) as { id: string };
      const deadline = Date.now() + 5000;
      while (!received.has(id) && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
      const at = received.get(id);
      const committed = committedAt.get(id);
      if (at !== undefined && committed !== undefined) latencies.push(at - committed);
    }
    latencies.sort((a, b) => a - b);
    return [{ name: 'rest-hook delivery, commit to receiver (one at a time)', samples: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) }];
  } finally {
    stop();
    await server.close();
    receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
