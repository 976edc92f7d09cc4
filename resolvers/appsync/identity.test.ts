import { principalFromIdentity } from './identity';

test('a Cognito identity gives sub, groups, tenant and scopes', () => {
  const principal = principalFromIdentity({
    sub: 'u-1',
    issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E',
    username: 'u',
    claims: { 'cognito:groups': ['practitioner'], 'custom:tenantId': 'clinic-a', scope: 'openid patient/*.read' },
    sourceIp: ['203.0.113.7'],
    defaultAuthStrategy: 'ALLOW',
    groups: null,
  });

  expect(principal).toEqual({ subject: 'u-1', groups: ['practitioner'], scopes: ['openid', 'patient/*.read'], tenant: 'clinic-a' });
});

test('an IAM identity is its ARN with no groups', () => {
  const principal = principalFromIdentity({
    accountId: '123456789012',
    cognitoIdentityPoolId: '',
    cognitoIdentityId: '',
    sourceIp: ['10.0.0.1'],
    username: 'AROAEXAMPLE:stream-processor',
    userArn: 'arn:aws:sts::123456789012:assumed-role/stream-processor/fn',
    cognitoIdentityAuthType: '',
    cognitoIdentityAuthProvider: '',
  });

  expect(principal).toEqual({ subject: 'arn:aws:sts::123456789012:assumed-role/stream-processor/fn', groups: [], scopes: [] });
});

test('a Lambda authorizer identity reads its resolverContext like claims', () => {
  const principal = principalFromIdentity({ resolverContext: { sub: 'svc', groups: 'auditor,practitioner' } });

  expect(principal).toEqual({ subject: 'svc', groups: ['auditor', 'practitioner'], scopes: [] });
});

test('no identity is an anonymous principal without groups', () => {
  expect(principalFromIdentity(null)).toEqual({ subject: 'anonymous', groups: [], scopes: [] });
});
