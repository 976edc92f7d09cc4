// Subscriptions in the authorization fuzzer (issue 16): random callers hold GraphQL subscriptions
// (graphql-ws, `onResourceChange` with or without a type) and FHIR websocket channel bindings
// (`bind sub-ws`) open while the run's writes happen. Every event must be one the subscriber may
// read in its token's tenant; every change it may read must arrive (else an over-refusal); a
// binding succeeds only for a caller who may read the Subscription, and only bound sockets ping.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Checker, type Findings } from './authz-fuzz-check';
import { TENANT_TAG, type Json } from './authz-fuzz-data';
import type { FuzzServer } from './authz-fuzz-server';
import { gate, mayRead, type Caller } from './authz-oracle';

const QUERY = 'subscription ($type: String) { onResourceChange(resourceType: $type) { tenant action resourceType id versionId resource } }';

interface ChangeEvent {
  readonly tenant: string;
  readonly action: string;
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: string;
  readonly resource: string | null;
}

interface GraphqlSubscriber {
  readonly caller: Caller;
  readonly type: string | undefined;
  readonly events: ChangeEvent[];
  /** The model's log length when the subscription was listening: later changes must arrive. */
  readonly from: number;
  readonly refused: string | undefined;
  readonly client: Client;
}

interface Binding {
  readonly caller: Caller;
  readonly socket: WebSocket;
  /** The server's first answer to `bind sub-ws` (`bound sub-ws`, `error ...`, or how the socket closed). */
  answer: string;
  pings: number;
}

export interface Subscribers {
  readonly graphql: GraphqlSubscriber[];
  readonly bindings: Binding[];
}

/** Resolves when the server's ChangeFeed gets its next listener (a subscription is live). */
function nextListener(fuzz: FuzzServer): Promise<void> {
  const feed = fuzz.server.running.app.changeFeed;
  const subscribe = feed.subscribe.bind(feed);
  return new Promise((resolve) => {
    feed.subscribe = (listener) => {
      feed.subscribe = subscribe;
      resolve();
      return subscribe(listener);
    };
  });
}

async function openGraphql(fuzz: FuzzServer, caller: Caller, type: string | undefined): Promise<GraphqlSubscriber> {
  const authorization = fuzz.headersOf(caller)['authorization'];
  const client = createClient({
    url: `${fuzz.origin.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true,
    connectionParams: authorization === undefined ? {} : { authorization },
  });
  const events: ChangeEvent[] = [];
  const listening = nextListener(fuzz);
  const ended = (async (): Promise<string> => {
    try {
      for await (const result of client.iterate<{ onResourceChange: ChangeEvent }>({ query: QUERY, variables: type === undefined ? {} : { type } })) {
        if (result.errors !== undefined) return JSON.stringify(result.errors).slice(0, 200);
        if (result.data?.onResourceChange) events.push(result.data.onResourceChange);
      }
      return 'completed';
    } catch (error) {
      return error instanceof Error ? error.message : JSON.stringify(error).slice(0, 200);
    }
  })();
  const outcome = await Promise.race([listening.then(() => undefined), ended]);
  return { caller, type, events, from: fuzz.model.log.length, refused: outcome, client };
}

async function bind(fuzz: FuzzServer, caller: Caller): Promise<Binding> {
  const socket = new WebSocket(`${fuzz.origin.replace(/^http/, 'ws')}/fhir/websocket`, { headers: fuzz.headersOf(caller) });
  const binding: Binding = { caller, socket, answer: '', pings: 0 };
  binding.answer = await new Promise<string>((resolve) => {
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (text.startsWith('ping ')) binding.pings += 1;
      else resolve(text);
    });
    socket.once('close', (code: number) => resolve(`closed ${code}`));
    socket.once('error', () => resolve('socket error'));
    socket.once('open', () => socket.send('bind sub-ws'));
  });
  return binding;
}

/** Opens the subscriptions of the given callers (one GraphQL subscription and one binding each). */
export async function openSubscribers(fuzz: FuzzServer, pool: readonly Caller[], types: readonly (string | undefined)[]): Promise<Subscribers> {
  const graphql: GraphqlSubscriber[] = [];
  const bindings: Binding[] = [];
  for (const [i, caller] of pool.entries()) {
    graphql.push(await openGraphql(fuzz, caller, types[i % types.length]));
    bindings.push(await bind(fuzz, caller));
  }
  return { graphql, bindings };
}

/** Waits until no subscriber has received anything for `quietMs` (bounded by `maxMs`). */
export async function settle(subscribers: Subscribers, quietMs = 600, maxMs = 15_000): Promise<void> {
  const count = (): number => subscribers.graphql.reduce((n, s) => n + s.events.length, 0) + subscribers.bindings.reduce((n, b) => n + b.pings, 0);
  const deadline = Date.now() + maxMs;
  let last = -1;
  while (Date.now() < deadline) {
    const now = count();
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

export interface SubscriptionFigures {
  readonly subscribers: number;
  readonly live: number;
  readonly events: number;
  readonly bound: number;
  readonly pings: number;
}

/** Checks every event and binding against the oracle; closes everything. */
export async function checkSubscribers(fuzz: FuzzServer, subscribers: Subscribers, findings: Findings): Promise<SubscriptionFigures> {
  let events = 0;
  for (const s of subscribers.graphql) {
    const tenant = s.caller.tenant ?? '';
    const label = `subscription ${JSON.stringify(s.caller)} type ${s.type ?? '*'}`;
    const checker = new Checker(fuzz.model, s.caller, tenant, findings, label);
    const allowedToSubscribe = s.caller.token === 'valid' && s.caller.tenant !== undefined && (s.type === undefined || gate(s.caller, tenant, 'read', s.type) === undefined);
    if (s.refused === undefined && !allowedToSubscribe) checker.leak('a subscription the caller may not hold is live');
    if (s.refused !== undefined && allowedToSubscribe) checker.overRefusal(`refused: ${s.refused}`);
    for (const e of s.events) {
      events += 1;
      const content = e.resource === null ? undefined : (JSON.parse(e.resource) as Json);
      const tag = ((content?.['meta'] as { tag?: { system?: string; code?: string }[] } | undefined)?.tag ?? []).find((t) => t.system === TENANT_TAG)?.code;
      if (e.tenant !== tenant) checker.leak(`event of tenant ${e.tenant}: ${e.resourceType}/${e.id}`);
      checker.occurrences([{ type: e.resourceType, id: e.id, versionId: e.versionId, tenantTag: tag ?? e.tenant, tombstone: e.action === 'delete' }]);
    }
    if (s.refused === undefined) {
      const received = new Set(s.events.map((e) => `${e.resourceType}/${e.id}/${e.versionId}`));
      for (const change of fuzz.model.log.slice(s.from)) {
        if (change.tenant !== tenant || (s.type !== undefined && change.type !== s.type)) continue;
        if (mayRead(s.caller, tenant, change.type, change.content) && !received.has(`${change.type}/${change.id}/${change.versionId}`)) {
          checker.overRefusal(`no event for ${change.type}/${change.id}/_history/${change.versionId}`);
        }
      }
    }
    await s.client.dispose();
  }
  let bound = 0;
  let pings = 0;
  for (const b of subscribers.bindings) {
    const tenant = b.caller.tenant ?? '';
    const checker = new Checker(fuzz.model, b.caller, tenant, findings, `websocket bind ${JSON.stringify(b.caller)}`);
    const subscription = fuzz.model.version(tenant, 'Subscription', 'sub-ws', undefined)?.content;
    const allowed = subscription !== undefined && mayRead(b.caller, tenant, 'Subscription', subscription);
    const isBound = b.answer === 'bound sub-ws';
    if (isBound) bound += 1;
    pings += b.pings;
    if (isBound && !allowed) checker.leak('bound a Subscription the caller may not read');
    if (!isBound && allowed) checker.overRefusal(`bind answered "${b.answer}"`);
    if (!isBound && b.pings > 0) checker.leak(`${b.pings} pings on a socket that is not bound`);
    const observationChanges = fuzz.model.log.filter((c) => c.tenant === tenant && c.type === 'Observation' && c.content !== undefined).length;
    if (isBound && b.pings > observationChanges) checker.leak(`${b.pings} pings for ${observationChanges} Observation changes in the tenant`);
    b.socket.close();
  }
  return { subscribers: subscribers.graphql.length, live: subscribers.graphql.filter((s) => s.refused === undefined).length, events, bound, pings };
}
