// Overload on the real local server (issue 16, "Overload"): beyond its capacity the server sheds
// writes with 503 and Retry-After instead of queueing without bound, and what it refused left
// nothing behind; reads keep their own capacity and probes are never queued.
import type { ExtraRoute } from '../../local/http-server';
import { startTestServer, type TestServer } from '../http/local-server';

/**
 * A route mounted beside the FHIR API that holds a write slot until the test lets go: the only
 * deterministic way to keep the server at capacity on a machine whose speed varies.
 */
class Holder {
  private readonly entered: (() => void)[] = [];
  private readonly waiting: (() => void)[] = [];
  private inside = 0;
  readonly route: ExtraRoute = async (req, url) => {
    if (req.method !== 'POST' || url.pathname !== '/test/hold') return undefined;
    this.inside += 1;
    for (const resolve of this.entered.splice(0)) resolve();
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return { status: 204, headers: {}, body: '' };
  };
  /** Resolves once `count` held requests are inside the route (hence admitted). */
  async holding(count: number): Promise<void> {
    while (this.inside < count) await new Promise<void>((resolve) => this.entered.push(resolve));
  }
  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly json: { resourceType?: string; issue?: { code: string; diagnostics?: string }[] };
}

const ENTRIES = 150;

function transaction(tag: string, round: number): unknown {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: Array.from({ length: ENTRIES }, (_, i) => ({
      fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(round * 1000 + i).padStart(12, '0')}`,
      resource: { resourceType: 'Patient', identifier: [{ system: 'urn:test:overload', value: tag }], name: [{ family: `Load${round}`, given: [String(i)] }] },
      request: { method: 'POST', url: 'Patient' },
    })),
  };
}

async function send(server: TestServer, path: string, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  const response = await server.request(path, init);
  return { status: response.status, retryAfter: response.headers.get('retry-after'), json: response.json as Answer['json'] };
}

async function countTagged(server: TestServer, tag: string): Promise<number> {
  const response = await server.request(`/Patient?identifier=urn:test:overload|${tag}&_summary=count`);
  return Number((response.json as { total?: number }).total);
}

describe('a bounded write queue', () => {
  const holder = new Holder();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FHIR_MAX_CONCURRENT_WRITES: '2', FHIR_MAX_QUEUED_WRITES: '1', FHIR_MAX_CONCURRENT_READS: '8' }, { inMemory: true }, () => [holder.route]);
  });
  afterAll(() => server.stop());

  it('at capacity, a burst gets 503 + Retry-After at once beyond the queue; the queued one runs whole later; reads and probes are served meanwhile', async () => {
    const root = server.base.replace(/\/fhir$/, '');
    const held = [fetch(`${root}/test/hold`, { method: 'POST' }), fetch(`${root}/test/hold`, { method: 'POST' })];
    await holder.holding(2);
    // Both write slots are taken: of five transactions, one waits in the queue and four are shed.
    const writes = Array.from({ length: 5 }, (_, round) => send(server, '', { method: 'POST', body: transaction('burst', round) }));
    const settled: Answer[] = [];
    for (const write of writes) void write.then((answer) => settled.push(answer));
    for (let waited = 0; settled.length < 4 && waited < 30_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toHaveLength(4);
    for (const answer of settled) {
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBe('1');
      expect(answer.json.resourceType).toBe('OperationOutcome');
      expect(answer.json.issue?.[0]?.code).toBe('transient');
      expect(answer.json.issue?.[0]?.diagnostics).toMatch(/at capacity for writes and its queue is full/);
    }
    // Reads have their own capacity, and probes are never queued.
    for (const read of await Promise.all(Array.from({ length: 10 }, () => send(server, '/metadata?_summary=true')))) expect(read.status).toBe(200);
    expect((await fetch(`${root}/healthz`)).status).toBe(200);
    // Nothing of what was shed was written.
    expect(await countTagged(server, 'burst')).toBe(0);

    holder.release();
    expect((await Promise.all(held)).map((response) => response.status)).toEqual([204, 204]);
    const answers = await Promise.all(writes);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    // The queued transaction ran, whole.
    expect(await countTagged(server, 'burst')).toBe(ENTRIES);
  });
});

describe('a bounded wait', () => {
  const holder = new Holder();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FHIR_MAX_CONCURRENT_WRITES: '1', FHIR_MAX_QUEUED_WRITES: '100', FHIR_QUEUE_TIMEOUT_MS: '50' }, { inMemory: true }, () => [holder.route]);
  });
  afterAll(() => server.stop());

  it('refuses a write that waited longer than FHIR_QUEUE_TIMEOUT_MS, and stores none of it', async () => {
    const root = server.base.replace(/\/fhir$/, '');
    const held = fetch(`${root}/test/hold`, { method: 'POST' });
    await holder.holding(1);
    const answers = await Promise.all(Array.from({ length: 3 }, (_, round) => send(server, '', { method: 'POST', body: transaction('wait', round) })));
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBe('1');
      expect(answer.json.issue?.[0]?.diagnostics).toMatch(/waited too long for capacity \(FHIR_QUEUE_TIMEOUT_MS\)/);
    }
    holder.release();
    expect((await held).status).toBe(204);
    expect(await countTagged(server, 'wait')).toBe(0);
    // With the slot free, the same write goes through.
    expect((await send(server, '', { method: 'POST', body: transaction('wait', 9) })).status).toBe(200);
    expect(await countTagged(server, 'wait')).toBe(ENTRIES);
  });
});
