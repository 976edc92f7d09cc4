import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';

test('the REST Lambda entry point refuses to start without its table, naming the setting', async () => {
  const saved = process.env['FHIR_TABLE_NAME'];
  delete process.env['FHIR_TABLE_NAME'];
  try {
    const { handler } = await import('./lambda-main');
    const event = JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'api-gateway', 'post-patient.json'), 'utf8')) as APIGatewayProxyEvent;
    await expect(handler(event)).rejects.toThrow(/FHIR_TABLE_NAME/);
  } finally {
    if (saved !== undefined) process.env['FHIR_TABLE_NAME'] = saved;
  }
});
