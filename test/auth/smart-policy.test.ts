// SMART on FHIR mode: v1 and v2 scopes, launch/patient compartment limits, fhirUser for user/
// scopes (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html).
import type { Interaction } from '../../core/authz/access-policy';
import { createAccessPolicy } from '../../core/authz/create-access-policy';
import { FhirError } from '../../core/errors/fhir-error';
import type { Principal } from '../../core/request';
import { context, smartConfig } from './policy-fixtures';

const policy = createAccessPolicy(smartConfig());

function allowed(principal: Partial<Principal>, interaction: Interaction, type: string | undefined): boolean {
  try {
    policy.assertAllowed(context(principal), interaction, type);
    return true;
  } catch (error) {
    if (error instanceof FhirError && error.status === 403) return false;
    throw error;
  }
}

const observationOf = (patient: string): { resourceType: string; id: string; subject: { reference: string } } => ({
  resourceType: 'Observation', id: `obs-${patient}`, subject: { reference: `Patient/${patient}` },
});

describe('v2 permission letters', () => {
  const table: readonly [string, readonly Interaction[]][] = [
    ['c', ['create']],
    ['r', ['read', 'vread', 'history-instance']],
    ['u', ['update', 'patch']],
    ['d', ['delete']],
    ['s', ['search-type', 'history-type']],
  ];
  const all: readonly Interaction[] = ['create', 'read', 'vread', 'history-instance', 'update', 'patch', 'delete', 'search-type', 'history-type', 'operation'];

  test.each(table)('system/Observation.%s grants exactly its interactions', (letter, interactions) => {
    const principal = { scopes: [`system/Observation.${letter}`] };
    for (const interaction of all) expect([interaction, allowed(principal, interaction, 'Observation')]).toEqual([interaction, interactions.includes(interaction)]);
  });

  test('.cruds grants every interaction including operations', () => {
    for (const interaction of all) expect(allowed({ scopes: ['system/Observation.cruds'] }, interaction, 'Observation')).toBe(true);
  });

  test('a scope on one type grants nothing on another', () => {
    expect(allowed({ scopes: ['system/Observation.cruds'] }, 'read', 'Patient')).toBe(false);
  });

  test('letters out of order are not a scope', () => {
    expect(allowed({ scopes: ['system/Observation.sr'] }, 'read', 'Observation')).toBe(false);
  });

  test('a granular scope with a query grants nothing (not supported)', () => {
    expect(allowed({ scopes: ['system/Observation.rs?category=laboratory'] }, 'read', 'Observation')).toBe(false);
  });
});

describe('v1 scopes', () => {
  test('read means read and search, not write', () => {
    const principal = { scopes: ['system/Observation.read'] };
    expect(allowed(principal, 'read', 'Observation')).toBe(true);
    expect(allowed(principal, 'search-type', 'Observation')).toBe(true);
    expect(allowed(principal, 'create', 'Observation')).toBe(false);
  });

  test('system/*.write means create, update, patch and delete on every type, not read', () => {
    const principal = { scopes: ['system/*.write'] };
    for (const interaction of ['create', 'update', 'patch', 'delete'] as const) expect(allowed(principal, interaction, 'Encounter')).toBe(true);
    expect(allowed(principal, 'read', 'Encounter')).toBe(false);
  });

  test('user/*.* with a Practitioner fhirUser allows everything without compartment limits', () => {
    const principal = { scopes: ['user/*.*'], fhirUser: 'Practitioner/9' };
    expect(allowed(principal, 'delete', 'Patient')).toBe(true);
    expect(policy.searchRestriction(context(principal), 'Observation')).toBeUndefined();
    expect(policy.canRead(context(principal), observationOf('anyone'))).toBe(true);
  });
});

describe('patient/ scopes and launch/patient', () => {
  const principal = { scopes: ['launch/patient', 'patient/Observation.rs', 'patient/Patient.r'], patient: '123' };

  test('they allow the interaction on the type', () => {
    expect(allowed(principal, 'search-type', 'Observation')).toBe(true);
    expect(allowed(principal, 'create', 'Observation')).toBe(false);
  });

  test('without a launch patient they grant nothing', () => {
    expect(allowed({ scopes: ['patient/Observation.rs'] }, 'read', 'Observation')).toBe(false);
  });

  test('searches are restricted to the launch patient compartment', () => {
    expect(policy.searchRestriction(context(principal), 'Observation')).toEqual({ patientCompartment: '123' });
  });

  test('the launch patient observations are readable, another patient ones are not', () => {
    expect(policy.canRead(context(principal), observationOf('123'))).toBe(true);
    expect(policy.canRead(context(principal), observationOf('456'))).toBe(false);
  });

  test('the launch patient itself is readable, another patient is not', () => {
    expect(policy.canRead(context(principal), { resourceType: 'Patient', id: '123' })).toBe(true);
    expect(policy.canRead(context(principal), { resourceType: 'Patient', id: '456' })).toBe(false);
  });

  test('writing is limited to content in the compartment', () => {
    const writer = { scopes: ['patient/Observation.cu'], patient: '123' };
    expect(policy.canWrite(context(writer), observationOf('123'))).toBe(true);
    expect(policy.canWrite(context(writer), observationOf('456'))).toBe(false);
  });

  test('types outside the Patient compartment are denied by default', () => {
    const wide = { scopes: ['patient/*.rs'], patient: '123' };
    expect(allowed(wide, 'read', 'Medication')).toBe(false);
    expect(allowed(wide, 'read', 'Observation')).toBe(true);
  });

  test('types outside the compartment can be opened by config', () => {
    const open = createAccessPolicy(smartConfig({ patientScopesOutsideCompartment: 'allow' }));
    const ctx = context({ scopes: ['patient/*.rs'], patient: '123' });
    expect(() => open.assertAllowed(ctx, 'read', 'Medication')).not.toThrow();
    expect(open.canRead(ctx, { resourceType: 'Medication', id: 'm' })).toBe(true);
    expect(open.canRead(ctx, observationOf('456'))).toBe(false);
  });

  test('system search keeps to the compartment types', () => {
    const types = policy.allowedResourceTypes(context({ scopes: ['patient/*.rs'], patient: '123' }), 'search-system');
    expect(types).toContain('Observation');
    expect(types).toContain('Patient');
    expect(types).not.toContain('Medication');
  });

  test('an unrestricted scope on the type lifts the compartment restriction', () => {
    const mixed = { scopes: ['patient/Observation.rs', 'system/Observation.rs'], patient: '123' };
    expect(policy.searchRestriction(context(mixed), 'Observation')).toBeUndefined();
  });
});

describe('user/ scopes and fhirUser', () => {
  test('without fhirUser they grant nothing', () => {
    expect(allowed({ scopes: ['user/*.rs'] }, 'read', 'Observation')).toBe(false);
  });

  test('they can be accepted without fhirUser by config', () => {
    const lax = createAccessPolicy(smartConfig({ requireFhirUserForUserScopes: false }));
    expect(() => lax.assertAllowed(context({ scopes: ['user/*.rs'] }), 'read', 'Observation')).not.toThrow();
  });

  test('a Patient fhirUser is limited to their own compartment', () => {
    const principal = { scopes: ['user/Observation.rs'], fhirUser: 'https://example.org/fhir/Patient/5' };
    expect(policy.searchRestriction(context(principal), 'Observation')).toEqual({ patientCompartment: '5' });
    expect(policy.canRead(context(principal), observationOf('5'))).toBe(true);
    expect(policy.canRead(context(principal), observationOf('6'))).toBe(false);
  });
});

test('SMART mode ignores Cognito groups', () => {
  expect(allowed({ groups: ['practitioner'] }, 'read', 'Patient')).toBe(false);
});

test('scopes that are not clinical scopes grant nothing', () => {
  expect(allowed({ scopes: ['openid', 'fhirUser', 'launch/patient', 'offline_access'], patient: '1', fhirUser: 'Practitioner/1' }, 'read', 'Patient')).toBe(false);
});

test('an operation needs full access to the type', () => {
  expect(allowed({ scopes: ['system/Patient.rs'] }, 'operation', 'Patient')).toBe(false);
  expect(allowed({ scopes: ['system/Patient.*'] }, 'operation', 'Patient')).toBe(true);
});

test('a system-level operation needs unlimited full access to every type', () => {
  expect(allowed({ scopes: ['system/*.cruds'] }, 'operation', undefined)).toBe(true);
  expect(allowed({ scopes: ['patient/*.cruds'], patient: '1' }, 'operation', undefined)).toBe(false);
  expect(allowed({ scopes: ['system/Patient.cruds'] }, 'operation', undefined)).toBe(false);
});
