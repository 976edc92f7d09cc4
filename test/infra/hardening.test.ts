// The hardening of issue 10 as synthesized: WAF, TLS, AppSync limits, OpenSearch logs and
// policy, least-privilege KMS, network, Cognito MFA, backups and retention, stream concurrency,
// SMART parameters. (cdk-nag runs over the same configurations in nag.test.ts.)
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { LAMBDA_ENV } from '../../infra/lambda-entries';
import { GRAPHQL_FUNCTION, REST_FUNCTION, STREAM_FUNCTION, functionNamed, iamStatements, resourcesOf, synthesize } from './synth';

let dev: Template;
let prod: Template;

beforeAll(() => {
  dev = synthesize({ graphqlTypes: 'Patient,Observation' }).template;
  prod = synthesize({ stage: 'prod', graphqlTypes: 'Patient,Observation' }).template;
});

const environmentOf = (template: Template, name: string): Record<string, unknown> =>
  (functionNamed(template, name).properties['Environment'] as { Variables: Record<string, unknown> }).Variables;

describe('WAF', () => {
  test('one regional web ACL: a per-IP rate rule, AWS common rules and known bad inputs, no sampled requests', () => {
    dev.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({ Name: 'RateLimitPerIp', Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' }) } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' }) } }),
      ],
    });
    for (const [, acl] of resourcesOf(dev, 'AWS::WAFv2::WebACL')) expect(JSON.stringify(acl.Properties)).not.toContain('"SampledRequestsEnabled":true');
  });

  test('protects the REST stage and the AppSync API', () => {
    const targets = resourcesOf(dev, 'AWS::WAFv2::WebACLAssociation').map(([, association]) => JSON.stringify(association.Properties?.['ResourceArn']));
    expect(targets).toHaveLength(2);
    expect(targets.some((arn) => arn.includes('/restapis/') && /\/stages\/.*RestApiDeploymentStagedev/.test(arn))).toBe(true);
    expect(targets.some((arn) => /GraphqlApi[0-9A-F]+","Arn"/.test(arn))).toBe(true);
  });

  test('logs to an encrypted aws-waf-logs- group with the bearer token and cookies redacted', () => {
    dev.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-fhir-dev', KmsKeyId: Match.anyValue() });
    dev.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', { RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }] });
  });
});

describe('TLS and API limits', () => {
  test('the REST API takes TLS 1.2+ with forward secrecy only, with strict endpoint access', () => {
    dev.hasResourceProperties('AWS::ApiGateway::RestApi', { SecurityPolicy: 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09', EndpointAccessMode: 'STRICT' });
  });

  test('the REST API passes binary media types as base64 both ways, never FHIR JSON', () => {
    dev.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: Match.arrayWith(['application/octet-stream', 'application/pdf', 'image/*']) });
    const [[, api] = ['', {}]] = resourcesOf(dev, 'AWS::ApiGateway::RestApi');
    expect((api.Properties?.['BinaryMediaTypes'] as string[]).filter((type) => /json|\*\/\*/.test(type))).toEqual([]);
  });

  test('AppSync bounds query depth and resolver count; introspection is off in prod only', () => {
    dev.hasResourceProperties('AWS::AppSync::GraphQLApi', { QueryDepthLimit: 10, ResolverCountLimit: 50, IntrospectionConfig: 'ENABLED' });
    prod.hasResourceProperties('AWS::AppSync::GraphQLApi', { IntrospectionConfig: 'DISABLED' });
  });
});

describe('search domain', () => {
  test('sends slow search, slow index and error logs to encrypted log groups the service alone may write', () => {
    const [[, domain] = ['', {}]] = resourcesOf(dev, 'AWS::OpenSearchService::Domain');
    expect(Object.keys(domain.Properties?.['LogPublishingOptions'] as object).sort()).toEqual(['ES_APPLICATION_LOGS', 'INDEX_SLOW_LOGS', 'SEARCH_SLOW_LOGS']);
    const [[, policy] = ['', {}]] = resourcesOf(dev, 'AWS::Logs::ResourcePolicy');
    expect(JSON.stringify(policy.Properties?.['PolicyDocument'])).toMatch(/es\.amazonaws\.com.*SearchSlowSearchLogs.*SearchSlowIndexLogs.*SearchErrorLogs/);
  });
});

describe('least privilege', () => {
  test('the front doors use the data key only through DynamoDB or S3, with no wildcard KMS action', () => {
    for (const name of [REST_FUNCTION, GRAPHQL_FUNCTION]) {
      const kms = iamStatements(dev).filter((statement) => statement.roles.includes(functionNamed(dev, name).roleId) && statement.actions.some((action) => action.startsWith('kms:')));
      expect(kms.length).toBeGreaterThan(0);
      expect(kms.flatMap((statement) => statement.actions).filter((action) => action.includes('*'))).toEqual([]);
    }
    const viaService = resourcesOf(dev, 'AWS::IAM::Policy').flatMap(([, policy]) => (policy.Properties?.['PolicyDocument'] as { Statement: { Action: unknown; Condition?: unknown }[] }).Statement)
      .filter((statement) => JSON.stringify(statement.Action).includes('kms:GenerateDataKey"'));
    expect(viaService.length).toBeGreaterThanOrEqual(2);
    for (const statement of viaService) expect(JSON.stringify(statement.Condition)).toMatch(/kms:ViaService.*(dynamodb|s3)\./);
  });
});

describe('network', () => {
  test('the Lambdas may send HTTPS (443) and nothing else', () => {
    const [[, group] = ['', {}]] = resourcesOf(dev, 'AWS::EC2::SecurityGroup').filter(([, sg]) => String(sg.Properties?.['GroupDescription']).startsWith('FHIR Lambdas'));
    expect(group.Properties?.['SecurityGroupEgress']).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' })]);
  });

  test('the VPC\'s default security group is closed and public subnets assign no public IPs', () => {
    dev.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    for (const [, subnet] of resourcesOf(dev, 'AWS::EC2::Subnet')) expect(subnet.Properties?.['MapPublicIpOnLaunch']).not.toBe(true);
  });

  test('flow logs record every flow in prod and rejected ones elsewhere', () => {
    prod.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
    dev.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });
});

describe('users', () => {
  test('TOTP MFA is required in prod and optional in dev (context mfa overrides)', () => {
    prod.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    dev.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL' });
    synthesize({ stage: 'prod', mfa: 'optional', search: false, graphqlTypes: 'Patient' }).template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL' });
  });
});

describe('backups and retention', () => {
  test('prod backs up the table and the buckets daily (35 days) and monthly (six years) into a vault under the data key', () => {
    prod.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: Match.anyValue() });
    prod.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ RuleName: 'daily', Lifecycle: { DeleteAfterDays: 35 } }), Match.objectLike({ RuleName: 'monthly', Lifecycle: { DeleteAfterDays: 2192 } })] },
    });
    const [[, selection] = ['', {}]] = resourcesOf(prod, 'AWS::Backup::BackupSelection');
    const resources = JSON.stringify(selection.Properties?.['BackupSelection']);
    expect(resources).toMatch(/ResourcesTable/);
    expect(resources).toMatch(/BinariesBucket/);
    dev.resourceCountIs('AWS::Backup::BackupPlan', 0);
  });

  test('prod keeps every log group and the access logs six years', () => {
    for (const [, group] of resourcesOf(prod, 'AWS::Logs::LogGroup')) expect(group.Properties?.['RetentionInDays']).toBe(2192);
    prod.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-access-logs', ExpirationInDays: 2192 })] } });
  });
});

describe('Lambdas', () => {
  test('the stream processor has reserved concurrency, so front-door bursts cannot starve indexing', () => {
    expect(functionNamed(dev, STREAM_FUNCTION).properties['ReservedConcurrentExecutions']).toBe(10);
  });

  test('the GraphQL Lambda knows the REST base URL, for absolute references', () => {
    expect(JSON.stringify(environmentOf(dev, GRAPHQL_FUNCTION)[LAMBDA_ENV.baseUrl])).toMatch(/RestApi/);
  });

  test('source maps are not switched on at run time (they cost cold start)', () => {
    for (const name of [REST_FUNCTION, GRAPHQL_FUNCTION, STREAM_FUNCTION]) expect(environmentOf(dev, name)['NODE_OPTIONS']).toBeUndefined();
  });
});

describe('authMode=smart', () => {
  let smart: Template;
  beforeAll(() => {
    smart = synthesize({ authMode: 'smart', multiTenancy: true, search: false, graphqlTypes: 'Patient' }).template;
  });

  test('the SMART issuer, audience and JWKS URL are stack parameters given to every Lambda', () => {
    for (const parameter of ['SmartIssuer', 'SmartAudience', 'SmartJwksUri']) smart.hasParameter(parameter, { Type: 'String' });
    for (const name of [REST_FUNCTION, GRAPHQL_FUNCTION, STREAM_FUNCTION]) {
      expect(environmentOf(smart, name)).toMatchObject({
        [LAMBDA_ENV.authMode]: 'smart',
        [LAMBDA_ENV.smartIssuer]: { Ref: 'SmartIssuer' },
        [LAMBDA_ENV.smartAudience]: { Ref: 'SmartAudience' },
        [LAMBDA_ENV.smartJwksUri]: { Ref: 'SmartJwksUri' },
      });
    }
  });

  test('AppSync trusts the SMART issuer (OIDC, audience as client id), with IAM for the publisher', () => {
    smart.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'OPENID_CONNECT',
      OpenIDConnectConfig: { Issuer: { Ref: 'SmartIssuer' }, ClientId: { Ref: 'SmartAudience' } },
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
    });
    const definition = String(resourcesOf(smart, 'AWS::AppSync::GraphQLSchema')[0]?.[1].Properties?.['Definition']);
    expect(definition).toContain('@aws_oidc');
    expect(definition).not.toContain('@aws_cognito_user_pools');
  });
});
