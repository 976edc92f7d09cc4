// The hardening of issue 10 as synthesized: WAF, TLS, AppSync limits, OpenSearch logs and
// policy, least-privilege KMS, network, Cognito MFA, backups and retention, stream concurrency,
// SMART parameters. (cdk-nag runs over the same configurations in nag.test.ts.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { CURRENT_VERSION_EXPIRED_FLAGS, FLAGS } from 'aws-cdk-lib/cx-api';
import { LAMBDA_ENV } from '../../infra/lambda-entries';
import { GRAPHQL_FUNCTION, REST_FUNCTION, STREAM_FUNCTION, actionsOfRole, functionNamed, iamStatements, resourcesOf, synthesize } from './synth';

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
    expect(Object.keys(domain.Properties?.['LogPublishingOptions'] as object).sort()).toEqual(['AUDIT_LOGS', 'ES_APPLICATION_LOGS', 'INDEX_SLOW_LOGS', 'SEARCH_SLOW_LOGS']);
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
    for (const statement of viaService) expect(JSON.stringify(statement.Condition)).toMatch(/kms:ViaService.*(dynamodb|s3|sqs)\./);
  });

  test('every role\'s KMS grant names its actions, on the data key only, through a service (kms:ViaService)', () => {
    for (const template of [dev, prod]) {
      const statements = resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, policy]) => (policy.Properties?.['PolicyDocument'] as { Statement: { Action: unknown; Resource: unknown; Condition?: unknown }[] }).Statement)
        .filter((statement) => JSON.stringify(statement.Action).includes('"kms:'));
      expect(statements.length).toBeGreaterThanOrEqual(6);
      for (const statement of statements) {
        expect(JSON.stringify(statement.Action)).not.toContain('*');
        expect(statement.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] });
        expect(JSON.stringify(statement.Condition)).toMatch(/^\{"StringEquals":\{"kms:ViaService":\[\{"Fn::Join":\["",\["(dynamodb|s3|sqs)\.",/);
      }
    }
  });

  test('the stream processor decrypts stream records through DynamoDB and encrypts dead letters through SQS, nothing more', () => {
    const kms = iamStatements(dev).filter((statement) => statement.roles.includes(functionNamed(dev, STREAM_FUNCTION).roleId) && statement.actions.some((action) => action.startsWith('kms:')));
    const byService = Object.fromEntries(kms.map((statement) => {
      const raw = resourcesOf(dev, 'AWS::IAM::Policy').find(([id]) => id === statement.policy)?.[1];
      const document = raw?.Properties?.['PolicyDocument'] as { Statement: { Action: unknown; Condition?: unknown }[] };
      const condition = JSON.stringify(document.Statement.find((candidate) => JSON.stringify(candidate.Action) === JSON.stringify(statement.actions.length === 1 ? statement.actions[0] : statement.actions))?.Condition);
      return [/"(dynamodb|sqs|s3)\./.exec(condition)?.[1] ?? 'none', [...statement.actions].sort()];
    }));
    expect(byService).toEqual({ dynamodb: ['kms:Decrypt'], sqs: ['kms:Decrypt', 'kms:GenerateDataKey'] });
    expect(actionsOfRole(dev, functionNamed(dev, STREAM_FUNCTION).roleId).filter((action) => action.startsWith('sqs:'))).toEqual(['sqs:SendMessage']);
  });

  test('the key policy names CloudWatch Logs\' actions; only the account itself (IAM policies decide) has kms:*', () => {
    const [[, key] = ['', {}]] = resourcesOf(dev, 'AWS::KMS::Key');
    const statements = (key.Properties?.['KeyPolicy'] as { Statement: { Action: string | string[]; Principal: { AWS?: unknown; Service?: unknown } }[] }).Statement;
    for (const statement of statements) {
      const actions = [statement.Action].flat();
      if (actions.some((action) => action.includes('*'))) {
        expect(actions).toEqual(['kms:*']);
        expect(JSON.stringify(statement.Principal.AWS)).toMatch(/:root"\]\]\}$/);
      }
    }
    expect([statements.find((statement) => String(JSON.stringify(statement.Principal.Service)).includes('logs.'))?.Action].flat().sort()).toEqual(
      ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
    );
  });

  test('the Lambdas may send OpenSearch the methods the adapters use, to this stage\'s indexes and _bulk only', () => {
    const lambdaRoles = [REST_FUNCTION, GRAPHQL_FUNCTION, STREAM_FUNCTION].map((name) => functionNamed(dev, name).roleId);
    const search = iamStatements(dev).filter((statement) => statement.actions.some((action) => action.startsWith('es:')) && statement.roles.some((role) => lambdaRoles.includes(role)));
    expect(search.length).toBe(3);
    for (const statement of search) {
      expect([...statement.actions].sort()).toEqual(['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut']);
      expect(statement.resources.map((resource) => JSON.stringify(resource).replace(/.*"\]\},"(.*)"\]\]\}$/, '$1')).sort()).toEqual(['/_bulk', '/fhir-dev*']);
    }
  });
});

describe('search fine-grained access control', () => {
  test('is on, with an IAM role (no internal users) as master user, and audit logs to an encrypted group', () => {
    dev.hasResourceProperties('AWS::OpenSearchService::Domain', {
      AdvancedSecurityOptions: { Enabled: true, InternalUserDatabaseEnabled: false, MasterUserOptions: { MasterUserARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SearchSecurityAdmin'), 'Arn'] } } },
      LogPublishingOptions: Match.objectLike({ AUDIT_LOGS: { Enabled: true, CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SearchAuditLogs'), 'Arn'] } } }),
    });
    dev.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue() });
    expect(JSON.stringify(resourcesOf(dev, 'AWS::Logs::ResourcePolicy')[0]?.[1].Properties?.['PolicyDocument'])).toContain('SearchAuditLogs');
  });

  test('the master user may call the security plugin\'s API only, and runs only the mapping function', () => {
    const admin = functionNamed(dev, 'FHIR: search domain role mapping').roleId;
    expect(admin).toMatch(/^SearchSecurityAdmin/);
    const statements = iamStatements(dev).filter((statement) => statement.roles.includes(admin) && statement.actions.some((action) => action.startsWith('es:')));
    expect(statements.map((statement) => [[...statement.actions].sort(), JSON.stringify(statement.resources)])).toEqual([[['es:ESHttpGet', 'es:ESHttpPut'], expect.stringMatching(/"\/_plugins\/_security\/\*"\]\]\}\]$/)]]);
    const users = resourcesOf(dev, 'AWS::Lambda::Function').filter(([, fn]) => JSON.stringify(fn.Properties?.['Role']).includes(admin));
    expect(users).toHaveLength(1);
  });

  test('a custom resource maps exactly the three Lambdas\' roles to this stage\'s indexes, after the master user\'s policy exists', () => {
    const [[, mapping] = ['', {}], ...others] = Object.entries(dev.findResources('Custom::SearchSecurity')) as [string, { Properties: Record<string, unknown>; DependsOn?: string[] }][];
    expect(others).toEqual([]);
    const roles = [REST_FUNCTION, GRAPHQL_FUNCTION, STREAM_FUNCTION].map((name) => ({ 'Fn::GetAtt': [functionNamed(dev, name).roleId, 'Arn'] }));
    expect(mapping.Properties).toEqual({ ServiceToken: { 'Fn::GetAtt': [functionNamed(dev, 'FHIR: search domain role mapping').id, 'Arn'] }, IndexPrefix: 'fhir-dev', BackendRoles: roles });
    expect(mapping.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SearchSecurityAdminDefaultPolicy/)]));
  });
});

describe('retention of the dead-letter queue', () => {
  test('prod keeps the dead-letter queue when the stack is deleted; dev removes it', () => {
    prod.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    dev.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Delete' });
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

describe('CDK feature flags', () => {
  const cdkJson = JSON.parse(readFileSync(join(__dirname, '..', '..', 'infra', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

  test('infra/cdk.json sets the recommended value of every flag of the modules this stack uses', () => {
    const modules = /^@aws-cdk\/(core|aws-iam|aws-kms|aws-s3|aws-lambda|aws-lambda-nodejs|aws-apigateway|aws-appsync|aws-dynamodb|aws-opensearchservice|aws-cloudfront|aws-cognito|aws-logs|aws-sqs|customresources|custom-resources):/;
    const deliberatelyUnset = new Set(['@aws-cdk/core:validateAgainstDefaultRules', '@aws-cdk/core:enableAdditionalMetadataCollection', '@aws-cdk/core:target-partitions', '@aws-cdk/core:annotationsInValidationReport']);
    const expired = new Set<string>(CURRENT_VERSION_EXPIRED_FLAGS);
    const missing = Object.entries(FLAGS)
      // A flag whose unset behaviour in CDK v2 already is the recommended one needs no setting.
      .filter(([name, flag]) => modules.test(name) && !expired.has(name) && !deliberatelyUnset.has(name) && flag.recommendedValue !== undefined && flag.unconfiguredBehavesLike?.v2 !== flag.recommendedValue)
      .filter(([name, flag]) => JSON.stringify(cdkJson.context[name]) !== JSON.stringify(flag.recommendedValue))
      .map(([name, flag]) => `${name}=${JSON.stringify(flag.recommendedValue)}`);
    expect(missing).toEqual([]);
  });

  test('the synthesized stack sees them (app.ts and the tests read them from cdk.json)', () => {
    const { stack } = synthesize({ search: false, graphqlTypes: 'Patient' });
    for (const [name, value] of Object.entries(cdkJson.context)) expect([name, stack.node.tryGetContext(name)]).toEqual([name, value]);
  });
});
