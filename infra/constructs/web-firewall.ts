import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { logGroupProps } from '../defaults/logs-defaults';
import { removalPolicyFor } from '../defaults/removal';
import { webAclRules } from '../defaults/waf-defaults';

export interface WebFirewallProps {
  readonly stage: string;
  readonly rateLimit: number;
  readonly encryptionKey: IKey;
  readonly retainData: boolean;
}

/** A regional WAFv2 web ACL (issue 10) for the REST stage and the AppSync API. */
export class WebFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `fhir-${props.stage}`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rules: webAclRules(props.rateLimit),
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: false, metricName: `fhir-${props.stage}` },
    });
    // WAF logs every request's metadata (HIPAA 164.312(b) audit controls) to a group whose name
    // must start with aws-waf-logs-; the bearer token and cookies are redacted.
    const logs = new LogGroup(this, 'Logs', { ...logGroupProps(props.encryptionKey, props.retainData, removalPolicyFor(props.retainData)), logGroupName: `aws-waf-logs-fhir-${props.stage}` });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [logs.logGroupArn],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
  }

  /** Puts the ACL in front of an API Gateway stage or an AppSync API (by ARN). */
  protect(id: string, resourceArn: string): void {
    new wafv2.CfnWebACLAssociation(this, id, { resourceArn, webAclArn: this.webAcl.attrArn });
  }
}
