// Security properties of the synthesized AWS home (STYLE.md: infra tests assert encryption,
// public access blocked and least privilege, not logical ids).
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { GRAPHQL_FUNCTION, REST_FUNCTION, STREAM_FUNCTION, actionsOfRole, functionNamed, iamStatements, resourcesOf, synthesize, type Synthesized } from './synth';

/**
 * Actions AWS authorizes only on Resource "*": X-Ray has no resource-level permissions, and
 * dynamodb:ListStreams is not scoped to a table
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
 */
const ACTIONS_AWS_REQUIRES_ON_ANY_RESOURCE = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dynamodb:ListStreams']);

let synthesized: Synthesized;
let template: Template;
let keyRef: { 'Fn::GetAtt': [string, string] };

beforeAll(() => {
  synthesized = synthesize();
  template = synthesized.template;
  const [keyId] = Object.keys(template.findResources('AWS::KMS::Key'));
  if (keyId === undefined) throw new Error('no KMS key');
  keyRef = { 'Fn::GetAtt': [keyId, 'Arn'] };
});

describe('encryption at rest', () => {
  test('the data key is customer-managed and rotated', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('the resource table is encrypted with the data key', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyRef } });
  });

  test('the binary bucket uses SSE-KMS with the data key and bucket keys', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyRef }, BucketKeyEnabled: true }] },
    });
  });

  test('only the access-log bucket uses SSE-S3, the one encryption S3 log delivery accepts', () => {
    const sseS3 = resourcesOf(template, 'AWS::S3::Bucket').filter(([, bucket]) => JSON.stringify(bucket.Properties?.['BucketEncryption']).includes('AES256'));
    const logTargets = resourcesOf(template, 'AWS::S3::Bucket').flatMap(([, bucket]) => {
      const logging = bucket.Properties?.['LoggingConfiguration'] as { DestinationBucketName?: { Ref?: string } } | undefined;
      return logging?.DestinationBucketName?.Ref ?? [];
    });
    expect(sseS3.map(([id]) => id)).toEqual(logTargets);
    expect(resourcesOf(template, 'AWS::S3::Bucket')).toHaveLength(2);
  });

  test('the dead-letter queue is encrypted with the data key', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyRef });
  });

  test('the search domain encrypts at rest with the data key, node to node, and serves HTTPS only with TLS 1.2+', () => {
    template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      EngineVersion: 'OpenSearch_2.19',
      EncryptionAtRestOptions: { Enabled: true, KmsKeyId: Match.anyValue() },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-PFS-2023-10' },
    });
  });

  test('every log group is encrypted with the data key and has a retention', () => {
    const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(6);
    for (const [, group] of groups) {
      expect(group.Properties?.['KmsKeyId']).toEqual(keyRef);
      expect(group.Properties?.['RetentionInDays']).toEqual(expect.any(Number));
    }
  });
});

describe('no public access', () => {
  test('every bucket blocks all public access and disables ACLs', () => {
    for (const [, bucket] of resourcesOf(template, 'AWS::S3::Bucket')) {
      expect(bucket.Properties?.['PublicAccessBlockConfiguration']).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(bucket.Properties?.['OwnershipControls']).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(bucket.Properties?.['AccessControl']).toBeUndefined();
    }
  });

  test('every bucket policy denies requests without TLS and below TLS 1.2', () => {
    const policies = resourcesOf(template, 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(2);
    for (const [, policy] of policies) {
      const statements = (policy.Properties?.['PolicyDocument'] as { Statement: { Effect: string; Condition?: unknown }[] }).Statement;
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }));
    }
  });

  test('the dead-letter queue accepts TLS requests only', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('the search domain sits in private subnets; its policy names the three Lambda roles and this stage\'s indexes only', () => {
    const [[, domain] = ['', {}]] = resourcesOf(template, 'AWS::OpenSearchService::Domain');
    expect(domain.Properties?.['VPCOptions']).toEqual({ SubnetIds: [expect.anything()], SecurityGroupIds: [expect.anything()] });
    const [statement, admin, ...others] = (domain.Properties?.['AccessPolicies'] as { Statement: { Effect: string; Principal: { AWS: unknown[] }; Resource: unknown[] }[] }).Statement;
    expect(others).toEqual([]);
    // The second statement: the fine-grained access control master user, on the security API only.
    expect(admin?.Principal.AWS).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SearchSecurityAdmin/), 'Arn'] });
    expect(JSON.stringify(admin?.Resource)).toMatch(/domain\/fhir-dev\/_plugins\/_security\/\*"\]\]\}$/);
    const roles = [REST_FUNCTION, GRAPHQL_FUNCTION, STREAM_FUNCTION].map((name) => ({ 'Fn::GetAtt': [functionNamed(template, name).roleId, 'Arn'] }));
    expect(statement?.Principal.AWS).toEqual(expect.arrayContaining(roles));
    expect(statement?.Principal.AWS).toHaveLength(3);
    expect(JSON.stringify(statement?.Resource)).toMatch(/domain\/fhir-dev\/fhir-dev\*/);
    expect(JSON.stringify(statement?.Resource)).toMatch(/domain\/fhir-dev\/_bulk/);
  });

  test('the search domain admits HTTPS from the Lambdas security group only', () => {
    const ingress = resourcesOf(template, 'AWS::EC2::SecurityGroupIngress');
    expect(ingress).toHaveLength(1);
    expect(ingress[0]?.[1].Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: expect.anything() });
    for (const [, group] of resourcesOf(template, 'AWS::EC2::SecurityGroup')) {
      expect(JSON.stringify(group.Properties?.['SecurityGroupIngress'] ?? [])).not.toContain('0.0.0.0/0');
    }
  });
});

describe('least privilege', () => {
  test('no identity policy allows every action of any service', () => {
    const all = [synthesized.template, ...synthesized.nested].flatMap(iamStatements);
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter((statement) => statement.actions.some((action) => action === '*' || action.endsWith(':*')))).toEqual([]);
  });

  test('Resource "*" appears only with the actions AWS authorizes on no narrower resource', () => {
    const onAnyResource = iamStatements(template).filter((statement) => statement.resources.includes('*'));
    expect(onAnyResource.length).toBeGreaterThan(0);
    for (const statement of onAnyResource) {
      expect(statement.actions.filter((action) => !ACTIONS_AWS_REQUIRES_ON_ANY_RESOURCE.has(action))).toEqual([]);
    }
  });

  test('the front doors may read and commit items but neither scan nor manage the table', () => {
    for (const name of [REST_FUNCTION, GRAPHQL_FUNCTION]) {
      const actions = actionsOfRole(template, functionNamed(template, name).roleId);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 's3:GetObject', 's3:PutObject']));
      expect(actions.filter((action) => /^dynamodb:(Scan|BatchWriteItem|DeleteTable|UpdateTable|CreateTable)$/.test(action) || /^s3:(Delete|List)/.test(action))).toEqual([]);
    }
  });

  test('the stream processor reads the stream and writes nothing to the table or the bucket', () => {
    const actions = actionsOfRole(template, functionNamed(template, STREAM_FUNCTION).roleId);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'sqs:SendMessage', 'appsync:GraphQL']));
    expect(actions.filter((action) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action) || action.startsWith('s3:'))).toEqual([]);
  });

  test('only the stream processor may call the publish mutation, and only that field', () => {
    const appsyncStatements = iamStatements(template).filter((statement) => statement.actions.includes('appsync:GraphQL'));
    expect(appsyncStatements).toHaveLength(1);
    expect(appsyncStatements[0]?.roles).toEqual([functionNamed(template, STREAM_FUNCTION).roleId]);
    expect(JSON.stringify(appsyncStatements[0]?.resources)).toContain('/types/Mutation/fields/publishResourceChange');
  });

  test('search access is scoped to the one domain', () => {
    const searchStatements = iamStatements(template).filter((statement) => statement.actions.some((action) => action.startsWith('es:')));
    // The three Lambdas, and the domain's master user (its security plugin API only).
    expect(searchStatements).toHaveLength(4);
    for (const statement of searchStatements) {
      expect(JSON.stringify(statement.resources)).toMatch(/SearchDomain[0-9A-F]+/);
      expect(statement.resources).not.toContain('*');
    }
  });
});
