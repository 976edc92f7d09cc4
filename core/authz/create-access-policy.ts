import type { AccessPolicy } from './access-policy';
import type { AccessPolicyConfig } from './access-policy-config';
import { GrantPolicy } from './grant-policy';
import { describeGroups, groupGrants } from './group-policy';
import { describeScopes, smartGrants } from './smart-policy';

export interface AccessPolicyOptions {
  /** CoreConfig.multiTenancy: when true every decision also applies assertTenant. */
  readonly multiTenancy: boolean;
}

/**
 * The AccessPolicy for a validated config (parseAccessPolicyConfig): Cognito-group mode or
 * SMART mode. For the explicit no-auth mode use allowAllPolicy instead.
 */
export function createAccessPolicy(config: AccessPolicyConfig, options: AccessPolicyOptions = { multiTenancy: false }): AccessPolicy {
  return config.mode === 'smart'
    ? new GrantPolicy(smartGrants(config), { multiTenancy: options.multiTenancy, describe: describeScopes })
    : new GrantPolicy(groupGrants(config), { multiTenancy: options.multiTenancy, describe: describeGroups });
}
