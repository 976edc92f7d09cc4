import { AccessPolicyConfigError, parseAccessPolicyConfig } from './access-policy-config';
import { createAccessPolicy } from './create-access-policy';

function problems(json: unknown): readonly string[] {
  try {
    parseAccessPolicyConfig(json, 'test.json');
  } catch (error) {
    if (error instanceof AccessPolicyConfigError) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}

test('a minimal config gets the SMART defaults', () => {
  const config = parseAccessPolicyConfig({ mode: 'smart' });
  expect(config.smart).toEqual({ requireFhirUserForUserScopes: true, patientScopesOutsideCompartment: 'deny' });
  expect(config.groups).toEqual({});
});

test('an unknown interaction is reported with its path', () => {
  expect(problems({ mode: 'cognito-groups', groups: { auditor: [{ interactions: ['peek'], resourceTypes: ['Patient'] }] } })[0]).toMatch(/^groups\.auditor\[0\]\.interactions\[0\]: /);
});

test('an unknown resource type set is reported with the known ones', () => {
  expect(problems({ mode: 'cognito-groups', groups: { a: [{ interactions: ['read'], resourceTypes: ['@clinical'] }] } })).toEqual([
    'groups.a[0].resourceTypes[0]: unknown resource type set "@clinical" (known: @financial)',
  ]);
});

test('a misspelt key is refused rather than ignored', () => {
  expect(problems({ mode: 'cognito-groups', group: {} })[0]).toMatch(/^\(root\): .*group/);
});

test('an unknown mode is refused', () => {
  expect(problems({ mode: 'open' })[0]).toMatch(/^mode: /);
});

test('every problem is listed in the error message with the file name', () => {
  expect(() => parseAccessPolicyConfig({ mode: 'x', groups: { a: [{ interactions: [], resourceTypes: ['patient'] }] } }, 'my.json')).toThrow(
    /Invalid access-policy config my\.json:\n {2}- mode: .*\n {2}- groups\.a\[0\]\.interactions: .*\n {2}- groups\.a\[0\]\.resourceTypes\[0\]: /,
  );
});

test('a set defined in the config can be referenced by a rule', () => {
  const config = parseAccessPolicyConfig({
    mode: 'cognito-groups',
    resourceTypeSets: { clinical: ['Observation', 'Condition'] },
    groups: { nurse: [{ interactions: ['read'], resourceTypes: ['@clinical'] }] },
  });
  const ctx = { principal: { subject: 's', groups: ['nurse'], scopes: [] }, tenant: 'default', baseUrl: 'http://x', correlationId: 'c' };
  const policy = createAccessPolicy(config);
  expect(policy.canRead(ctx, { resourceType: 'Condition' })).toBe(true);
  expect(policy.canRead(ctx, { resourceType: 'Patient' })).toBe(false);
});
