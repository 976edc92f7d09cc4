// Tenant and policy filtering of onResourceChange on AppSync: the publisher's audience and the
// subscriber's enhanced filter, with the default access policy (config/access-policy.json).
import type { ResourceChange } from '../../core/ports/change-feed';
import { createAppSyncHandler, type AppSyncEvent } from '../../resolvers/appsync/handler';
import { changeAudience, publishVariables, subscriberFilter, type SubscriptionFilter } from '../../resolvers/appsync/subscription-audience';
import { createGraphqlService } from '../../resolvers/execute-graphql';
import { BASE_URL, createHarness, type GraphqlHarness } from './harness';

let harness: GraphqlHarness;
let groups: string[];

beforeAll(() => {
  harness = createHarness('cognito');
  groups = Object.keys(harness.app.accessConfig.groups);
});
afterAll(async () => {
  await harness.close();
});

function change(resourceType: string, tenant = 'default'): ResourceChange {
  return { tenant, action: 'create', resourceType, id: 'x1', versionId: '1', lastUpdated: '2026-11-29T15:00:00.000Z', resource: { resourceType, id: 'x1' } };
}

/** AppSync's eq and containsAny, applied to a publish payload (all fields must match). */
function delivered(filter: SubscriptionFilter, payload: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([field, rule]) => {
    const value = payload[field];
    if ('eq' in rule) return value === rule.eq;
    return Array.isArray(value) && rule.containsAny.some((candidate) => value.includes(candidate));
  });
}

test('the audience of a Patient change is every group that may read Patient', () => {
  expect(changeAudience(harness.deps.access, groups, change('Patient')).sort()).toEqual(['group:auditor', 'group:practitioner']);
});

test('the audience of a Claim change includes non-practitioners (financial resources)', () => {
  expect(changeAudience(harness.deps.access, groups, change('Claim')).sort()).toEqual(['group:non-practitioner', 'group:practitioner']);
});

test('publish variables carry the resource as a JSON string and the audience', () => {
  const variables = publishVariables(harness.deps.access, groups, change('Observation'));

  expect(variables).toMatchObject({ tenant: 'default', action: 'create', resourceType: 'Observation', resource: '{"resourceType":"Observation","id":"x1"}', audience: ['group:practitioner'] });
});

test('a subscriber\'s filter pins its tenant and its groups', () => {
  const filter = subscriberFilter(harness.deps, harness.context({ groups: ['practitioner'] }), { resourceType: 'Patient' });

  expect(filter).toEqual({ tenant: { eq: 'default' }, audience: { containsAny: ['group:practitioner'] }, resourceType: { eq: 'Patient' } });
});

test('an auditor\'s filter lets Patient changes through and stops Observation changes', () => {
  const filter = subscriberFilter(harness.deps, harness.context({ groups: ['auditor'] }), {});

  expect(delivered(filter, publishVariables(harness.deps.access, groups, change('Patient')))).toBe(true);
  expect(delivered(filter, publishVariables(harness.deps.access, groups, change('Observation')))).toBe(false);
});

test('another tenant\'s changes never match', () => {
  const filter = subscriberFilter(harness.deps, harness.context({ groups: ['practitioner'] }), {});

  expect(delivered(filter, publishVariables(harness.deps.access, groups, change('Patient', 'other-tenant')))).toBe(false);
});

test('subscribing to a type the caller may not read is FORBIDDEN', () => {
  expect(() => subscriberFilter(harness.deps, harness.context({ groups: ['auditor'] }), { resourceType: 'Observation' })).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
});

test('the Lambda answers a subscribe-time SubscriptionRoot event with the filter', async () => {
  const handler = createAppSyncHandler({ deps: harness.deps, service: createGraphqlService(harness.deps), baseUrl: () => BASE_URL });
  const event = {
    arguments: { resourceType: 'Patient' },
    identity: { sub: 'a-1', issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E', username: 'audit', claims: { 'cognito:groups': ['auditor'] }, sourceIp: ['203.0.113.7'], defaultAuthStrategy: 'ALLOW', groups: ['auditor'] },
    source: null,
    request: { headers: { 'x-amzn-requestid': 'b2c3d4e5-0000-4000-8000-000000000001' }, domainName: null },
    prev: null,
    info: { selectionSetList: ['id'], selectionSetGraphQL: '{\n  id\n}', parentTypeName: 'SubscriptionRoot', fieldName: 'onResourceChange', variables: {} },
    stash: {},
  } as AppSyncEvent;

  const filter = await handler(event);

  expect(filter).toEqual({ tenant: { eq: 'default' }, audience: { containsAny: ['group:auditor'] }, resourceType: { eq: 'Patient' } });
});
