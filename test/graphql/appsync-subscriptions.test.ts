// Tenant and policy filtering of onResourceChange on AppSync: the publisher's audience labels
// and the subscriber's enhanced filter, with the default access policy
// (config/access-policy.json). The bundled Lambdas and the synthesized resolver are exercised
// end to end in test/aws/subscription-authorization.test.ts.
import { publishVariables } from '../../adapters/aws/appsync-change-feed';
import type { ResourceChange } from '../../core/ports/change-feed';
import { createAppSyncHandler, type AppSyncEvent } from '../../resolvers/appsync/handler';
import { subscriberFilter } from '../../resolvers/appsync/subscription-audience';
import { createGraphqlService } from '../../resolvers/execute-graphql';
import { delivered } from '../infra/support/appsync-js';
import { BASE_URL, createHarness, type GraphqlHarness } from './harness';

let harness: GraphqlHarness;

beforeAll(() => {
  harness = createHarness('cognito');
});
afterAll(async () => {
  await harness.close();
});

function change(resourceType: string, tenant = 'default', resource: Record<string, unknown> = {}): ResourceChange {
  return { tenant, action: 'create', resourceType, id: 'x1', versionId: '1', lastUpdated: '2026-11-29T15:00:00.000Z', resource: { resourceType, id: 'x1', ...resource } };
}

test('publish variables carry the resource as a JSON string and its audience labels', () => {
  const variables = publishVariables(change('Observation', 'default', { subject: { reference: 'Patient/p1' } }));

  expect(variables).toMatchObject({ tenant: 'default', action: 'create', resourceType: 'Observation', audience: ['type:Observation', 'patient:p1', 'type:Observation|patient:p1'] });
  expect(JSON.parse(String(variables['resource']))).toEqual({ resourceType: 'Observation', id: 'x1', subject: { reference: 'Patient/p1' } });
});

test('a resource too large for an AppSync subscription message is published without its body', () => {
  const variables = publishVariables(change('Observation', 'default', { note: [{ text: 'x'.repeat(300 * 1024) }] }));

  expect(variables).toMatchObject({ resource: null, resourceType: 'Observation', id: 'x1', versionId: '1' });
});

test('a practitioner\'s filter pins its tenant and the client\'s arguments, with no audience limit', () => {
  const filter = subscriberFilter(harness.deps, harness.context({ groups: ['practitioner'] }), { resourceType: 'Patient' });

  expect(filter).toEqual({ filterGroup: [{ filters: [{ fieldName: 'tenant', operator: 'eq', value: 'default' }, { fieldName: 'resourceType', operator: 'eq', value: 'Patient' }] }] });
});

test('an auditor\'s filter lets Patient changes through and stops Observation changes', () => {
  const filter = subscriberFilter(harness.deps, harness.context({ groups: ['auditor'] }), {});

  expect(delivered(filter, publishVariables(change('Patient')))).toBe(true);
  expect(delivered(filter, publishVariables(change('Observation')))).toBe(false);
});

test('another tenant\'s changes never match', () => {
  const filter = subscriberFilter(harness.deps, harness.context({ groups: ['practitioner'] }), {});

  expect(delivered(filter, publishVariables(change('Patient', 'other-tenant')))).toBe(false);
});

test('subscribing to a type the caller may not read is FORBIDDEN', () => {
  expect(() => subscriberFilter(harness.deps, harness.context({ groups: ['auditor'] }), { resourceType: 'Observation' })).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
});

test('a caller in no group may not subscribe', () => {
  expect(() => subscriberFilter(harness.deps, harness.context({ groups: [] }), {})).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
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

  expect(filter).toEqual({
    filterGroup: [{
      filters: [
        { fieldName: 'tenant', operator: 'eq', value: 'default' },
        { fieldName: 'resourceType', operator: 'eq', value: 'Patient' },
        { fieldName: 'audience', operator: 'containsAny', value: ['type:Patient'] },
      ],
    }],
  });
});
