// cdk-nag rule packs (issue 10): AWS Solutions, HIPAA Security and NIST 800-53 rev 5, run as
// CDK validation plugins on every synthesis, so `cdk synth`/`cdk deploy` and the tests
// (test/infra/nag.test.ts) fail on any finding that is neither fixed nor acknowledged. An
// acknowledgment sits beside the construct it is about and carries its reason:
//   acknowledge(scope, 'why this is right here', 'AwsSolutions-IAM4[Policy::...]', ...)
// Rule ids and what they check: node_modules/cdk-nag/RULES.md.
import { Stack, Validations, type CfnElement, type Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export function addNagPacks(app: Stage): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app), new NIST80053R5Checks(app));
}

/**
 * Acknowledges rules on `scope` and everything under it. Each id is a full rule id as the
 * report prints it (e.g. `AwsSolutions-IAM5[Resource::*]`, `HIPAA.Security-LambdaDLQ`).
 */
export function acknowledge(scope: IConstruct, reason: string, ...ids: string[]): void {
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}

/** The same rule in the HIPAA Security and NIST 800-53 r5 packs (they share rule names). */
export function compliancePacks(...rules: string[]): string[] {
  return rules.flatMap((rule) => [`HIPAA.Security-${rule}`, `NIST.800.53.R5-${rule}`]);
}

/** The AwsSolutions-IAM5 id of a wildcard under a resource's ARN, e.g. `<Table1234.Arn>/index/*`. */
export function wildcardUnder(resource: CfnElement, suffix: string): string {
  return `AwsSolutions-IAM5[Resource::<${Stack.of(resource).getLogicalId(resource)}.Arn>${suffix}]`;
}
