// One server of the authorization fuzzer (issue 16): the real local server, multi-tenant, in one
// auth mode, with its GraphQL and FHIR WebSockets attached, loaded over HTTP with the fixed data
// set by an administrator of each tenant; it records every acknowledged version in the model.
import { attachFhirWebSocket, type FhirWebSocket } from '../../local/fhir-websocket';
import { attachGraphqlWebSocket, type GraphqlWebSocket } from '../../resolvers/subscriptions/websocket';
import { startTestServer, type FhirResponseView, type TestServer } from '../http/local-server';
import { FAST_RETRIES } from '../subscriptions/support';
import { DataModel, initialChanges, initialResources, tagged, TENANTS, type Json } from './authz-fuzz-data';
import type { Caller, Mode } from './authz-oracle';
import type { Write } from './authz-fuzz-inputs';

export interface FuzzServer {
  readonly mode: Mode;
  readonly server: TestServer;
  readonly model: DataModel;
  readonly origin: string;
  /** The Authorization header of a caller ({} for no token). */
  headersOf(caller: Caller): Record<string, string>;
  /** Makes a change as the tenant's administrator and records it in the model. */
  write(tenant: string, write: Write): Promise<void>;
  stop(): Promise<void>;
}

function versionOf(res: FhirResponseView): string {
  const etag = res.headers.get('etag') ?? '';
  const version = /W\/"([^"]+)"/.exec(etag)?.[1] ?? (res.json['meta'] as { versionId?: string } | undefined)?.versionId;
  if (version === undefined) throw new Error(`no version in the answer: ${res.status} ${res.text.slice(0, 300)}`);
  return version;
}

export async function startFuzzServer(mode: Mode): Promise<FuzzServer> {
  const server = await startTestServer({ ...FAST_RETRIES, FHIR_AUTH_MODE: mode === 'groups' ? 'cognito' : 'smart', FHIR_MULTI_TENANCY: 'true' });
  const app = server.running.app;
  const graphqlSockets: GraphqlWebSocket = attachGraphqlWebSocket(server.running.server, () => app, { keepAliveMs: 1000 });
  const fhirSockets: FhirWebSocket = attachFhirWebSocket(server.running.server, () => app);
  const issuer = app.devIssuer;
  if (issuer === undefined) throw new Error('the local server has no dev issuer');
  const model = new DataModel();
  const tokens = new Map<string, string>();

  const mint = (caller: Caller): string => {
    const claims = {
      subject: `fuzz-${caller.groups.join('-') || 'caller'}`,
      ...(caller.tenant !== undefined ? { tenant: caller.tenant } : {}),
      ...(mode === 'groups' ? { groups: caller.groups } : { scopes: caller.scopes }),
      ...(caller.patient !== undefined ? { patient: caller.patient } : {}),
      ...(caller.fhirUser !== undefined ? { fhirUser: caller.fhirUser } : {}),
    };
    switch (caller.token) {
      case 'valid': return issuer.mint(claims);
      case 'expired': return issuer.mint({ ...claims, expiresInSeconds: -120 });
      case 'garbage': return 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.';
      case 'tampered': {
        // A real signature over other claims, with the payload raised to full access.
        const [head, , signature] = issuer.mint(claims).split('.');
        const raised = { ...claims, 'cognito:groups': ['practitioner'], scope: 'system/*.*', 'custom:tenantId': caller.tenant };
        return `${head}.${Buffer.from(JSON.stringify(raised)).toString('base64url')}.${signature}`;
      }
      case 'none': return '';
    }
  };
  const headersOf = (caller: Caller): Record<string, string> => {
    if (caller.token === 'none') return {};
    const key = JSON.stringify(caller);
    let token = tokens.get(key);
    if (token === undefined) {
      token = mint(caller);
      tokens.set(key, token);
    }
    return { authorization: `Bearer ${token}` };
  };
  const admin = (tenant: string): Record<string, string> =>
    headersOf({ mode, token: 'valid', tenant, groups: ['practitioner'], scopes: ['system/*.*'] });

  const put = async (tenant: string, resource: Json): Promise<void> => {
    const type = String(resource['resourceType']);
    const id = String(resource['id']);
    const body = tagged(resource, tenant);
    const res = await server.request(`/tenant/${tenant}/${type}/${id}`, { method: 'PUT', body, headers: admin(tenant) });
    if (res.status !== 200 && res.status !== 201) throw new Error(`PUT ${type}/${id} in ${tenant}: ${res.status} ${res.text.slice(0, 400)}`);
    model.record(tenant, type, id, versionOf(res), body);
  };
  const remove = async (tenant: string, type: string, id: string): Promise<void> => {
    const res = await server.request(`/tenant/${tenant}/${type}/${id}`, { method: 'DELETE', headers: admin(tenant) });
    if (res.status !== 200 && res.status !== 204) throw new Error(`DELETE ${type}/${id} in ${tenant}: ${res.status} ${res.text.slice(0, 400)}`);
    model.record(tenant, type, id, versionOf(res), undefined);
  };

  for (const tenant of TENANTS) {
    for (const resource of initialResources()) await put(tenant, resource);
    for (const change of initialChanges()) {
      if (change.method === 'PUT') await put(tenant, change.resource);
      else await remove(tenant, change.type, change.id);
    }
  }

  const created = new Map<string, string[]>(TENANTS.map((t) => [t, []]));
  let sequence = 0;
  const observation = (id: string, subject: string, performer?: string): Json => ({
    resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'http://example.org/fuzz', code: 'heart-rate' }] },
    subject: { reference: `Patient/${subject}` }, ...(performer !== undefined ? { performer: [{ reference: `Patient/${performer}` }] } : {}),
  });
  const write = async (tenant: string, change: Write): Promise<void> => {
    const ids = created.get(tenant) ?? [];
    const live = ids.filter((id) => model.version(tenant, 'Observation', id, undefined)?.content !== undefined);
    switch (change.kind) {
      case 'create': {
        sequence += 1;
        const id = `obs-w${sequence}`;
        ids.push(id);
        return put(tenant, observation(id, change.subject, change.performer));
      }
      case 'move': {
        const id = live[change.pick % Math.max(1, live.length)];
        return id === undefined ? undefined : put(tenant, observation(id, change.subject));
      }
      case 'delete': {
        const id = live[change.pick % Math.max(1, live.length)];
        return id === undefined ? undefined : remove(tenant, 'Observation', id);
      }
      case 'touch-patient': {
        const current = model.version(tenant, 'Patient', change.patient, undefined)?.content ?? {};
        const { meta: _meta, ...rest } = current;
        return put(tenant, { ...rest, active: current['active'] !== true });
      }
    }
  };

  return {
    mode,
    server,
    model,
    origin: server.base.replace(/\/fhir$/, ''),
    headersOf,
    write,
    stop: async () => {
      await graphqlSockets.close();
      await fhirSockets.close();
      await server.stop();
    },
  };
}
