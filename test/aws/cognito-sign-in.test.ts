// Cognito for real, on the emulator (issue 10): moto's cognito-idp gets the user pool, app
// client and groups exactly as the synthesized stack declares them; users in each group (and
// one in none) with a tenant, sign in with InitiateAuth, and their ID tokens go through the
// bundled REST Lambda (which verifies them with aws-jwt-verify against moto's JWKS, through the
// verifier's JWKS fetcher port: FHIR_COGNITO_ENDPOINT) and, as AppSync's identity after the
// same verification, through the bundled GraphQL Lambda. No token is made by hand here.
//
// moto accepts any auth flow on a client and does not check SRP proofs, so users sign in with
// USER_PASSWORD_AUTH, where moto does check the password; the deployed client allows SRP only
// (test/infra/sign-in.test.ts).
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  InitiateAuthCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { EndpointJwksFetcher } from '../../adapters/auth/endpoint-jwks-fetcher';
import { GRAPHQL_FUNCTION, REST_FUNCTION } from '../infra/synth';
import { lambdaEnvironment, synthesizeBundled, type BundledStack } from '../infra/support/bundled-stack';
import { invokeBundle } from '../infra/support/invoke-bundle';
import { TemplateResolver } from '../infra/support/resolve-template';
import { apiEvent, proxyResult, type ProxyResult } from './support/api-gateway';
import { createDataStores, deleteDataStores, testRegion, uniqueName } from './support/clients';
import { describeWithMoto } from './support/engines';

const BASE_URL = 'https://fhir.example.org/fhir';
const PASSWORD = 'Correct-Horse-9-Battery';
type Person = 'practitioner' | 'nonPractitioner' | 'auditor' | 'nobody' | 'otherTenant';

describeWithMoto('Cognito on moto: the stack\'s user pool, InitiateAuth, and the bundled REST and GraphQL Lambdas', (motoEndpoint) => {
  const cognito = new CognitoIdentityProviderClient({ endpoint: motoEndpoint, region: testRegion, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const tableName = uniqueName('fhir-cognito');
  const bucket = uniqueName('fhir-cognito-bucket');
  let bundled: BundledStack;
  let userPoolId: string;
  let clientId: string;
  let groupsCreated: string[];
  const tokens = {} as Record<Person, string>;
  let environments: { rest: Record<string, string>; graphql: Record<string, string> };

  async function rest(person: Person | undefined, method: string, path: string, body?: unknown): Promise<ProxyResult> {
    const headers: Record<string, string> = { Accept: 'application/fhir+json', ...(body === undefined ? {} : { 'Content-Type': 'application/fhir+json' }), ...(person === undefined ? {} : { Authorization: `Bearer ${tokens[person]}` }) };
    const [result] = await invokeBundle(bundled.bundleOf(REST_FUNCTION), environments.rest, [apiEvent(method, path, headers, body === undefined ? undefined : { text: JSON.stringify(body) })]);
    return proxyResult(result);
  }

  beforeAll(async () => {
    bundled = synthesizeBundled({ multiTenancy: true, search: false, graphqlTypes: 'Patient,Observation,Coverage' });
    const template = new TemplateResolver(bundled.template, {});

    // The pool as the stack declares it (the CloudFormation properties are the API's input).
    const [pool] = template.resources('AWS::Cognito::UserPool');
    if (pool === undefined) throw new Error('the stack declares no user pool');
    const poolInput = Object.fromEntries(
      ['Policies', 'Schema', 'UsernameAttributes', 'AutoVerifiedAttributes', 'AdminCreateUserConfig', 'AccountRecoverySetting', 'MfaConfiguration'].map((name) => [name, pool[name]]),
    ) as Partial<CreateUserPoolCommandInput>;
    userPoolId = (await cognito.send(new CreateUserPoolCommand({ ...poolInput, PoolName: uniqueName('fhir-users') }))).UserPool?.Id ?? '';

    const [client] = template.resources('AWS::Cognito::UserPoolClient');
    if (client === undefined) throw new Error('the stack declares no app client');
    const { UserPoolId: _pool, ...clientInput } = client;
    clientId = (await cognito.send(new CreateUserPoolClientCommand({ ...(clientInput as Partial<CreateUserPoolClientCommandInput>), UserPoolId: userPoolId, ClientName: 'fhir-app' }))).UserPoolClient?.ClientId ?? '';

    groupsCreated = template.resources('AWS::Cognito::UserPoolGroup').map((group) => String(group['GroupName']));
    for (const GroupName of groupsCreated) await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName }));

    const people: Record<Person, { group?: string; tenant: string }> = {
      practitioner: { group: 'practitioner', tenant: 'clinic-a' },
      nonPractitioner: { group: 'non-practitioner', tenant: 'clinic-a' },
      auditor: { group: 'auditor', tenant: 'clinic-a' },
      nobody: { tenant: 'clinic-a' },
      otherTenant: { group: 'practitioner', tenant: 'clinic-b' },
    };
    for (const [person, { group, tenant }] of Object.entries(people) as [Person, { group?: string; tenant: string }][]) {
      const Username = `${person.toLowerCase()}-${tenant}@example.org`;
      await cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: Username }, { Name: 'email_verified', Value: 'true' }, { Name: 'custom:tenantId', Value: tenant }] }));
      await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username, Password: PASSWORD, Permanent: true }));
      if (group !== undefined) await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username, GroupName: group }));
      const signedIn = await cognito.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: Username, PASSWORD } }));
      tokens[person] = signedIn.AuthenticationResult?.IdToken ?? '';
    }

    await createDataStores(motoEndpoint, tableName, bucket);

    const resolved = { FHIR_TABLE_NAME: tableName, FHIR_BINARY_BUCKET: bucket, FHIR_COGNITO_USER_POOL_ID: userPoolId, FHIR_COGNITO_CLIENT_ID: clientId, FHIR_BASE_URL: `${BASE_URL}/` };
    const local = { FHIR_DYNAMODB_ENDPOINT: motoEndpoint, FHIR_S3_ENDPOINT: motoEndpoint, FHIR_COGNITO_ENDPOINT: motoEndpoint };
    const environmentOf = (name: string): Record<string, string> => ({ ...lambdaEnvironment(bundled.template, name, bundled.bundleOf(name), resolved), ...local });
    environments = { rest: environmentOf(REST_FUNCTION), graphql: environmentOf(GRAPHQL_FUNCTION) };
  }, 180_000);

  afterAll(async () => {
    bundled?.close();
    if (userPoolId) await cognito.send(new DeleteUserPoolCommand({ UserPoolId: userPoolId }));
    cognito.destroy();
    await deleteDataStores(motoEndpoint, tableName, bucket);
  });

  test('the pool has the stack\'s groups, and InitiateAuth gives each user an ID token with their groups and tenant', () => {
    expect(groupsCreated.sort()).toEqual(['auditor', 'non-practitioner', 'practitioner']);
    const claims = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims(tokens.practitioner)).toMatchObject({ token_use: 'id', aud: clientId, iss: `https://cognito-idp.${testRegion}.amazonaws.com/${userPoolId}`, 'cognito:groups': ['practitioner'], 'custom:tenantId': 'clinic-a' });
    expect(claims(tokens.nobody)['cognito:groups']).toBeUndefined();
  });

  test('REST: each group gets what the access policy gives it, in its own tenant only', async () => {
    const created = await rest('practitioner', 'POST', '/tenant/clinic-a/Patient', { resourceType: 'Patient', name: [{ family: 'Cognito' }] });
    expect(created.statusCode).toBe(201);
    const id = (JSON.parse(created.body) as { id: string }).id;
    const reads: [string, Person | undefined, string][] = [
      ['practitioner', 'practitioner', 'clinic-a'],
      ['auditor', 'auditor', 'clinic-a'],
      ['nonPractitioner', 'nonPractitioner', 'clinic-a'],
      ['nobody', 'nobody', 'clinic-a'],
      ['anonymous', undefined, 'clinic-a'],
      ['otherTenantInOwnTenant', 'otherTenant', 'clinic-b'],
      ['otherTenantInThisTenant', 'otherTenant', 'clinic-a'],
    ];
    // One warm container for all the reads, as Lambda would reuse one.
    const results = await invokeBundle(bundled.bundleOf(REST_FUNCTION), environments.rest, reads.map(([, person, tenant]) =>
      apiEvent('GET', `/tenant/${tenant}/Patient/${id}`, { Accept: 'application/fhir+json', ...(person === undefined ? {} : { Authorization: `Bearer ${tokens[person]}` }) })));

    expect(Object.fromEntries(reads.map(([name], index) => [name, proxyResult(results[index]).statusCode]))).toEqual({
      practitioner: 200, auditor: 200, nonPractitioner: 403, nobody: 403, anonymous: 401, otherTenantInOwnTenant: 404, otherTenantInThisTenant: 403,
    });
    expect((await rest('auditor', 'POST', '/tenant/clinic-a/Patient', { resourceType: 'Patient' })).statusCode).toBe(403);
    expect((await rest('nonPractitioner', 'POST', '/tenant/clinic-a/Coverage', { resourceType: 'Coverage', status: 'active', beneficiary: { reference: `Patient/${id}` }, payor: [{ display: 'Payer' }] })).statusCode).toBe(403);
  }, 120_000);

  test('REST: an ID token the same pool issued to another app client is 401', async () => {
    const otherClient = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'another-app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient?.ClientId ?? '';
    const signedIn = await cognito.send(new InitiateAuthCommand({ ClientId: otherClient, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'practitioner-clinic-a@example.org', PASSWORD } }));
    const [result] = await invokeBundle(bundled.bundleOf(REST_FUNCTION), environments.rest, [
      apiEvent('GET', '/tenant/clinic-a/Patient?_count=1', { Authorization: `Bearer ${signedIn.AuthenticationResult?.IdToken ?? ''}`, Accept: 'application/fhir+json' }),
    ]);

    expect(proxyResult(result).statusCode).toBe(401);
  }, 60_000);

  test('GraphQL: AppSync\'s identity from a verified ID token reads through the bundled Lambda; absolute references under FHIR_BASE_URL resolve', async () => {
    const patient = proxyResult((await invokeBundle(bundled.bundleOf(REST_FUNCTION), environments.rest, [
      apiEvent('POST', '/tenant/clinic-a/Patient', { Authorization: `Bearer ${tokens.practitioner}`, 'Content-Type': 'application/fhir+json' }, { text: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Graph' }] }) }),
    ]))[0]);
    const patientId = (JSON.parse(patient.body) as { id: string }).id;
    const observation = { resourceType: 'Observation', status: 'final', code: { text: 'weight' }, subject: { reference: `${BASE_URL}/tenant/clinic-a/Patient/${patientId}` } };
    const createdObservation = await rest('practitioner', 'POST', '/tenant/clinic-a/Observation', observation);
    expect(createdObservation.statusCode).toBe(201);
    const observationId = (JSON.parse(createdObservation.body) as { id: string }).id;

    // AppSync verifies the pool's token itself and hands the Lambda its claims; verified here the same way.
    const verifier = CognitoJwtVerifier.create({ userPoolId, clientId, tokenUse: 'id' }, { jwksCache: new SimpleJwksCache({ fetcher: new EndpointJwksFetcher(motoEndpoint) }) });
    const identityOf = async (person: Person): Promise<Record<string, unknown>> => {
      const claims = await verifier.verify(tokens[person]);
      return { sub: claims.sub, issuer: claims.iss, username: claims['cognito:username'], claims, sourceIp: ['203.0.113.7'], defaultAuthStrategy: 'ALLOW', groups: claims['cognito:groups'] ?? null };
    };
    const event = async (person: Person): Promise<Record<string, unknown>> => ({
      arguments: { id: observationId },
      identity: await identityOf(person),
      source: null,
      request: { headers: { 'x-amzn-requestid': `cognito-${person}` }, domainName: null },
      prev: null,
      info: { parentTypeName: 'Query', fieldName: 'Observation', variables: {}, selectionSetList: ['id', 'subject'], selectionSetGraphQL: '{\n  id\n  subject {\n    reference\n    resource {\n      ... on Patient {\n        id\n        name {\n          family\n        }\n      }\n    }\n  }\n}' },
      stash: {},
    });

    const [practitioner, auditor] = await invokeBundle(bundled.bundleOf(GRAPHQL_FUNCTION), environments.graphql, [await event('practitioner'), await event('auditor')]);

    expect(practitioner).toMatchObject({ ok: true, value: { id: observationId, subject: { reference: observation.subject.reference, resource: { id: patientId, name: [{ family: 'Graph' }] } } } });
    expect(auditor).toEqual({ ok: false, errorType: 'FORBIDDEN', errorMessage: expect.any(String) });
  }, 120_000);
});
