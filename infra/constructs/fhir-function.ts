import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundlingDefaults, lambdaDefaults, type CopiedFile } from '../defaults/lambda-defaults';
import { logGroupProps } from '../defaults/logs-defaults';
import { removalPolicyFor } from '../defaults/removal';
import { HANDLER_EXPORT, REPO_ROOT } from '../lambda-entries';
import { acknowledge, compliancePacks } from '../nag';

/** Where a function runs when the search domain lives in a VPC. */
export interface FunctionNetwork {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: ec2.ISecurityGroup[];
}

/** What every FHIR function needs from the stack, besides its own entry and sizing. */
export interface FunctionSettings {
  readonly encryptionKey: IKey;
  readonly retainData: boolean;
  readonly environment: Readonly<Record<string, string>>;
  readonly network?: FunctionNetwork;
}

export interface FhirFunctionProps extends FunctionSettings {
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly copyFiles?: readonly CopiedFile[];
  /**
   * Executions reserved for this function (and its ceiling). Absent for the front doors, which
   * scale with requests, bounded by API Gateway throttling and the WAF rate rule.
   */
  readonly reservedConcurrency?: number;
  /** A role made elsewhere (e.g. the search domain's master user); by default the function gets its own. */
  readonly role?: IRole;
}

/** A bundled Node.js Lambda with its own encrypted log group and the secure defaults. */
export class FhirFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: FhirFunctionProps) {
    super(scope, id);
    const removalPolicy = removalPolicyFor(props.retainData);
    const logGroup = new LogGroup(this, 'Logs', logGroupProps(props.encryptionKey, props.retainData, removalPolicy));
    this.function = new NodejsFunction(this, 'Function', {
      ...lambdaDefaults,
      entry: props.entry,
      handler: HANDLER_EXPORT,
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}/package-lock.json`,
      bundling: bundlingDefaults(props.copyFiles ?? []),
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      logGroup,
      ...(props.role !== undefined ? { role: props.role } : {}),
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: { ...lambdaDefaults.environment, ...props.environment },
      ...(props.network ? { vpc: props.network.vpc, vpcSubnets: props.network.vpcSubnets, securityGroups: props.network.securityGroups } : {}),
    });
    acknowledge(this, 'AWSLambdaBasicExecutionRole (and, in the VPC, AWSLambdaVPCAccessExecutionRole) are the AWS managed policies Lambda documents for log delivery and ENIs; logs go to this function\'s own encrypted group',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]');
    acknowledge(this, 'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions (test/infra/security.test.ts)', 'AwsSolutions-IAM5[Resource::*]');
    acknowledge(this, 'CDK writes each role\'s grants as one AWS::IAM::Policy attached to that role only; its statements are asserted least-privilege by test/infra/security.test.ts', ...compliancePacks('IAMNoInlinePolicy'));
    acknowledge(this, 'Invoked synchronously (API Gateway, AppSync) or by a DynamoDB event source mapping whose failures go to its on-failure SQS destination; an async DLQ would never receive anything', ...compliancePacks('LambdaDLQ'));
    if (props.reservedConcurrency === undefined) {
      acknowledge(this, 'A front door scales with requests; API Gateway throttling and the WAF rate rule bound it, and reserving would take from the account pool the stream processor needs', ...compliancePacks('LambdaConcurrency'));
    }
    if (props.network === undefined) {
      acknowledge(this, 'Without a search domain there is no VPC: DynamoDB, S3, AppSync and Cognito are reached over their TLS endpoints with IAM', ...compliancePacks('LambdaInsideVPC'));
    }
  }
}
