// The AWS data path as synthesized (DESIGN.md: AWS data path): the system-of-record table, the
// stream processor and its dead-letter queue, the optional search domain, retention per stage.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { resourceTableDefinition } from '../../adapters/aws/dynamodb-table';
import { InfraConfigError, parseInfraConfig } from '../../infra/config';
import { LAMBDA_ENV } from '../../infra/lambda-entries';
import { REST_FUNCTION, STREAM_FUNCTION, actionsOfRole, functionNamed, resourcesOf, synthesize } from './synth';

let template: Template;

beforeAll(() => {
  template = synthesize().template;
});

describe('resource table', () => {
  test('is on-demand, point-in-time recoverable and streams new and old images', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  test('has the keys and history indexes of the adapter tested against the emulator', () => {
    const definition = resourceTableDefinition('unused');
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: definition.KeySchema,
      GlobalSecondaryIndexes: (definition.GlobalSecondaryIndexes ?? []).map((index) => ({
        IndexName: index.IndexName,
        KeySchema: index.KeySchema,
        Projection: index.Projection,
      })),
    });
  });

  test('a throw-away stage is destroyed with its stack', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });
});

describe('stream processor', () => {
  test('reads the stream with partial batch responses, bisection and bounded retries', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResourcesTable'), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86400,
      ParallelizationFactor: 1,
    });
  });

  test('sends batches that exhaust their retries to the encrypted dead-letter queue', () => {
    const [[queueId] = ['']] = resourcesOf(template, 'AWS::SQS::Queue');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue(), MessageRetentionPeriod: 1209600 });
  });

  test('is told where to index and where to publish', () => {
    const environment = (functionNamed(template, STREAM_FUNCTION).properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(environment[LAMBDA_ENV.openSearchEndpoint]).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^SearchDomain/), 'DomainEndpoint'] }]] });
    expect(environment[LAMBDA_ENV.appSyncUrl]).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^GraphqlApi/), 'GraphQLUrl'] });
  });
});

describe('Lambdas', () => {
  test('run on a supported Node.js runtime with X-Ray tracing, inside the VPC when search is on', () => {
    const functions = resourcesOf(template, 'AWS::Lambda::Function').filter(([, fn]) => String(fn.Properties?.['Description'] ?? '').startsWith('FHIR'));
    // The three FHIR Lambdas and the search domain's deploy-time security configuration.
    expect(functions).toHaveLength(4);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, VpcConfig: { SubnetIds: expect.any(Array) } });
    }
  });
});

describe('without search', () => {
  test('there is no domain, no VPC, and no Lambda may call OpenSearch', () => {
    const noSearch = synthesize({ search: false, graphqlTypes: 'Patient' }).template;
    noSearch.resourceCountIs('AWS::OpenSearchService::Domain', 0);
    noSearch.resourceCountIs('AWS::EC2::VPC', 0);
    for (const [, fn] of resourcesOf(noSearch, 'AWS::Lambda::Function')) expect(fn.Properties?.['VpcConfig']).toBeUndefined();
    const rest = functionNamed(noSearch, REST_FUNCTION);
    expect(actionsOfRole(noSearch, rest.roleId).filter((action) => action.startsWith('es:'))).toEqual([]);
    expect((rest.properties['Environment'] as { Variables: Record<string, unknown> }).Variables[LAMBDA_ENV.openSearchEndpoint]).toBeUndefined();
  });
});

describe('the prod stage', () => {
  test('retains and deletion-protects its data stores and spreads search over two zones', () => {
    const prod = synthesize({ stage: 'prod', graphqlTypes: 'Patient' }).template;
    prod.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    prod.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: 'ACTIVE', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } }) });
    prod.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    prod.hasResource('AWS::OpenSearchService::Domain', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ ClusterConfig: Match.objectLike({ InstanceCount: 2, ZoneAwarenessEnabled: true, ZoneAwarenessConfig: { AvailabilityZoneCount: 2 } }) }),
    });
    for (const [, bucket] of Object.entries(prod.findResources('AWS::S3::Bucket'))) expect(bucket).toMatchObject({ DeletionPolicy: 'Retain' });
  });
});

describe('configuration', () => {
  test('defaults to a dev stage with search and every GraphQL type', () => {
    expect(parseInfraConfig({})).toMatchObject({ stage: 'dev', retainData: false, multiTenancy: false, search: { dataNodes: 1 }, graphqlTypes: [] });
  });

  test('reads string context values as the CLI passes them', () => {
    expect(parseInfraConfig({ multiTenancy: 'true', search: 'false', graphqlTypes: 'Patient, Observation', apiRateLimit: '50' })).toMatchObject({
      multiTenancy: true,
      search: undefined,
      graphqlTypes: ['Patient', 'Observation'],
      apiThrottling: { rateLimit: 50, burstLimit: 200 },
    });
  });

  test('rejects a stage name that is not valid in AWS resource names', () => {
    expect(() => parseInfraConfig({ stage: 'Prod_1' })).toThrow(InfraConfigError);
  });

  test('rejects a search node count that cannot be spread evenly over zones', () => {
    expect(() => synthesize({ searchDataNodes: 5, graphqlTypes: 'Patient' })).toThrow(/searchDataNodes=5/);
  });
});
