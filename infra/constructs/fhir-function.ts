import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundlingDefaults, lambdaDefaults, type CopiedFile } from '../defaults/lambda-defaults';
import { logGroupProps } from '../defaults/logs-defaults';
import { removalPolicyFor } from '../defaults/removal';
import { HANDLER_EXPORT, REPO_ROOT } from '../lambda-entries';

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
      environment: { ...lambdaDefaults.environment, ...props.environment },
      ...(props.network ? { vpc: props.network.vpc, vpcSubnets: props.network.vpcSubnets, securityGroups: props.network.securityGroups } : {}),
    });
  }
}
