import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';

/**
 * Secure defaults for the system-of-record table: on-demand capacity, point-in-time recovery,
 * a customer-managed key, the NEW_AND_OLD_IMAGES stream the processor reads, and deletion
 * protection when the stage keeps its data. Keys and indexes come from the adapter's own table
 * definition (adapters/aws/dynamodb-table.ts), so the CDK table and the tested one agree.
 */
export function tableDefaults(encryptionKey: IKey, retainData: boolean, removalPolicy: RemovalPolicy): Partial<dynamodb.TableProps> {
  return {
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    deletionProtection: retainData,
    removalPolicy,
  };
}
