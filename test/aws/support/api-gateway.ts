// API Gateway proxy events for the bundled REST Lambda, from the captured fixture: a body is
// base64 with isBase64Encoded when it is binary, as the REST API's binaryMediaTypes make API
// Gateway send it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Invocation } from '../../infra/support/invoke-bundle';

const fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'api-gateway', 'post-patient.json'), 'utf8')) as APIGatewayProxyEvent;

export function apiEvent(method: string, path: string, headers: Record<string, string>, body?: { text?: string; bytes?: Buffer }): APIGatewayProxyEvent {
  return {
    ...fixture,
    httpMethod: method,
    path,
    pathParameters: { proxy: path.slice(1) },
    headers: { Host: fixture.headers['Host'] ?? '', ...headers },
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    body: body?.bytes !== undefined ? body.bytes.toString('base64') : (body?.text ?? null),
    isBase64Encoded: body?.bytes !== undefined,
  };
}

export interface ProxyResult {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
  readonly isBase64Encoded?: boolean;
}

export function proxyResult(invocation: Invocation | undefined): ProxyResult {
  if (invocation === undefined || !invocation.ok) throw new Error(`the REST Lambda failed: ${JSON.stringify(invocation)}`);
  return invocation.value as ProxyResult;
}
