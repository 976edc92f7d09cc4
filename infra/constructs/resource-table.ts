import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { CfnElement } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { resourceTableDefinition } from '../../adapters/aws/dynamodb-table';
import { tableDefaults } from '../defaults/dynamodb-defaults';
import { removalPolicyFor } from '../defaults/removal';
import { acknowledge, compliancePacks, wildcardUnder } from '../nag';
import type { DataKey } from './data-key';

export interface ResourceTableProps {
  readonly dataKey: DataKey;
  readonly retainData: boolean;
}

/**
 * What the DynamoDB ResourceStore calls: GetItem, BatchGetItem and Query to read, and
 * TransactWriteItems to commit, which is authorized per item as Put/Update/Delete/
 * ConditionCheck. No Scan, no BatchWriteItem, no table management.
 */
export const RESOURCE_STORE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
] as const;

const attributeTypes: Readonly<Record<string, dynamodb.AttributeType>> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

/**
 * The single DynamoDB table (DESIGN.md: AWS data path). Its keys and history indexes are read
 * from the adapter's CreateTable definition, the one the adapter's tests run against, so the
 * deployed table cannot drift from the tested one.
 */
export class ResourceTable extends Construct {
  readonly table: dynamodb.Table;
  private readonly dataKey: DataKey;

  constructor(scope: Construct, id: string, props: ResourceTableProps) {
    super(scope, id);
    this.dataKey = props.dataKey;
    const definition = resourceTableDefinition('unused');
    const attribute = (name: string | undefined): dynamodb.Attribute => {
      const found = definition.AttributeDefinitions?.find((candidate) => candidate.AttributeName === name);
      const type = found?.AttributeType === undefined ? undefined : attributeTypes[found.AttributeType];
      if (name === undefined || type === undefined) throw new Error(`Table definition lacks attribute ${String(name)}`);
      return { name, type };
    };
    const keyName = (schema: readonly { AttributeName?: string | undefined; KeyType?: string | undefined }[] | undefined, keyType: 'HASH' | 'RANGE'): string | undefined =>
      schema?.find((element) => element.KeyType === keyType)?.AttributeName;

    const sortKeyName = keyName(definition.KeySchema, 'RANGE');
    this.table = new dynamodb.Table(this, 'Table', {
      ...tableDefaults(props.dataKey.key, props.retainData, removalPolicyFor(props.retainData)),
      partitionKey: attribute(keyName(definition.KeySchema, 'HASH')),
      ...(sortKeyName !== undefined ? { sortKey: attribute(sortKeyName) } : {}),
    });
    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      const indexSortKey = keyName(index.KeySchema, 'RANGE');
      const nonKeyAttributes = index.Projection?.NonKeyAttributes;
      if (index.IndexName === undefined) throw new Error('Table definition has an unnamed index');
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: attribute(keyName(index.KeySchema, 'HASH')),
        ...(indexSortKey !== undefined ? { sortKey: attribute(indexSortKey) } : {}),
        ...(nonKeyAttributes !== undefined
          ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes }
          : { projectionType: dynamodb.ProjectionType.ALL }),
      });
    }
    if (!props.retainData) acknowledge(this, 'A stage that does not keep its data (retainData=false, the default outside prod) has point-in-time recovery only; with retainData the AWS Backup plan (data-backup.ts) covers the table', ...compliancePacks('DynamoDBInBackupPlan'));
  }

  /** The ResourceStore's item reads and transactional writes, on the table and its indexes. */
  grantResourceStore(grantee: IGrantable): void {
    this.table.grant(grantee, ...RESOURCE_STORE_ACTIONS);
    this.dataKey.grantDataUse(grantee, ['dynamodb']);
    // Queries run on the table's own history indexes (<table ARN>/index/*), nothing else.
    if (grantee instanceof Construct) acknowledge(grantee, 'Queries on the resource table\'s own GSIs (history by type and system): <table>/index/* names no other table', wildcardUnder(this.table.node.defaultChild as CfnElement, '/index/*'));
  }
}
