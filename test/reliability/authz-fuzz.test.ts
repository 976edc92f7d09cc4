// Authorization fuzzing (issue 16, "Hostile input"): random callers (Cognito groups, SMART
// scopes with or without a launch patient and fhirUser, right, wrong or no tenant, expired,
// tampered or garbage tokens) against a fixed data set on the real local server, over HTTP, in
// both auth modes, across REST read/vread, search with _include/_revinclude, chains and _has,
// compartment search, history at every level, $everything and GraphQL with nested and reverse
// references, while an administrator keeps changing data. An independent oracle
// (authz-oracle.ts) decides what each caller may see: every resource in every answer must be
// allowed (zero leaks); allowed reads that are refused are counted apart (over-refusals).
// AUTHZ_FUZZ_RUNS (steps per mode, default 2,500) and AUTHZ_FUZZ_SEED make the long mode.
import fc from 'fast-check';
import { OTHER_TENANT, TENANTS, type Json } from './authz-fuzz-data';
import { Checker, decidable, graphqlOccurrences, restOccurrences, type Findings } from './authz-fuzz-check';
import { callers, pathOf, steps, TYPES, type Probe, type Step } from './authz-fuzz-inputs';
import { gate, type Caller, type Mode } from './authz-oracle';
import { startFuzzServer, type FuzzServer } from './authz-fuzz-server';
import { checkSubscribers, openSubscribers, settle } from './authz-fuzz-subscriptions';

const RUNS = Number(process.env['AUTHZ_FUZZ_RUNS'] ?? 2500);
const SEED = Number(process.env['AUTHZ_FUZZ_SEED'] ?? 16);
const CALLERS = 80;
/** Callers of the pool that also hold a GraphQL subscription and a websocket binding during the run. */
const SUBSCRIBERS = 40;
const SUBSCRIBED_TYPES = [undefined, 'Observation', 'Patient', 'Claim'];

interface Answer {
  readonly status: number;
  readonly body: Json;
}

/** The URL of the `next` page of an administrator's answer in `from`, moved to `tenant`'s base. */
async function foreignPage(fuzz: FuzzServer, probe: Probe & { kind: 'foreign-page' }, tenant: string): Promise<string> {
  const admin = fuzz.headersOf({ mode: fuzz.mode, token: 'valid', tenant: probe.from, groups: ['practitioner'], scopes: ['system/*.*'] });
  const first = await fuzz.server.request(`/tenant/${probe.from}/${probe.path}`, { headers: admin });
  const next = ((first.json['link'] ?? []) as { relation?: string; url?: string }[]).find((l) => l.relation === 'next')?.url;
  return (next ?? `${fuzz.server.base}/tenant/${probe.from}/${probe.path}`).replace(/\/tenant\/[^/?]+(?=[/?])/, `/tenant/${tenant}`);
}

async function send(fuzz: FuzzServer, caller: Caller, tenant: string, probe: Probe): Promise<Answer> {
  const base = `${fuzz.server.base}/tenant/${tenant}`;
  const url = probe.kind === 'foreign-page' ? await foreignPage(fuzz, probe, tenant) : probe.kind === 'batch' ? base : `${base}/${pathOf(probe)}`;
  const headers: Record<string, string> = { accept: 'application/fhir+json', ...fuzz.headersOf(caller) };
  const post = (contentType: string, body: unknown): RequestInit => ({ method: 'POST', headers: { ...headers, 'content-type': contentType }, body: JSON.stringify(body) });
  const init: RequestInit = probe.kind === 'graphql'
    ? post('application/json', { query: probe.query })
    : probe.kind === 'batch'
      ? post('application/fhir+json', { resourceType: 'Bundle', type: 'batch', entry: probe.entries.map((e) => ({ request: { method: 'GET', url: pathOf(e) } })) })
      : { method: 'GET', headers };
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  let body: Json = {};
  try {
    body = text === '' ? {} : (JSON.parse(text) as Json);
  } catch {
    body = { unparsable: text.slice(0, 200) };
  }
  return { status: response.status, body };
}

function check(fuzz: FuzzServer, caller: Caller, tenant: string, probe: Probe, answer: Answer, findings: Findings, label: string): void {
  const checker = new Checker(fuzz.model, caller, tenant, findings, label);
  if (answer.status >= 500) findings.leaks.push(`${label}: status ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  if (probe.kind === 'graphql') {
    checker.occurrences(graphqlOccurrences(answer.body['data']));
    if (probe.read !== undefined && gate(caller, tenant, 'read', probe.read.type) === undefined) {
      const data = answer.body['data'] as Json | null | undefined;
      checker.read(probe.read.type, probe.read.id, undefined, data?.[probe.read.type] ? 200 : 404);
    }
    if (probe.connection !== undefined) {
      const connection = (answer.body['data'] as Json | null | undefined)?.[`${probe.connection}Connection`] as Json | null | undefined;
      checker.searchTotal(probe.connection, undefined, connection?.['total']);
    }
    return;
  }
  checker.occurrences(restOccurrences(answer.body));
  switch (probe.kind) {
    case 'read': return checker.read(probe.type, probe.id, undefined, answer.status);
    case 'vread': return checker.read(probe.type, probe.id, probe.version, answer.status);
    case 'history':
      if (answer.status !== 200) {
        if (probe.type !== undefined && gate(caller, tenant, probe.id === undefined ? 'history-type' : 'history-instance', probe.type) === undefined) checker.overRefusal(`history answered ${answer.status}`);
        return;
      }
      if (probe.id !== undefined && probe.type !== undefined) return checker.historyInstance(probe.type, probe.id, answer.body);
      return checker.historyTotal(probe.type === undefined ? TYPES : [probe.type], answer.body);
    case 'search':
      if (!decidable(probe)) return;
      if (answer.status !== 200) {
        if (gate(caller, tenant, 'search-type', probe.type) === undefined && !probe.extra.some(([n]) => n.includes('revinclude'))) checker.overRefusal(`search answered ${answer.status}`);
        return;
      }
      return checker.searchComplete(probe.type, probe.simple, answer.body);
    case 'compartment':
      if (probe.type !== '*' && answer.status === 200) checker.searchComplete(probe.type, undefined, answer.body, probe.patient);
      return;
    default:
      return;
  }
}

/** The URL tenant of a step: mostly the caller's own, otherwise one of the loaded tenants. */
function urlTenant(caller: Caller, n: number): string {
  const own = caller.tenant;
  if (own !== undefined && n % 10 < 8) return own;
  return TENANTS[n % TENANTS.length] ?? OTHER_TENANT;
}

interface RunFigures {
  requests: number;
  writes: number;
  readonly byKind: Map<string, number>;
  readonly byStatus: Map<number, number>;
}

async function run(fuzz: FuzzServer, pool: readonly Caller[], plan: readonly Step[], findings: Findings): Promise<RunFigures> {
  const figures: RunFigures = { requests: 0, writes: 0, byKind: new Map(), byStatus: new Map() };
  for (const [index, step] of plan.entries()) {
    if (step.kind === 'write') {
      await fuzz.write(TENANTS[step.tenant % TENANTS.length] ?? 't1', step.write);
      figures.writes += 1;
      continue;
    }
    const caller = pool[step.caller % pool.length] as Caller;
    const tenant = urlTenant(caller, step.tenant);
    const answer = await send(fuzz, caller, tenant, step.probe);
    const label = `#${index} ${JSON.stringify(caller)} in ${tenant}: ${step.probe.kind} ${step.probe.kind === 'graphql' ? step.probe.query : pathOf(step.probe)} -> ${answer.status}`;
    check(fuzz, caller, tenant, step.probe, answer, findings, label);
    figures.requests += 1;
    figures.byKind.set(step.probe.kind, (figures.byKind.get(step.probe.kind) ?? 0) + 1);
    figures.byStatus.set(answer.status, (figures.byStatus.get(answer.status) ?? 0) + 1);
  }
  return figures;
}

describe.each<Mode>(['groups', 'smart'])('authorization fuzzing, %s mode', (mode) => {
  let fuzz: FuzzServer;

  beforeAll(async () => {
    fuzz = await startFuzzServer(mode);
  }, 120_000);
  afterAll(async () => {
    await fuzz.stop();
  });

  test('no answer carries a resource the caller may not see', async () => {
    const pool = fc.sample(callers(mode), { numRuns: CALLERS, seed: SEED });
    const plan = fc.sample(steps, { numRuns: RUNS, seed: SEED + (mode === 'smart' ? 1 : 0) });
    const findings: Findings = { leaks: [], overRefusals: [], otherStatus: [], checked: 0 };
    const started = Date.now();

    const subscribers = await openSubscribers(fuzz, pool.slice(0, SUBSCRIBERS), SUBSCRIBED_TYPES);
    const figures = await run(fuzz, pool, plan, findings);
    await settle(subscribers);
    const live = await checkSubscribers(fuzz, subscribers, findings);

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `authz fuzz (${mode}, seed ${SEED}): ${pool.length} callers, ${figures.requests} requests, ${figures.writes} writes in ${seconds}s; ` +
        `${findings.checked} resources in answers and events checked; ` +
        `${live.subscribers} GraphQL subscriptions (${live.live} live, ${live.events} events), ${live.bound} websocket bindings (${live.pings} pings); ` +
        `leaks ${findings.leaks.length}, over-refusals ${findings.overRefusals.length}, other refusal statuses ${findings.otherStatus.length}\n` +
        `by kind ${JSON.stringify([...figures.byKind])}\nby status ${JSON.stringify([...figures.byStatus])}\n` +
        `over-refusals (first 10):\n${findings.overRefusals.slice(0, 10).join('\n')}\nother statuses (first 5):\n${findings.otherStatus.slice(0, 5).join('\n')}`,
    );
    expect(findings.leaks.slice(0, 20)).toEqual([]);
    // Refusals of allowed reads fail too, except missing subscription events, which depend on
    // delivery timing on a loaded machine (reported above, not failed on).
    expect(findings.overRefusals.filter((refusal) => !refusal.startsWith('subscription ')).slice(0, 20)).toEqual([]);
  }, 600_000);
});
