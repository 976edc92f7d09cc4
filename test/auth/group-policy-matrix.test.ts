// The decision table of Cognito-group mode over the shipped config/access-policy.json
// (issue 5: practitioner = everything; non-practitioner = read financial types; auditor = read Patient).
import type { Interaction } from '../../core/authz/access-policy';
import { createAccessPolicy } from '../../core/authz/create-access-policy';
import { FINANCIAL_RESOURCE_TYPES } from '../../core/authz/financial-resource-types';
import { FhirError } from '../../core/errors/fhir-error';
import { context, shippedConfig } from './policy-fixtures';

const policy = createAccessPolicy(shippedConfig());

const TYPE_INTERACTIONS: readonly Interaction[] = [
  'read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type', 'operation',
];
const SAMPLE_TYPES = ['Patient', 'Observation', 'Practitioner', 'Claim', 'Account', 'ExplanationOfBenefit', 'InsurancePlan', 'Coverage'];

/** The expected answer, written from the rules' wording rather than from the implementation. */
function expected(group: string, interaction: Interaction, type: string): boolean {
  const financial = FINANCIAL_RESOURCE_TYPES.includes(type);
  switch (group) {
    case 'practitioner':
      return true;
    case 'non-practitioner':
      return financial && ['read', 'vread', 'search-type', 'history-instance', 'history-type'].includes(interaction);
    case 'auditor':
      return type === 'Patient' && ['read', 'vread', 'search-type'].includes(interaction);
    default:
      return false;
  }
}

function decide(groups: string[], interaction: Interaction, type: string | undefined): number {
  try {
    policy.assertAllowed(context({ groups }), interaction, type);
    return 200;
  } catch (error) {
    if (error instanceof FhirError) return error.status;
    throw error;
  }
}

const cases = ['practitioner', 'non-practitioner', 'auditor', 'unknown-group'].flatMap((group) =>
  TYPE_INTERACTIONS.flatMap((interaction) => SAMPLE_TYPES.map((type) => [group, interaction, type] as const)),
);

test.each(cases)('group %s, %s on %s follows the rules', (group, interaction, type) => {
  expect(decide([group], interaction, type)).toBe(expected(group, interaction, type) ? 200 : 403);
});

test('the financial list is the R4 Financial module', () => {
  expect([...FINANCIAL_RESOURCE_TYPES].sort()).toEqual([
    'Account', 'ChargeItem', 'ChargeItemDefinition', 'Claim', 'ClaimResponse', 'Contract', 'Coverage',
    'CoverageEligibilityRequest', 'CoverageEligibilityResponse', 'EnrollmentRequest', 'EnrollmentResponse',
    'ExplanationOfBenefit', 'InsurancePlan', 'Invoice', 'PaymentNotice', 'PaymentReconciliation',
  ]);
});

test('a principal with several groups gets the union of their rules', () => {
  expect(decide(['auditor', 'non-practitioner'], 'read', 'Patient')).toBe(200);
  expect(decide(['auditor', 'non-practitioner'], 'read', 'Claim')).toBe(200);
  expect(decide(['auditor', 'non-practitioner'], 'create', 'Claim')).toBe(403);
});

test('capabilities are open to every authenticated caller', () => {
  expect(decide([], 'capabilities', undefined)).toBe(200);
});

test('a principal without groups may not send a batch or transaction', () => {
  expect(decide([], 'batch', undefined)).toBe(403);
  expect(decide([], 'transaction', undefined)).toBe(403);
});

test('a principal with a group may send a batch, whose entries are checked one by one', () => {
  expect(decide(['auditor'], 'batch', undefined)).toBe(200);
});

test('search-system is allowed when some type is searchable, and keeps to those types', () => {
  expect(decide(['auditor'], 'search-system', undefined)).toBe(200);
  expect(policy.allowedResourceTypes(context({ groups: ['auditor'] }), 'search-system')).toEqual(['AuditEvent', 'Patient']);
  expect(policy.allowedResourceTypes(context({ groups: ['practitioner'] }), 'search-system')).toBe('*');
  expect(policy.allowedResourceTypes(context({ groups: ['non-practitioner'] }), 'search-system')).toEqual([...FINANCIAL_RESOURCE_TYPES].sort());
});

test('history-system is forbidden to a group without type history', () => {
  expect(decide(['auditor'], 'history-system', undefined)).toBe(403);
  expect(decide(['non-practitioner'], 'history-system', undefined)).toBe(200);
});

test('a forbidden decision is 403 forbidden and names the caller and the interaction', () => {
  let caught: unknown;
  try {
    policy.assertAllowed(context({ groups: ['auditor'] }), 'delete', 'Patient');
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(FhirError);
  expect((caught as FhirError).issueCode).toBe('forbidden');
  expect((caught as FhirError).message).toBe('Groups [auditor] may not perform delete on Patient');
});

test('canRead follows the read rule of the type', () => {
  const ctx = context({ groups: ['non-practitioner'] });
  expect(policy.canRead(ctx, { resourceType: 'Claim', id: '1' })).toBe(true);
  expect(policy.canRead(ctx, { resourceType: 'Patient', id: '1' })).toBe(false);
});

test('canWrite is true only for a group that may write the type', () => {
  expect(policy.canWrite(context({ groups: ['practitioner'] }), { resourceType: 'Patient' })).toBe(true);
  expect(policy.canWrite(context({ groups: ['non-practitioner'] }), { resourceType: 'Claim' })).toBe(false);
});

test('group mode puts no compartment restriction into searches it allows', () => {
  expect(policy.searchRestriction(context({ groups: ['auditor'] }), 'Patient')).toBeUndefined();
});

test('group mode returns no results of a type the caller may not search', () => {
  expect(policy.searchRestriction(context({ groups: ['auditor'] }), 'Observation')).toEqual({ none: true });
});

test('group mode ignores SMART scopes in the token', () => {
  expect(decide([], 'read', 'Patient')).toBe(403);
  expect(() => policy.assertAllowed(context({ scopes: ['system/*.*'] }), 'read', 'Patient')).toThrow(FhirError);
});

test('the no-auth principal gets nothing from a real policy', () => {
  expect(() => policy.assertAllowed(context({ unauthenticated: true, groups: ['practitioner'] }), 'read', 'Patient')).toThrow(FhirError);
});

test('a system-level operation is allowed to a practitioner only', () => {
  expect(decide(['practitioner'], 'operation', undefined)).toBe(200);
  expect(decide(['non-practitioner'], 'operation', undefined)).toBe(403);
});
