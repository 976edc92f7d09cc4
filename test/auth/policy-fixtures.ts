// Shared helpers for the policy suites: contexts for a principal, and the shipped config file.
import { join } from 'node:path';
import { loadAccessPolicyConfigFile } from '../../adapters/auth/access-policy-file';
import type { AccessPolicyConfig } from '../../core/authz/access-policy-config';
import type { Principal, RequestContext } from '../../core/request';

export const SHIPPED_CONFIG_PATH = join(__dirname, '..', '..', 'config', 'access-policy.json');

export function shippedConfig(): AccessPolicyConfig {
  return loadAccessPolicyConfigFile(SHIPPED_CONFIG_PATH);
}

export function smartConfig(smart: Partial<AccessPolicyConfig['smart']> = {}): AccessPolicyConfig {
  const config = shippedConfig();
  return { ...config, mode: 'smart', smart: { ...config.smart, ...smart } };
}

export function context(principal: Partial<Principal>, tenant = 'default'): RequestContext {
  return {
    principal: { subject: 'test-user', groups: [], scopes: [], ...principal },
    tenant,
    baseUrl: `http://127.0.0.1/fhir`,
    correlationId: 'test',
  };
}
