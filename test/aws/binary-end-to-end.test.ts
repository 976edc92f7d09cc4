// Binary content on the AWS home (binary.html#rest): a raw upload through the REST Lambda handler
// (a real API Gateway proxy event, base64 as API Gateway sends binary media types) lands in S3,
// not in the DynamoDB item, and a native read returns the same bytes base64-encoded for API Gateway.
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ensureResourceTable } from '../../adapters/aws/dynamodb-table';
import { createRestLambdaHandler, type RestLambdaHandler } from '../../rest/lambda-handler';
import { createAwsApp, parseAwsConfig, type AwsApp } from '../../wiring/aws';
import { apiEvent } from './support/api-gateway';
import { dynamoDbClient, s3Client, uniqueName } from './support/clients';
import { describeWithMoto } from './support/engines';

describeWithMoto('Binary content on DynamoDB and S3 (moto)', (endpoint) => {
  const tableName = uniqueName('fhir-binary');
  const bucket = uniqueName('fhir-binary-bucket');
  let app: AwsApp;
  let rest: RestLambdaHandler;

  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    const dynamo = dynamoDbClient(endpoint);
    await ensureResourceTable(dynamo, tableName);
    dynamo.destroy();
    const s3 = s3Client(endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    s3.destroy();
    app = createAwsApp(parseAwsConfig({
      FHIR_TABLE_NAME: tableName,
      FHIR_DYNAMODB_ENDPOINT: endpoint,
      FHIR_BINARY_BUCKET: bucket,
      FHIR_S3_ENDPOINT: endpoint,
      FHIR_AUTH_MODE: 'none',
      LOG_LEVEL: 'silent',
    }));
    rest = createRestLambdaHandler(() => app.door);
  });
  afterAll(async () => {
    await app.close();
    const dynamo = dynamoDbClient(endpoint);
    await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
    dynamo.destroy();
  });

  test('a 1 MB raw upload is stored in S3 and read back natively', async () => {
    const bytes = randomBytes(1024 * 1024);
    const created = await rest(apiEvent('POST', '/Binary', { 'Content-Type': 'image/png', Accept: 'application/fhir+json' }, { bytes }));
    expect(created.statusCode).toBe(201);
    const id = (JSON.parse(created.body) as { id: string }).id;

    const stored = await app.deps.store.read('default', 'Binary', id);
    const read = await rest(apiEvent('GET', `/Binary/${id}`, { Accept: 'image/png' }));

    expect(stored?.resource?.['data']).toBeUndefined();
    expect(read.statusCode).toBe(200);
    expect(read.isBase64Encoded).toBe(true);
    expect(read.headers?.['content-type']).toBe('image/png');
    expect(Buffer.from(read.body, 'base64').equals(bytes)).toBe(true);
  });
});
