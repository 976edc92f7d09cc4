import { parseSmartScope } from './smart-scopes';

test('a v1 read scope is read and search', () => {
  expect(parseSmartScope('patient/Observation.read')).toEqual({
    level: 'patient', resourceType: 'Observation', interactions: new Set(['read', 'vread', 'history-instance', 'search-type', 'history-type']),
  });
});

test('a v2 wildcard-type scope keeps the wildcard', () => {
  expect(parseSmartScope('user/*.cruds')?.resourceType).toBe('*');
});

test('launch and identity scopes are not clinical scopes', () => {
  for (const scope of ['launch/patient', 'openid', 'fhirUser', 'offline_access', 'patient/Observation.', 'patient/observation.rs']) {
    expect(parseSmartScope(scope)).toBeUndefined();
  }
});
