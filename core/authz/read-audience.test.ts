// The audience labels restate canRead exactly: for every principal and every resource below, a
// change reaches a subscriber through shared labels if and only if canRead allows it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '../fhir-types';
import type { Principal, RequestContext } from '../request';
import { parseAccessPolicyConfig } from './access-policy-config';
import { createAccessPolicy } from './create-access-policy';
import { changeAudience, labelsForType } from './read-audience';

const fileConfig = parseAccessPolicyConfig(JSON.parse(readFileSync(join(__dirname, '..', '..', 'config', 'access-policy.json'), 'utf8')));
const groupPolicy = createAccessPolicy(fileConfig);
const smartPolicy = createAccessPolicy({ ...fileConfig, mode: 'smart' });
const smartAllowOutside = createAccessPolicy({ ...fileConfig, mode: 'smart', smart: { ...fileConfig.smart, patientScopesOutsideCompartment: 'allow' } });

const ctx = (principal: Partial<Principal>): RequestContext => ({ principal: { subject: 's', groups: [], scopes: [], ...principal }, tenant: 'default', baseUrl: '', correlationId: 'c' });

const RESOURCES: Resource[] = [
  { resourceType: 'Patient', id: 'p1' },
  { resourceType: 'Patient', id: 'p2' },
  { resourceType: 'Observation', id: 'o1', subject: { reference: 'Patient/p1' } },
  { resourceType: 'Observation', id: 'o2', subject: { reference: 'https://example.org/fhir/Patient/p2/_history/3' } },
  { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' } },
  { resourceType: 'Claim', id: 'cl1', patient: { reference: 'Patient/p1' } },
  { resourceType: 'Organization', id: 'org1' },
  { resourceType: 'Practitioner', id: 'dr1' },
];

const PRINCIPALS: [string, ReturnType<typeof createAccessPolicy>, Partial<Principal>][] = [
  ['practitioner', groupPolicy, { groups: ['practitioner'] }],
  ['non-practitioner', groupPolicy, { groups: ['non-practitioner'] }],
  ['auditor', groupPolicy, { groups: ['auditor'] }],
  ['auditor + non-practitioner', groupPolicy, { groups: ['auditor', 'non-practitioner'] }],
  ['no group', groupPolicy, {}],
  ['SMART patient/*.read', smartPolicy, { scopes: ['patient/*.read'], patient: 'p1' }],
  ['SMART patient/Observation.rs', smartPolicy, { scopes: ['patient/Observation.rs'], patient: 'p1' }],
  ['SMART patient/*.read, outside allowed', smartAllowOutside, { scopes: ['patient/*.read'], patient: 'p1' }],
  ['SMART patient/Organization.read, outside allowed', smartAllowOutside, { scopes: ['patient/Organization.read', 'patient/Condition.read'], patient: 'p1' }],
  ['SMART user/*.read as a Patient', smartPolicy, { scopes: ['user/*.read'], fhirUser: 'Patient/p2' }],
  ['SMART system/Observation.read', smartPolicy, { scopes: ['system/Observation.read'] }],
  ['SMART system/*.read', smartPolicy, { scopes: ['system/*.read'] }],
  ['SMART write-only scope', smartPolicy, { scopes: ['patient/*.write'], patient: 'p1' }],
];

describe.each(PRINCIPALS)('%s', (_name, policy, principal) => {
  test.each(RESOURCES.map((resource) => [`${resource.resourceType}/${resource.id ?? ''}`, resource] as const))('labels match %s exactly when canRead allows it', (_key, resource) => {
    const audience = policy.readAudience(ctx(principal));
    const labels = changeAudience(resource.resourceType, resource);
    const delivered = audience === '*' || labels.some((label) => audience.includes(label));
    expect(delivered).toBe(policy.canRead(ctx(principal), resource));
  });
});

test('a delete (no content) reaches readers of the type, never compartment-limited ones', () => {
  const labels = changeAudience('Observation', undefined);
  const observationReader = groupPolicy.readAudience(ctx({ groups: ['practitioner'] }));
  const compartmentReader = smartPolicy.readAudience(ctx({ scopes: ['patient/*.read'], patient: 'p1' }));
  const typeReader = smartPolicy.readAudience(ctx({ scopes: ['system/Observation.read'] }));
  expect([observationReader, labels.some((l) => compartmentReader.includes(l)), labels.some((l) => typeReader.includes(l))]).toEqual(['*', false, true]);
});

test('narrowing to one type keeps only the labels that type can carry', () => {
  const audience = smartPolicy.readAudience(ctx({ scopes: ['patient/Observation.read', 'patient/Condition.read', 'system/Organization.read'], patient: 'p1' }));
  expect(audience).toEqual(['type:Condition|patient:p1', 'type:Observation|patient:p1', 'type:Organization']);
  expect(labelsForType(audience === '*' ? [] : audience, 'Observation')).toEqual(['type:Observation|patient:p1']);
});

test('a caller of another tenant gets an empty audience', () => {
  const tenanted = createAccessPolicy(fileConfig, { multiTenancy: true });
  expect(tenanted.readAudience({ ...ctx({ groups: ['practitioner'], tenant: 'clinic-a' }), tenant: 'clinic-b' })).toEqual([]);
});
