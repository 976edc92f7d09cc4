import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';

/** An AWS managed rule group, in the order WAF evaluates it. */
function managedGroup(name: string, priority: number): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: false, metricName: name },
  };
}

/**
 * The web ACL rules in front of both APIs (issue 10): a per-IP rate limit first, then AWS's
 * common rule set and known bad inputs. Sampled requests stay off: they would store request
 * bodies and headers, i.e. PHI and bearer tokens. The common rule set's body size rule is
 * counted, not blocking: FHIR bundles and Binary uploads are legitimately larger than 8 KB.
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 */
export function webAclRules(rateLimit: number): wafv2.CfnWebACL.RuleProperty[] {
  const common = managedGroup('AWSManagedRulesCommonRuleSet', 1);
  return [
    {
      name: 'RateLimitPerIp',
      priority: 0,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: false, metricName: 'RateLimitPerIp' },
    },
    {
      ...common,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet', ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] } },
    },
    managedGroup('AWSManagedRulesKnownBadInputsRuleSet', 2),
  ];
}
