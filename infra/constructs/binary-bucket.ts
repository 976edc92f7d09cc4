import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { removalPolicyFor } from '../defaults/removal';
import { accessLogBucketProps, dataBucketProps } from '../defaults/s3-defaults';

export interface BinaryBucketProps {
  readonly encryptionKey: IKey;
  readonly retainData: boolean;
}

/** Binary resource content and bulk exports (adapters/aws/s3-binary-store.ts), with access logs. */
export class BinaryBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  private readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: BinaryBucketProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    const removalPolicy = removalPolicyFor(props.retainData);
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', accessLogBucketProps(removalPolicy, props.retainData));
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...dataBucketProps(props.encryptionKey, removalPolicy),
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'binaries/',
    });
  }

  /**
   * What the S3 BinaryStore does, directly or through presigned URLs signed with these
   * credentials: GetObject and PutObject on objects, with the key to encrypt and decrypt.
   * No listing, no deletes (old versions expire by lifecycle).
   */
  grantObjectAccess(grantee: IGrantable): void {
    Grant.addToPrincipal({ grantee, actions: ['s3:GetObject', 's3:PutObject'], resourceArns: [this.bucket.arnForObjects('*')] });
    this.encryptionKey.grantEncryptDecrypt(grantee);
  }
}
