// The HTTP authorization matrix of issue 5 ("Proof"): real tokens from the dev issuer against a
// freshly started home, mode x group or scope x interaction x a sample of types, asserting
// 200/201, 401 or 403, and that history bundles carry nothing the caller may not read.
// Search and GraphQL reads are in the matrix too (issue 5: every front door). It runs against
// the local home in `npm test` and the AWS home in `npm run test:aws` (issue 9, "Both homes").
import type { DevTokenInput } from '../../adapters/auth/dev-issuer';
import { FINANCIAL_RESOURCE_TYPES } from '../../core/authz/financial-resource-types';
import { APPSYNC_GRAPHQL_LIMITATION } from '../../wiring/aws';
import { documentedLimits, homeUnderTest, startHome, type RunningHome } from '../http/homes';
import type { FhirResponseView } from '../http/local-server';

type TestServer = RunningHome;
/** What the matrix needs of the dev issuer: tokens, from the home's data directory. */
interface Issuer {
  mint(input: DevTokenInput): string;
}
const home = homeUnderTest();
const START_MS = 120_000;

type Body = Record<string, unknown>;

const bodies: Record<string, (patient: string) => Body> = {
  Patient: () => ({ resourceType: 'Patient', name: [{ family: 'Matrix' }] }),
  Observation: (patient) => ({ resourceType: 'Observation', status: 'final', code: { text: 'heart rate' }, subject: { reference: `Patient/${patient}` } }),
  Claim: (patient) => ({
    resourceType: 'Claim', status: 'active', use: 'claim', created: '2024-01-01',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
    patient: { reference: `Patient/${patient}` }, provider: { reference: 'Organization/o1' }, priority: { coding: [{ code: 'normal' }] },
    insurance: [{ sequence: 1, focal: true, coverage: { reference: 'Coverage/c1' } }],
  }),
};
const TYPES = Object.keys(bodies);

type Op = 'read' | 'vread' | 'history-instance' | 'history-type' | 'search-type' | 'graphql-read' | 'create' | 'update' | 'patch' | 'delete';
const OPS: readonly Op[] = ['read', 'vread', 'history-instance', 'history-type', 'search-type', 'graphql-read', 'create', 'update', 'patch', 'delete'];
const SUCCESS: Record<Op, number> = { read: 200, vread: 200, 'history-instance': 200, 'history-type': 200, 'search-type': 200, 'graphql-read': 200, create: 201, update: 200, patch: 200, delete: 200 };

async function call(server: TestServer, token: string | undefined, op: Op, type: string, id: string, patient: string): Promise<FhirResponseView> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const body = bodies[type]?.(patient) ?? {};
  switch (op) {
    case 'read': return server.request(`/${type}/${id}`, { headers });
    case 'vread': return server.request(`/${type}/${id}/_history/1`, { headers });
    case 'history-instance': return server.request(`/${type}/${id}/_history`, { headers });
    case 'history-type': return server.request(`/${type}/_history`, { headers });
    case 'search-type': return server.request(`/${type}?_id=${id}`, { headers });
    case 'graphql-read': return graphqlStatus(server, headers, `{ ${type}(id: "${id}") { id } }`);
    case 'create': return server.request(`/${type}`, { method: 'POST', body, headers });
    case 'update': return server.request(`/${type}/${id}`, { method: 'PUT', body: { ...body, id }, headers });
    case 'patch':
      return server.request(`/${type}/${id}`, {
        method: 'PATCH', headers: { ...headers, 'content-type': 'application/json-patch+json' },
        rawBody: JSON.stringify([{ op: 'add', path: '/language', value: 'en' }]),
      });
    case 'delete': return server.request(`/${type}/${id}`, { method: 'DELETE', headers });
  }
}

/**
 * A GraphQL read as an HTTP-like status: 200 with the resource, else the status that the
 * OperationOutcome in the error's extensions carries (resolvers/errors.ts); on AppSync the same
 * details travel in the error's errorInfo (the Lambda error's info).
 */
async function graphqlStatus(server: TestServer, headers: Record<string, string>, query: string): Promise<FhirResponseView> {
  const res = await server.request(server.graphqlUrl, { method: 'POST', rawBody: JSON.stringify({ query }), headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' } });
  type Details = { status?: number; operationOutcome?: { resourceType?: string } };
  const error = (res.json['errors'] as { extensions?: Details; errorInfo?: Details | null; errorType?: string }[] | undefined)?.[0];
  const details = error?.extensions ?? error?.errorInfo ?? undefined;
  const status = res.status !== 200 ? res.status : details?.status ?? (res.json['data'] ? 200 : 500);
  // The OperationOutcome of a failure travels in the error's details; a success is GraphQL data.
  const resourceType = status === 200 ? 'GraphQL data' : details?.operationOutcome?.resourceType ?? error?.errorType;
  return { ...res, status, json: { resourceType } };
}

async function seed(server: TestServer, token: string, type: string, patient: string): Promise<string> {
  const res = await server.request(`/${type}`, { method: 'POST', body: bodies[type]?.(patient), headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 201) throw new Error(`seeding ${type} failed: ${res.status} ${res.text}`);
  return String(res.json['id']);
}

function entryTypes(res: FhirResponseView): string[] {
  const entries = (res.json['entry'] as { resource?: { resourceType: string } }[] | undefined) ?? [];
  return entries.flatMap((e) => (e.resource ? [e.resource.resourceType] : []));
}

describe('Cognito-group mode', () => {
  let server: TestServer;
  let issuer: Issuer;
  let admin: string;
  let patientId: string;

  beforeAll(async () => {
    server = await startHome(home, { FHIR_AUTH_MODE: 'cognito' });
    issuer = { mint: (input) => server.token(input) };
    admin = issuer.mint({ groups: ['practitioner'] });
    patientId = await seed(server, admin, 'Patient', 'unused');
  }, START_MS);
  afterAll(async () => {
    await server?.stop();
  }, 30_000);

  function expectedStatus(group: string, op: Op, type: string): number {
    const allowed =
      group === 'practitioner' ||
      (group === 'non-practitioner' && FINANCIAL_RESOURCE_TYPES.includes(type) && ['read', 'vread', 'history-instance', 'history-type', 'search-type', 'graphql-read'].includes(op)) ||
      (group === 'auditor' && type === 'Patient' && ['read', 'vread', 'search-type', 'graphql-read'].includes(op));
    return allowed ? SUCCESS[op] : 403;
  }

  const cases = ['practitioner', 'non-practitioner', 'auditor', 'no-group'].flatMap((group) =>
    OPS.flatMap((op) => TYPES.map((type) => [group, op, type] as const)),
  );

  test.each(cases)('%s: %s on %s', async (group, op, type) => {
    const id = await seed(server, admin, type, patientId);
    const token = issuer.mint(group === 'no-group' ? { subject: 'nobody' } : { groups: [group] });
    const res = await call(server, token, op, type, id, patientId);
    expect([res.status, res.json['resourceType']]).toEqual([expectedStatus(group, op, type), res.status === 403 ? 'OperationOutcome' : expect.anything()]);
  });

  test.each(OPS.map((op) => [op] as const))('no token: %s is 401 with a Bearer challenge', async (op) => {
    const res = await call(server, undefined, op, 'Patient', patientId, patientId);
    expect(res.status).toBe(401);
    if (home === 'aws' && op === 'graphql-read') {
      // AppSync answers before the Lambda runs: the AWS limit the CapabilityStatement states.
      expect(await documentedLimits(server)).toContain(APPSYNC_GRAPHQL_LIMITATION);
      expect([res.headers.get('www-authenticate'), res.json['resourceType']]).toEqual([null, 'UnauthorizedException']);
      return;
    }
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="fhir"');
    expect(res.json['resourceType']).toBe('OperationOutcome');
  });

  test.each([
    ['expired', (): string => issuer.mint({ groups: ['practitioner'], expiresInSeconds: -10 })],
    ['tampered', (): string => { const [h, , s] = issuer.mint({ groups: ['auditor'] }).split('.'); return `${h}.${Buffer.from(JSON.stringify({ sub: 'x', 'cognito:groups': ['practitioner'] })).toString('base64url')}.${s}`; }],
    ['garbage', (): string => 'not-a-token'],
  ])('a %s token is 401 invalid_token', async (_label, token) => {
    const res = await call(server, token(), 'read', 'Patient', patientId, patientId);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="fhir", error="invalid_token"/);
  });

  test('system history shows a non-practitioner only financial resources', async () => {
    await seed(server, admin, 'Claim', patientId);
    await seed(server, admin, 'Observation', patientId);
    const res = await server.request('/_history?_count=1000', { headers: { authorization: `Bearer ${issuer.mint({ groups: ['non-practitioner'] })}` } });
    expect(res.status).toBe(200);
    const types = entryTypes(res);
    expect(types).toContain('Claim');
    expect(types.filter((t) => !FINANCIAL_RESOURCE_TYPES.includes(t))).toEqual([]);
  });

  test('system search shows a non-practitioner only financial resources, totals included', async () => {
    await seed(server, admin, 'Claim', patientId);
    await seed(server, admin, 'Observation', patientId);
    const res = await server.request('/?_type=Claim,Observation,Patient&_count=1000', { headers: { authorization: `Bearer ${issuer.mint({ groups: ['non-practitioner'] })}` } });
    if (res.status === 200) {
      const types = entryTypes(res);
      expect(types).toContain('Claim');
      expect(types.filter((t) => !FINANCIAL_RESOURCE_TYPES.includes(t))).toEqual([]);
      if (typeof res.json['total'] === 'number') expect(res.json['total']).toBe(types.length);
    } else {
      expect(res.status).toBe(403);
    }
  });

  test('_include never brings a forbidden type into a non-practitioner search', async () => {
    await seed(server, admin, 'Claim', patientId);
    const res = await server.request('/Claim?_include=Claim:patient&_count=1000', { headers: { authorization: `Bearer ${issuer.mint({ groups: ['non-practitioner'] })}` } });
    expect(res.status).toBe(200);
    expect(entryTypes(res)).toContain('Claim');
    expect(entryTypes(res)).not.toContain('Patient');
  });

  test('a chained search cannot probe a forbidden type', async () => {
    const res = await server.request('/Claim?patient:Patient.name=Matrix', { headers: { authorization: `Bearer ${issuer.mint({ groups: ['non-practitioner'] })}` } });
    expect(res.status).toBe(403);
  });

  test('GraphQL Reference.resource never resolves a forbidden type', async () => {
    const claim = await seed(server, admin, 'Claim', patientId);
    const res = await graphqlStatus(server, { authorization: `Bearer ${issuer.mint({ groups: ['non-practitioner'] })}` }, `{ Claim(id: "${claim}") { id patient { reference resource { ... on Patient { id name { family } } } } } }`);
    expect(JSON.stringify(res.json)).not.toContain('Matrix');
  });

  test('a transaction with one forbidden entry fails whole and writes nothing', async () => {
    const token = issuer.mint({ groups: ['non-practitioner'] });
    const before = await server.request('/Claim?_summary=count', { headers: { authorization: `Bearer ${admin}` } });
    const res = await server.request('/', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: bodies['Claim']?.(patientId), request: { method: 'POST', url: 'Claim' } },
          { resource: bodies['Patient']?.(patientId), request: { method: 'POST', url: 'Patient' } },
        ],
      },
    });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.json)).toContain('Bundle.entry[');
    const after = await server.request('/Claim?_summary=count', { headers: { authorization: `Bearer ${admin}` } });
    expect(after.json['total']).toBe(before.json['total']);
  });

  test('a batch answers a forbidden entry 403 and runs the others', async () => {
    const token = issuer.mint({ groups: ['auditor'] });
    const res = await server.request('/', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: `Patient/${patientId}` } }, { resource: bodies['Patient']?.(patientId), request: { method: 'POST', url: 'Patient' } }] },
    });
    expect(res.status).toBe(200);
    const statuses = (res.json['entry'] as { response: { status: string } }[]).map((e) => e.response.status);
    expect(statuses).toEqual(['200', '403']);
  });

  test('a GraphQL mutation is refused to a group that may not create', async () => {
    const res = await graphqlStatus(server, { authorization: `Bearer ${issuer.mint({ groups: ['auditor'] })}` }, `mutation { PatientCreate(res: ${JSON.stringify(JSON.stringify({ resourceType: 'Patient' }))}) { id } }`);
    expect(res.status).toBe(403);
  });

  test('system history is forbidden to an auditor, who has no type history', async () => {
    const res = await server.request('/_history', { headers: { authorization: `Bearer ${issuer.mint({ groups: ['auditor'] })}` } });
    expect(res.status).toBe(403);
  });
});

describe('SMART mode', () => {
  let server: TestServer;
  let issuer: Issuer;
  let admin: string;
  let mine: string;
  let theirs: string;

  beforeAll(async () => {
    server = await startHome(home, { FHIR_AUTH_MODE: 'smart' });
    issuer = { mint: (input) => server.token(input) };
    admin = issuer.mint({ scopes: ['system/*.cruds'] });
    mine = await seed(server, admin, 'Patient', 'unused');
    theirs = await seed(server, admin, 'Patient', 'unused');
  }, START_MS);
  afterAll(async () => {
    await server?.stop();
  }, 30_000);

  const patientApp = (scopes: string): string => issuer.mint({ scopes: ['launch/patient', ...scopes.split(' ')], patient: mine });

  test('a patient/ scope reads the launch patient observation', async () => {
    const id = await seed(server, admin, 'Observation', mine);
    expect((await call(server, patientApp('patient/Observation.rs'), 'read', 'Observation', id, mine)).status).toBe(200);
  });

  test('a patient/ scope cannot read another patient observation', async () => {
    const id = await seed(server, admin, 'Observation', theirs);
    expect((await call(server, patientApp('patient/Observation.rs'), 'read', 'Observation', id, mine)).status).toBe(403);
  });

  test('a patient/ scope on Observation does not read Patient', async () => {
    expect((await call(server, patientApp('patient/Observation.rs'), 'read', 'Patient', mine, mine)).status).toBe(403);
  });

  test('a patient/ create scope writes into the launch patient compartment only', async () => {
    const token = patientApp('patient/Observation.c');
    expect((await call(server, token, 'create', 'Observation', '', mine)).status).toBe(201);
    expect((await call(server, token, 'create', 'Observation', '', theirs)).status).toBe(403);
  });

  test('a patient/ update scope cannot move an observation out of the compartment', async () => {
    const id = await seed(server, admin, 'Observation', mine);
    const res = await call(server, patientApp('patient/Observation.ru'), 'update', 'Observation', id, theirs);
    expect(res.status).toBe(403);
  });

  test('type history shows a patient app only its own patient observations', async () => {
    await seed(server, admin, 'Observation', mine);
    await seed(server, admin, 'Observation', theirs);
    const res = await call(server, patientApp('patient/Observation.rs'), 'history-type', 'Observation', '', mine);
    expect(res.status).toBe(200);
    const subjects = ((res.json['entry'] as { resource?: { subject?: { reference?: string } } }[] | undefined) ?? []).map((e) => e.resource?.subject?.reference);
    expect(subjects.length).toBeGreaterThan(0);
    expect(subjects.filter((s) => s !== `Patient/${mine}`)).toEqual([]);
  });

  test('system/*.write writes but does not read', async () => {
    const token = issuer.mint({ scopes: ['system/*.write'] });
    expect((await call(server, token, 'create', 'Patient', '', mine)).status).toBe(201);
    expect((await call(server, token, 'read', 'Patient', mine, mine)).status).toBe(403);
  });

  test('user/*.* without fhirUser gets nothing', async () => {
    expect((await call(server, issuer.mint({ scopes: ['user/*.*'] }), 'read', 'Patient', mine, mine)).status).toBe(403);
  });

  test('user/*.* with a Practitioner fhirUser reads any patient', async () => {
    const token = issuer.mint({ scopes: ['user/*.*'], fhirUser: 'Practitioner/9' });
    expect((await call(server, token, 'read', 'Patient', theirs, mine)).status).toBe(200);
  });

  test('a Cognito ID token is 401 in SMART mode', async () => {
    const res = await call(server, issuer.mint({ groups: ['practitioner'] }), 'read', 'Patient', mine, mine);
    expect(res.status).toBe(401);
  });
});

describe('multi-tenancy', () => {
  let server: TestServer;
  let issuer: Issuer;

  beforeAll(async () => {
    server = await startHome(home, { FHIR_AUTH_MODE: 'cognito', FHIR_MULTI_TENANCY: 'true' });
    issuer = { mint: (input) => server.token(input) };
  }, START_MS);
  afterAll(async () => {
    await server?.stop();
  }, 30_000);

  const create = (tenant: string, token: string): Promise<FhirResponseView> =>
    server.request(`/tenant/${tenant}/Patient`, { method: 'POST', body: bodies.Patient?.(''), headers: { authorization: `Bearer ${token}` } });

  test('a token may act in its own tenant', async () => {
    expect((await create('t1', issuer.mint({ groups: ['practitioner'], tenant: 't1' }))).status).toBe(201);
  });

  test('a token of another tenant is 403', async () => {
    expect((await create('t2', issuer.mint({ groups: ['practitioner'], tenant: 't1' }))).status).toBe(403);
  });

  test('a token without a tenant is 403', async () => {
    expect((await create('t1', issuer.mint({ groups: ['practitioner'] }))).status).toBe(403);
  });

  test('a resource of one tenant is not found from another', async () => {
    const created = await create('t1', issuer.mint({ groups: ['practitioner'], tenant: 't1' }));
    const res = await server.request(`/tenant/t2/Patient/${String(created.json['id'])}`, { headers: { authorization: `Bearer ${issuer.mint({ groups: ['practitioner'], tenant: 't2' })}` } });
    expect(res.status).toBe(404);
  });
});
