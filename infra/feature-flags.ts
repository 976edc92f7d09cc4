// The CDK feature flags of this app (issue 10) live in infra/cdk.json's `context`, where
// `cdk deploy` from infra/ reads them, as `cdk init` would write them for this CDK version: the
// recommended value of every flag of the modules this stack uses (core, IAM, KMS, S3, Lambda,
// API Gateway, AppSync, DynamoDB, EC2, OpenSearch, CloudFront, custom resources). app.ts (also
// run from the repository root, where no cdk.json is read) and the infra tests pass the same
// values, so every synthesis behaves alike. Among them, the ones this stack's security rests on:
// - access-log delivery by bucket policy, not the LogDeliveryWrite ACL, so buckets keep
//   ObjectOwnership BucketOwnerEnforced (ACLs disabled);
// - merged, minimal IAM policy statements;
// - API Gateway's account CloudWatch role only where asked for (RestFrontDoor asks);
// - public access blocked on every bucket by default, the VPC default security group closed,
//   AppSync's Lambda permissions scoped to the API.
// Left out: `@aws-cdk/core:validateAgainstDefaultRules` (CloudFormation rule checks on every
// synth cost seconds; test/infra/cloudformation-rules.test.ts runs them) and EC2 instance flags
// for resources this stack does not have.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readCdkJsonContext(): Readonly<Record<string, unknown>> {
  const parsed: unknown = JSON.parse(readFileSync(join(__dirname, 'cdk.json'), 'utf8'));
  const context = typeof parsed === 'object' && parsed !== null && 'context' in parsed ? parsed.context : undefined;
  if (typeof context !== 'object' || context === null) throw new Error('infra/cdk.json has no "context" with the feature flags');
  return context as Record<string, unknown>;
}

export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = readCdkJsonContext();
