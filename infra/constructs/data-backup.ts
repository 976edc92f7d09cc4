import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

export interface DataBackupProps {
  readonly dataKey: IKey;
  readonly table: dynamodb.ITable;
  readonly buckets: readonly s3.IBucket[];
}

/** Monthly recovery points are kept six years: HIPAA's retention of documentation (45 CFR 164.316(b)(2)(i)). */
const MONTHLY_KEPT = Duration.days(6 * 365 + 2);

/**
 * AWS Backup for a stage that keeps data (issue 10; HIPAA 164.308(a)(7)(ii)(A) data backup
 * plan): the resource table and the buckets, daily (kept 35 days) and monthly (kept six years),
 * into a vault encrypted with the data key. PITR on the table stays the fine-grained recovery.
 */
export class DataBackup extends Construct {
  constructor(scope: Construct, id: string, props: DataBackupProps) {
    super(scope, id);
    const vault = new backup.BackupVault(this, 'Vault', { encryptionKey: props.dataKey, removalPolicy: RemovalPolicy.RETAIN });
    const plan = new backup.BackupPlan(this, 'Plan', {
      backupVault: vault,
      backupPlanRules: [
        new backup.BackupPlanRule({ ruleName: 'daily', scheduleExpression: backup.BackupPlanRule.daily().props.scheduleExpression, deleteAfter: Duration.days(35) }),
        new backup.BackupPlanRule({ ruleName: 'monthly', scheduleExpression: backup.BackupPlanRule.monthly1Year().props.scheduleExpression, deleteAfter: MONTHLY_KEPT }),
      ],
    });
    const selection = plan.addSelection('Data', {
      resources: [backup.BackupResource.fromDynamoDbTable(props.table), ...props.buckets.map((bucket) => backup.BackupResource.fromArn(bucket.bucketArn))],
      allowRestores: true,
    });
    // S3 backups need the S3-specific service policies besides the default one.
    const role = selection.grantPrincipal as iam.Role;
    role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Backup'));
    role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Restore'));
    acknowledge(this, 'AWS Backup documents these service-role managed policies for backing up and restoring DynamoDB and S3',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore]');
  }
}
