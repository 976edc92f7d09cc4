// The shared ResourceStore contract (test/contract/) against DynamoDbResourceStore on moto.
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbResourceStore } from '../../adapters/aws/dynamodb-resource-store';
import { ensureResourceTable } from '../../adapters/aws/dynamodb-table';
import { describeResourceStoreContract } from '../contract/resource-store-contract';
import { dynamoDbClient, uniqueName } from './support/clients';
import { describeWithMoto } from './support/engines';

describeWithMoto('DynamoDbResourceStore on moto', (endpoint) => {
  const tableName = uniqueName('fhir-contract');
  let client: DynamoDBClient | undefined;
  let table: Promise<unknown> | undefined;

  describeResourceStoreContract(
    'DynamoDB (moto)',
    async () => {
      client ??= dynamoDbClient(endpoint);
      table ??= ensureResourceTable(client, tableName);
      await table;
      return new DynamoDbResourceStore({ tableName, client });
    },
    async () => {
      await client?.send(new DeleteTableCommand({ TableName: tableName }));
      client?.destroy();
    },
  );
});
