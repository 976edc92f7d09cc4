import { FhirError } from '../errors/fhir-error';
import type { Principal } from '../request';
import { parseAccessPolicyConfig } from './access-policy-config';
import { createAccessPolicy } from './create-access-policy';
import { assertTenant } from './tenancy';

const config = parseAccessPolicyConfig({ mode: 'cognito-groups', groups: { practitioner: [{ interactions: ['*'], resourceTypes: ['*'] }] } });

const principal = (tenant?: string): Principal => ({ subject: 's', groups: ['practitioner'], scopes: [], ...(tenant === undefined ? {} : { tenant }) });

function status(fn: () => void): number {
  try {
    fn();
    return 200;
  } catch (error) {
    if (error instanceof FhirError) return error.status;
    throw error;
  }
}

test('without multi-tenancy any token may act in the default tenant', () => {
  expect(status(() => assertTenant(principal(), 'default', false))).toBe(200);
});

test('with multi-tenancy the token tenant may act in its own tenant', () => {
  expect(status(() => assertTenant(principal('t1'), 't1', true))).toBe(200);
});

test('with multi-tenancy another tenant is 403', () => {
  expect(status(() => assertTenant(principal('t1'), 't2', true))).toBe(403);
});

test('with multi-tenancy a token without tenant is 403', () => {
  expect(status(() => assertTenant(principal(), 't1', true))).toBe(403);
});

test('the policy applies the tenant rule before the group rules', () => {
  const policy = createAccessPolicy(config, { multiTenancy: true });
  const ctx = { principal: principal('t1'), tenant: 't2', baseUrl: 'http://x/tenant/t2', correlationId: 'c' };
  expect(status(() => policy.assertAllowed(ctx, 'read', 'Patient'))).toBe(403);
  expect(policy.canRead(ctx, { resourceType: 'Patient', id: '1' })).toBe(false);
  expect(policy.searchRestriction(ctx, 'Patient')).toEqual({ none: true });
  expect(policy.allowedResourceTypes(ctx, 'search-system')).toEqual([]);
});

test('the policy lets a practitioner act in their own tenant', () => {
  const policy = createAccessPolicy(config, { multiTenancy: true });
  const ctx = { principal: principal('t1'), tenant: 't1', baseUrl: 'http://x/tenant/t1', correlationId: 'c' };
  expect(status(() => policy.assertAllowed(ctx, 'delete', 'Patient'))).toBe(200);
});
