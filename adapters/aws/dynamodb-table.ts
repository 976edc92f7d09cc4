// The single DynamoDB table of the AWS system of record (DESIGN.md: AWS data path; issue 6).
// The key layout lives in dynamodb-items.ts; this file is the table's shape, shared by the test
// helper below and (as plain data) by the CDK stack, so both create the same table.
//
// - Base table (pk, sk): one partition per resource, `{tenant}#{type}#{id}`; sk `c` is the
//   current version (read, readMany, the optimistic-concurrency check), `v#{version}` each
//   historical version (vread, history-instance).
// - GSI `type-history` (tpk = `{tenant}#{type}#{shard}`, hsk = `{lastUpdated ms}#...`):
//   history-type.
// - GSI `system-history` (spk = `{tenant}#{shard}`, hsk): history-system. Only version items
//   carry these attributes, so the indexes hold history and nothing else. Each tenant (and type)
//   is spread over dynamodb-items.ts's historyShards partitions, so history writes are not
//   capped by one GSI partition (about 1,000 writes/s); reads merge the shards.
// GSIs are eventually consistent, so history-type and history-system may miss a version for a
// moment after its commit (history-instance reads the base table, strongly consistent).
// The stream (NEW_AND_OLD_IMAGES) feeds adapters/aws/stream-processor.ts.
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

export const typeHistoryIndex = 'type-history';
export const systemHistoryIndex = 'system-history';

/** Attributes the history indexes project besides their keys (everything a version needs). */
const historyAttributes = ['rt', 'rid', 'vid', 'lu', 'del', 'body', 'gz'];

/** The table definition, for CreateTable here and the CDK construct (infra/). */
export function resourceTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'tpk', AttributeType: 'S' },
      { AttributeName: 'spk', AttributeType: 'S' },
      { AttributeName: 'hsk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: typeHistoryIndex,
        KeySchema: [
          { AttributeName: 'tpk', KeyType: 'HASH' },
          { AttributeName: 'hsk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: historyAttributes },
      },
      {
        IndexName: systemHistoryIndex,
        KeySchema: [
          { AttributeName: 'spk', KeyType: 'HASH' },
          { AttributeName: 'hsk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: historyAttributes },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    SSESpecification: { Enabled: true },
  };
}

/**
 * Creates the table if it does not exist and waits until it is ACTIVE. Returns its stream ARN.
 * For tests and local tooling; on AWS the CDK stack owns the table.
 */
export async function ensureResourceTable(client: DynamoDBClient, tableName: string, timeoutMs = 30_000): Promise<string | undefined> {
  try {
    await client.send(new CreateTableCommand(resourceTableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return Table.LatestStreamArn;
    if (Date.now() > deadline) throw new Error(`DynamoDB table ${tableName} did not become ACTIVE within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
