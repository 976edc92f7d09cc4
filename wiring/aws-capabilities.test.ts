import { handleHttp } from '../core/http/front-door';
import { createAwsApp, parseAwsConfig } from './aws';

test('the CapabilityStatement on AWS states what the AWS backends cannot do yet', async () => {
  const app = createAwsApp(parseAwsConfig({ FHIR_TABLE_NAME: 'unused', FHIR_AUTH_MODE: 'none', LOG_LEVEL: 'silent', AWS_REGION: 'us-east-1' }));
  try {
    const response = await handleHttp(app.door, { method: 'GET', path: '/metadata', rawQuery: '', headers: {}, rootUrl: 'https://api.example.org/fhir', correlationId: 'c' });
    const statement = JSON.parse(String(response.body)) as { rest: { documentation?: string }[] };
    expect(response.status).toBe(200);
    expect(statement.rest[0]?.documentation).toContain('at most 50 writes');
    expect(statement.rest[0]?.documentation).toContain('Search is not available');
  } finally {
    await app.close();
  }
});
