// Hostile input (issue 16): fast-check drives resources generated from the R4 model and mutated,
// search query strings, GraphQL documents, Bundle shapes, JSON Patch and FHIRPath Patch, and
// headers through the real local server over HTTP. Every answer must be a 2xx, 3xx or a 4xx
// carrying an OperationOutcome (GraphQL: a JSON body with data or errors): never a 5xx, never a
// hang. The server stays up: a control read works after each family, and memory stays bounded.
// FUZZ_RUNS (default 5,000 in all) and FUZZ_SEED make the long mode (RELIABILITY.md).
import fc from 'fast-check';
import { startTestServer, type TestServer } from '../http/local-server';
import { bundles, graphqlDocuments, headerRequests, patches, resourceWrites, searches, type FuzzRequest } from './fuzz-inputs';

const TOTAL = Number(process.env['FUZZ_RUNS'] ?? 5000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 16);

/** Share of the runs per family (sums to 1). */
const families: [string, fc.Arbitrary<FuzzRequest>, number][] = [
  ['resources', resourceWrites, 0.3],
  ['searches', searches, 0.22],
  ['graphql', graphqlDocuments, 0.12],
  ['bundles', bundles, 0.12],
  ['patches', patches, 0.12],
  ['headers', headerRequests, 0.12],
];

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

async function send(server: TestServer, request: FuzzRequest): Promise<Answer> {
  const origin = server.base.replace(/\/fhir$/, '');
  const url = request.path.startsWith('//') ? `${origin}${request.path.slice(1)}` : `${server.base}/${request.path}`;
  const response = await fetch(url, {
    method: request.method,
    headers: { accept: 'application/fhir+json', ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** Why this answer breaks the contract, or undefined when it keeps it. */
function violation(request: FuzzRequest, answer: Answer): string | undefined {
  // 501 is the one 5xx a client can cause on purpose: an operation this server does not
  // implement (e.g. an unknown $operation), answered with a not-supported OperationOutcome.
  const notImplemented = answer.status === 501 && (request.method === 'HEAD' || /"code":"not-supported"/.test(answer.text));
  if (answer.status >= 500 && !notImplemented) return `status ${answer.status}`;
  if (request.method === 'HEAD' || answer.status === 204 || answer.status === 304) return undefined;
  let body: unknown;
  try {
    body = answer.text === '' ? undefined : JSON.parse(answer.text);
  } catch {
    // Binary reads answer in their own media type; everything else is JSON.
    return answer.contentType.includes('json') ? 'a JSON content type with a body that is not JSON' : undefined;
  }
  if (request.path.startsWith('//graphql')) {
    const shape = body as { data?: unknown; errors?: unknown } | undefined;
    return shape && ('data' in shape || 'errors' in shape) ? undefined : 'a GraphQL answer without data or errors';
  }
  if (answer.status >= 400) {
    const outcome = body as { resourceType?: unknown; issue?: unknown[] } | undefined;
    if (outcome?.resourceType !== 'OperationOutcome' || !Array.isArray(outcome.issue) || outcome.issue.length === 0) return 'a 4xx without an OperationOutcome';
  }
  return undefined;
}

describe('hostile input over HTTP', () => {
  let server: TestServer;
  let target: string;

  beforeAll(async () => {
    server = await startTestServer();
    const created = await server.request('/Patient/fuzz-target', { method: 'PUT', body: { resourceType: 'Patient', id: 'fuzz-target', name: [{ family: 'Control' }] } });
    expect(created.status).toBe(201);
    target = '/Patient/fuzz-target';
  });
  afterAll(() => server.stop());

  const rssAtStart = process.memoryUsage().rss;

  test.each(families)('%s: no 5xx, every 4xx an OperationOutcome, the server stays up', async (_name, arbitrary, share) => {
    const runs = Math.max(1, Math.round(TOTAL * share));
    const seen = { total: 0, byStatus: new Map<number, number>() };
    await fc.assert(
      fc.asyncProperty(arbitrary, async (request) => {
        const answer = await send(server, request);
        seen.total += 1;
        seen.byStatus.set(answer.status, (seen.byStatus.get(answer.status) ?? 0) + 1);
        const problem = violation(request, answer);
        if (problem !== undefined) throw new Error(`${problem}: ${request.method} ${request.path} -> ${answer.status} ${answer.text.slice(0, 500)}`);
      }),
      { numRuns: runs, seed: SEED, endOnFailure: true },
    );
    expect(seen.total).toBe(runs);
    // The control read still answers (the fuzz-target may have been patched or deleted: 200 or 410).
    const control = await server.request(target);
    expect([200, 410]).toContain(control.status);
    expect((await server.request('/metadata')).status).toBe(200);
  }, 600_000);

  test('memory stays bounded over the whole run', () => {
    // The server runs in this process: its heap growth over every case above stays small.
    const grown = process.memoryUsage().rss - rssAtStart;
    expect(grown).toBeLessThan(400 * 1024 * 1024);
  });
});
