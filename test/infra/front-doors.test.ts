// The two front doors and the user directory as synthesized: REST on API Gateway, GraphQL on
// AppSync, Cognito (DESIGN.md: Homes, GraphQL, Auth).
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { USER_GROUPS } from '../../infra/defaults/cognito-defaults';
import { LAMBDA_ENV } from '../../infra/lambda-entries';
import { ON_RESOURCE_CHANGE_RESOLVER_CODE } from '../../resolvers/appsync/subscription-audience';
import { GRAPHQL_FUNCTION, REST_FUNCTION, functionNamed, resourcesOf, synthesize, type Synthesized } from './synth';

/** CloudFormation quotas: 500 resources and 1 MB per template (S3-uploaded). */
const MAX_RESOURCES = 500;
const MAX_TEMPLATE_BYTES = 1_000_000;

let full: Synthesized;
let template: Template;

beforeAll(() => {
  full = synthesize();
  template = full.template;
});

function resolvers(synthesized: Synthesized): { typeName: string; fieldName: string; kind: string; dataSource: string }[] {
  return [synthesized.template, ...synthesized.nested].flatMap((each) =>
    resourcesOf(each, 'AWS::AppSync::Resolver').map(([, resolver]) => {
      const properties = resolver.Properties ?? {};
      return { typeName: String(properties['TypeName']), fieldName: String(properties['FieldName']), kind: String(properties['Kind']), dataSource: JSON.stringify(properties['DataSourceName']) };
    }),
  );
}

describe('REST API', () => {
  test('the stage writes JSON access logs, traces, and never logs request or response data', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId"') },
      TracingEnabled: true,
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true, HttpMethod: '*', ResourcePath: '/*' })],
    });
  });

  test('the stage is throttled with the configured limits', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 })] });
  });

  test('every method proxies to the REST Lambda, which verifies tokens itself', () => {
    const rest = functionNamed(template, REST_FUNCTION);
    const methods = resourcesOf(template, 'AWS::ApiGateway::Method');
    expect(methods).toHaveLength(2);
    for (const [, method] of methods) {
      expect(method.Properties).toMatchObject({ HttpMethod: 'ANY', AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY' } });
      expect(JSON.stringify(method.Properties?.['Integration'])).toContain(rest.id);
    }
    const environment = (rest.properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(environment[LAMBDA_ENV.userPoolId]).toEqual({ Ref: expect.stringMatching(/^UsersUserPool/) });
    expect(environment[LAMBDA_ENV.userPoolClientId]).toEqual({ Ref: expect.stringMatching(/^UsersUserPoolAppClient/) });
  });
});

describe('GraphQL API', () => {
  test('Cognito user pools is the default auth mode and IAM the additional one', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
      UserPoolConfig: Match.objectLike({ UserPoolId: Match.anyValue() }),
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
      XrayEnabled: true,
    });
  });

  test('field errors are logged without verbose (PHI-bearing) content', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', { LogConfig: { FieldLogLevel: 'ERROR', ExcludeVerboseContent: true, CloudWatchLogsRoleArn: Match.anyValue() } });
  });

  test('every Query and Mutation root field has a direct Lambda resolver, and nothing else does', () => {
    const all = resolvers(full);
    const onLambda = all.filter((resolver) => resolver.dataSource === '"Fhir"' && resolver.typeName !== 'SubscriptionRoot');
    expect(onLambda.length).toBeGreaterThan(800);
    expect(new Set(onLambda.map((resolver) => resolver.typeName))).toEqual(new Set(['Query', 'Mutation']));
    expect(onLambda.map((resolver) => resolver.fieldName)).toEqual(expect.arrayContaining(['Patient', 'PatientList', 'PatientConnection', 'PatientCreate', 'PatientUpdate', 'PatientDelete']));
    expect(onLambda.every((resolver) => resolver.kind === 'UNIT')).toBe(true);
  });

  test('the publish mutation resolves locally, without a Lambda', () => {
    const publish = resolvers(full).filter((resolver) => resolver.fieldName === 'publishResourceChange');
    expect(publish).toEqual([expect.objectContaining({ typeName: 'Mutation', dataSource: expect.stringContaining('Local') })]);
    template.hasResourceProperties('AWS::AppSync::DataSource', { Name: 'Local', Type: 'NONE' });
  });

  test.each([
    ['single-tenant, Cognito groups', {}],
    ['multi-tenant, SMART', { multiTenancy: true, authMode: 'smart', search: false, graphqlTypes: 'Patient' }],
  ])('%s: the subscription is authorized at subscribe time by the FHIR Lambda, which answers its filter', (_name, context) => {
    const synthesized = Object.keys(context).length === 0 ? full : synthesize(context);
    const subscriptions = resolvers(synthesized).filter((resolver) => resolver.typeName === 'SubscriptionRoot');
    expect(subscriptions).toEqual([expect.objectContaining({ fieldName: 'onResourceChange', kind: 'UNIT', dataSource: '"Fhir"' })]);
    const [[, dataSource] = ['', {}]] = resourcesOf(synthesized.template, 'AWS::AppSync::DataSource').filter(([, ds]) => ds.Properties?.['Name'] === 'Fhir');
    const graphqlFunction = functionNamed(synthesized.template, GRAPHQL_FUNCTION);
    expect(dataSource.Properties).toMatchObject({ Type: 'AWS_LAMBDA', LambdaConfig: { LambdaFunctionArn: { 'Fn::GetAtt': [graphqlFunction.id, 'Arn'] } } });
    const [[, resolver] = ['', {}]] = resourcesOf(synthesized.template, 'AWS::AppSync::Resolver').filter(([, r]) => r.Properties?.['TypeName'] === 'SubscriptionRoot');
    expect(resolver.Properties).toMatchObject({ Runtime: { Name: 'APPSYNC_JS' }, Code: ON_RESOURCE_CHANGE_RESOLVER_CODE });
  });

  test('a configured subset of resource types serves only their root fields', () => {
    const subset = synthesize({ search: false, graphqlTypes: 'Patient,Observation' });
    const fields = resolvers(subset).filter((resolver) => resolver.dataSource === '"Fhir"' && resolver.typeName !== 'SubscriptionRoot').map((resolver) => resolver.fieldName).sort();
    expect(fields).toEqual(['Observation', 'ObservationConnection', 'ObservationCreate', 'ObservationDelete', 'ObservationList', 'ObservationUpdate', 'Patient', 'PatientConnection', 'PatientCreate', 'PatientDelete', 'PatientList', 'PatientUpdate']);
    const definition = String(resourcesOf(subset.template, 'AWS::AppSync::GraphQLSchema')[0]?.[1].Properties?.['Definition']);
    expect(definition).toContain('type Patient implements Resource');
    expect(definition).not.toContain('type Account implements Resource');
  });

  test('the GraphQL Lambda gets the schema and access policy files it reads at run time', () => {
    const environment = (functionNamed(template, GRAPHQL_FUNCTION).properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(environment[LAMBDA_ENV.graphqlSchemaFile]).toBe('/var/task/schema.graphql');
    expect(environment[LAMBDA_ENV.accessPolicyFile]).toBe('/var/task/access-policy.json');
  });

  test('every template, with the full R4 schema, stays within CloudFormation quotas', () => {
    for (const each of [template, ...full.nested]) {
      const json = each.toJSON() as { Resources: Record<string, unknown> };
      expect(Object.keys(json.Resources).length).toBeLessThanOrEqual(MAX_RESOURCES);
      expect(JSON.stringify(json).length).toBeLessThan(MAX_TEMPLATE_BYTES);
    }
  });
});

describe('user directory', () => {
  test('the practitioner, non-practitioner and auditor groups exist', () => {
    const groups = resourcesOf(template, 'AWS::Cognito::UserPoolGroup').map(([, group]) => group.Properties?.['GroupName']);
    expect(groups.sort()).toEqual([...USER_GROUPS].sort());
  });

  test('the pool has no self sign-up, a strong password policy, an immutable tenant and threat protection', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'tenantId', Mutable: false, AttributeDataType: 'String' })]),
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
    });
  });

  test('the app client is public (no secret), uses SRP, and cannot write the tenant', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false, ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']), PreventUserExistenceErrors: 'ENABLED', EnableTokenRevocation: true });
    const [[, client] = ['', {}]] = resourcesOf(template, 'AWS::Cognito::UserPoolClient');
    expect(client.Properties?.['ReadAttributes']).toContain('custom:tenantId');
    expect(client.Properties?.['WriteAttributes']).not.toContain('custom:tenantId');
    expect(client.Properties?.['ExplicitAuthFlows']).not.toContain('ALLOW_USER_PASSWORD_AUTH');
  });
});
