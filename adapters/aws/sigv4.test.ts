import { signRequest } from './sigv4';

test('signs the AWS documentation example request (IAM ListUsers) with the documented signature', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html (example values)
  const headers = signRequest(
    {
      method: 'GET',
      url: new URL('https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: '',
    },
    { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    'us-east-1',
    'iam',
    { now: new Date('2015-08-30T12:36:00Z'), contentSha256Header: false },
  );

  expect(headers.authorization).toBe(
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, ' +
      'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
  );
});

test('a session token is sent and signed', () => {
  const headers = signRequest(
    { method: 'POST', url: new URL('https://example.appsync-api.eu-west-1.amazonaws.com/graphql'), headers: {}, body: '{}' },
    { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' },
    'eu-west-1',
    'appsync',
  );

  expect(headers['x-amz-security-token']).toBe('token');
  expect(headers.authorization).toContain('SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token');
});
