// AppSync subscription authorization, end to end without a deployed AppSync (issue 10, defect
// 1). The stack is synthesized with its real Lambda bundles; changes are committed to DynamoDB
// on moto and read back from its stream; the bundled stream processor publishes them (SigV4,
// as to AppSync) to a local endpoint that runs the stack's publish resolver; each subscriber's
// subscribe-time event is built by the synthesized onResourceChange resolver code, answered by
// the bundled GraphQL Lambda, and its filter applied by the same resolver code. What each
// caller receives is then AppSync's documented filter evaluation over the published payloads.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Template } from 'aws-cdk-lib/assertions';
import { ensureResourceTable } from '../../adapters/aws/dynamodb-table';
import { DynamoDbResourceStore } from '../../adapters/aws/dynamodb-resource-store';
import type { Resource } from '../../core/fhir-types';
import type { WriteOperation } from '../../core/ports/resource-store';
import { GRAPHQL_FUNCTION, STREAM_FUNCTION, synthesize } from '../infra/synth';
import { AppSyncJsError, delivered, loadResolverCode, type ResolverCode } from '../infra/support/appsync-js';
import { lambdaEnvironment, synthesizeBundled, type BundledStack } from '../infra/support/bundled-stack';
import { invokeBundle } from '../infra/support/invoke-bundle';
import { dynamoDbClient, uniqueName } from './support/clients';
import { readStream } from './support/dynamodb-stream';
import { describeWithMoto } from './support/engines';

const TYPES = 'Patient,Observation,Claim,Organization';
const SMART_ISSUER = 'https://smart.example.org/auth';
const POOL_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Test12345';

function write(resource: Resource & { id: string }, version = 1): WriteOperation {
  return { resourceType: resource.resourceType, id: resource.id, expectedVersionId: version === 1 ? null : String(version - 1), versionId: String(version), lastUpdated: `2026-12-03T10:00:0${version}.000Z`, resource, index: [] };
}

function tombstone(resourceType: string, id: string, version: number): WriteOperation {
  return { resourceType, id, expectedVersionId: String(version - 1), versionId: String(version), lastUpdated: `2026-12-03T10:00:0${version}.000Z`, resource: undefined, index: [] };
}

/** The same clinical picture in each tenant: two patients, their observations, a claim, an organization. */
const COMMITS: WriteOperation[][] = [
  [write({ resourceType: 'Patient', id: 'p1' }), write({ resourceType: 'Patient', id: 'p2' })],
  [write({ resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'pulse' }, subject: { reference: 'Patient/p1' } })],
  [write({ resourceType: 'Observation', id: 'o2', status: 'final', code: { text: 'pulse' }, subject: { reference: 'Patient/p2' } })],
  [write({ resourceType: 'Claim', id: 'cl1', patient: { reference: 'Patient/p1' } })],
  [write({ resourceType: 'Organization', id: 'org1', name: 'Clinic' })],
  [tombstone('Observation', 'o2', 2)],
];

/** AppSync's Cognito user pool identity for a signed-in user. */
function cognitoIdentity(sub: string, groups: string[] | undefined, tenant?: string): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub, iss: POOL_ISSUER, token_use: 'id', 'cognito:username': sub, ...(groups ? { 'cognito:groups': groups } : {}), ...(tenant ? { 'custom:tenantId': tenant } : {}) };
  return { sub, issuer: POOL_ISSUER, username: sub, claims, sourceIp: ['203.0.113.7'], defaultAuthStrategy: 'ALLOW', groups: groups ?? null };
}

/** AppSync's OIDC identity for a SMART access token (claims as the issuer signed them). */
function smartIdentity(sub: string, scope: string, patient: string, tenant: string): Record<string, unknown> {
  return { sub, issuer: SMART_ISSUER, claims: { sub, iss: SMART_ISSUER, aud: 'https://fhir.example.org/fhir', scope, patient, 'custom:tenantId': tenant } };
}

interface Published {
  readonly authorization: string;
  readonly payload: Record<string, unknown>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
}

const keyOf = (payload: Record<string, unknown>): string => `${String(payload['tenant'])} ${String(payload['action'])} ${String(payload['resourceType'])}/${String(payload['id'])}`;

describeWithMoto('AppSync subscriptions deliver only what each caller may read (bundled Lambdas, synthesized resolvers)', (motoEndpoint) => {
  const tableName = uniqueName('fhir-subs');
  let dynamo: DynamoDBClient;
  let bundled: BundledStack;
  let server: Server;
  let published: Published[];
  let subscribe: ResolverCode;

  /** The GraphQL Lambda's environment for a synthesized configuration, references resolved. */
  function graphqlEnvironment(template: Template): Record<string, string> {
    const dir = bundled.bundleOf(GRAPHQL_FUNCTION);
    return lambdaEnvironment(template, GRAPHQL_FUNCTION, dir, {
      FHIR_TABLE_NAME: tableName,
      FHIR_BINARY_BUCKET: 'unused-in-subscriptions',
      FHIR_COGNITO_USER_POOL_ID: 'us-east-1_Test12345',
      FHIR_COGNITO_CLIENT_ID: 'testclient',
      FHIR_SMART_ISSUER: SMART_ISSUER,
      FHIR_SMART_AUDIENCE: 'https://fhir.example.org/fhir',
      FHIR_SMART_JWKS_URI: `${SMART_ISSUER}/jwks`,
      FHIR_BASE_URL: 'https://fhir.example.org/fhir/',
    });
  }

  /** Runs the subscribe-time resolver over the bundled GraphQL Lambda: the filter, or AppSync's error. */
  async function subscribeAs(environment: Record<string, string>, identity: Record<string, unknown>, args: Record<string, unknown> = {}): Promise<{ filter?: unknown; error?: string }> {
    const ctx = {
      args,
      identity,
      request: { headers: { 'x-amzn-requestid': 'subscribe-1' }, domainName: null },
      info: { fieldName: 'onResourceChange', parentTypeName: 'SubscriptionRoot', variables: {}, selectionSetList: ['id'], selectionSetGraphQL: '{\n  id\n}' },
    };
    const request = subscribe.request(ctx) as { operation: string; payload: unknown };
    expect(request.operation).toBe('Invoke');
    const [invocation] = await invokeBundle(bundled.bundleOf(GRAPHQL_FUNCTION), environment, [request.payload]);
    if (invocation === undefined) throw new Error('no invocation result');
    try {
      const outcome = subscribe.response({ ...ctx, result: invocation.ok ? invocation.value : null, ...(invocation.ok ? {} : { error: { message: invocation.errorMessage, type: invocation.errorType } }) });
      expect(outcome.value).toBeNull();
      return { filter: outcome.filter };
    } catch (error) {
      if (error instanceof AppSyncJsError) return { error: `${error.type ?? ''}: ${error.message}` };
      throw error;
    }
  }

  function received(filter: unknown): string[] {
    return published.map((each) => each.payload).filter((payload) => delivered(filter, payload)).map(keyOf).sort();
  }

  beforeAll(async () => {
    dynamo = dynamoDbClient(motoEndpoint);
    const streamArn = await ensureResourceTable(dynamo, tableName);
    if (streamArn === undefined) throw new Error('the table has no stream');
    const store = new DynamoDbResourceStore({ tableName, client: dynamo });
    for (const tenant of ['default', 'clinic-a', 'clinic-b']) {
      for (const commit of COMMITS) await store.commit(tenant, commit);
    }
    const records = await readStream(motoEndpoint, streamArn);

    bundled = synthesizeBundled({ search: false, graphqlTypes: TYPES });
    const publishCode = bundled.template.findResources('AWS::AppSync::Resolver', { Properties: { FieldName: 'publishResourceChange' } });
    const publish = loadResolverCode(String(Object.values(publishCode)[0]?.Properties?.Code));
    const subscription = bundled.template.findResources('AWS::AppSync::Resolver', { Properties: { TypeName: 'SubscriptionRoot' } });
    subscribe = loadResolverCode(String(Object.values(subscription)[0]?.Properties?.Code));

    // The publish mutation's local (NONE) resolver: what it returns is what subscribers match.
    published = [];
    server = createServer((request, response) => {
      void readBody(request).then((text) => {
        const body = JSON.parse(text) as { variables: Record<string, unknown> };
        const args = (publish.request({ args: body.variables }) as { payload: unknown }).payload;
        const payload = publish.response({ args: body.variables, result: args }).value as Record<string, unknown>;
        published.push({ authorization: String(request.headers.authorization), payload });
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { publishResourceChange: payload } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const streamDir = bundled.bundleOf(STREAM_FUNCTION);
    const streamEnvironment = {
      ...lambdaEnvironment(bundled.template, STREAM_FUNCTION, streamDir, {
        FHIR_TABLE_NAME: tableName,
        FHIR_BINARY_BUCKET: 'unused-in-subscriptions',
        FHIR_COGNITO_USER_POOL_ID: 'us-east-1_Test12345',
        FHIR_COGNITO_CLIENT_ID: 'testclient',
        FHIR_APPSYNC_URL: `http://127.0.0.1:${port}/graphql`,
      }),
      FHIR_DYNAMODB_ENDPOINT: motoEndpoint,
    };
    const [result] = await invokeBundle(streamDir, streamEnvironment, [{ Records: records }]);
    expect(result).toEqual({ ok: true, value: { batchItemFailures: [] } });
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    bundled?.close();
    await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
    dynamo.destroy();
  });

  test('the stream processor publishes every committed version, IAM-signed, labelled with its audience', () => {
    expect(published).toHaveLength(3 * 7);
    expect(published.every((each) => each.authorization.startsWith('AWS4-HMAC-SHA256 ') && each.authorization.includes('/appsync/aws4_request'))).toBe(true);
    const observation = published.find((each) => keyOf(each.payload) === 'default create Observation/o1');
    expect(observation?.payload).toMatchObject({ audience: ['type:Observation', 'patient:p1', 'type:Observation|patient:p1'], versionId: '1' });
    expect(JSON.parse(String(observation?.payload['resource']))).toMatchObject({ id: 'o1', subject: { reference: 'Patient/p1' } });
  });

  describe('single tenant, Cognito groups', () => {
    let environment: Record<string, string>;
    beforeAll(() => {
      environment = graphqlEnvironment(bundled.template);
    });

    test('a practitioner receives every change of the tenant', async () => {
      const { filter } = await subscribeAs(environment, cognitoIdentity('dr-1', ['practitioner']));
      expect(received(filter)).toEqual(published.map((each) => each.payload).filter((payload) => payload['tenant'] === 'default').map(keyOf).sort());
    });

    test('a non-practitioner receives the financial resources only', async () => {
      const { filter } = await subscribeAs(environment, cognitoIdentity('clerk-1', ['non-practitioner']));
      expect(received(filter)).toEqual(['default create Claim/cl1']);
    });

    test('an auditor receives Patient changes only', async () => {
      const { filter } = await subscribeAs(environment, cognitoIdentity('audit-1', ['auditor']));
      expect(received(filter)).toEqual(['default create Patient/p1', 'default create Patient/p2']);
    });

    test('an auditor asking for Observation changes is refused at subscribe time', async () => {
      expect(await subscribeAs(environment, cognitoIdentity('audit-1', ['auditor']), { resourceType: 'Observation' })).toEqual({ error: expect.stringMatching(/^FORBIDDEN: .*may not perform read on Observation/) });
    });

    test('a signed-in user in no group is refused at subscribe time', async () => {
      expect(await subscribeAs(environment, cognitoIdentity('nobody-1', undefined))).toEqual({ error: expect.stringMatching(/^FORBIDDEN: /) });
    });

    test('a client argument cannot widen the filter to another tenant', async () => {
      expect(await subscribeAs(environment, cognitoIdentity('dr-1', ['practitioner']), { tenant: 'clinic-a' })).toEqual({ error: expect.stringMatching(/^FORBIDDEN: .*tenant/) });
    });
  });

  describe('multi-tenant, Cognito groups', () => {
    let environment: Record<string, string>;
    beforeAll(() => {
      environment = graphqlEnvironment(synthesize({ multiTenancy: true, search: false, graphqlTypes: TYPES }).template);
    });

    test('a practitioner receives every change of its own tenant and none of another', async () => {
      const { filter } = await subscribeAs(environment, cognitoIdentity('dr-a', ['practitioner'], 'clinic-a'));
      const keys = received(filter);
      expect(keys).toHaveLength(7);
      expect(keys.every((key) => key.startsWith('clinic-a '))).toBe(true);
    });

    test('a user without a tenant is refused', async () => {
      expect(await subscribeAs(environment, cognitoIdentity('dr-x', ['practitioner']))).toEqual({ error: expect.stringMatching(/^FORBIDDEN: /) });
    });
  });

  describe('multi-tenant, SMART (authMode=smart)', () => {
    let environment: Record<string, string>;
    beforeAll(() => {
      environment = graphqlEnvironment(synthesize({ multiTenancy: true, authMode: 'smart', search: false, graphqlTypes: TYPES }).template);
    });

    test('patient/*.read for Patient p1 receives p1\'s compartment in its tenant: not p2, not the organization, not deletes', async () => {
      const { filter } = await subscribeAs(environment, smartIdentity('app-1', 'launch/patient patient/*.read', 'p1', 'clinic-b'));
      expect(received(filter)).toEqual(['clinic-b create Claim/cl1', 'clinic-b create Observation/o1', 'clinic-b create Patient/p1']);
    });

    test('patient/Observation.rs for Patient p2 receives p2\'s observations only', async () => {
      const { filter } = await subscribeAs(environment, smartIdentity('app-2', 'patient/Observation.rs', 'p2', 'clinic-b'));
      expect(received(filter)).toEqual(['clinic-b create Observation/o2']);
    });

    test('a token without a read scope is refused', async () => {
      expect(await subscribeAs(environment, smartIdentity('app-3', 'patient/*.write', 'p1', 'clinic-b'))).toEqual({ error: expect.stringMatching(/^FORBIDDEN: /) });
    });
  });
});
