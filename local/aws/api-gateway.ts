// `npm run start:aws` (issue 9): a plain HTTP request turned into the event API Gateway's REST
// API hands a Lambda proxy integration (resource `/{proxy+}` under the stage `fhir`), and the
// Lambda's result turned back into the HTTP answer, as API Gateway does. The REST Lambda handler
// (rest/lambda-handler.ts) runs unchanged behind it.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** The stage the FHIR API is mounted under (API Gateway's path prefix, as in infra/). */
export const API_STAGE = 'fhir';

/** Media types API Gateway passes as text; everything else is base64 (binaryMediaTypes). */
function isText(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType === '') return true;
  return /^(text\/|application\/(fhir\+)?(json|xml)|application\/(json-patch|x-www-form-urlencoded)|application\/[a-z.+-]*\+(json|xml))/i.test(contentType);
}

/** The proxy event for one request under /fhir; `body` is the whole request body. */
export function apiGatewayEvent(req: IncomingMessage, url: URL, body: Buffer, requestId: string): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    const value = req.rawHeaders[i + 1] ?? '';
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    queryStringParameters[name] = value;
    (multiValueQueryStringParameters[name] ??= []).push(value);
  }
  const proxy = url.pathname.slice(`/${API_STAGE}/`.length);
  const text = isText(req.headers['content-type']);
  const method = req.method ?? 'GET';
  return {
    resource: '/{proxy+}',
    path: `/${proxy}`,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: url.search === '' ? null : queryStringParameters,
    multiValueQueryStringParameters: url.search === '' ? null : multiValueQueryStringParameters,
    pathParameters: proxy === '' ? null : { proxy: decodeURIComponent(proxy) },
    stageVariables: null,
    body: body.length === 0 ? null : text ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !text,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      domainName: req.headers.host ?? '127.0.0.1',
      domainPrefix: '127',
      httpMethod: method,
      identity: {
        accessKey: null, accountId: null, apiKey: null, apiKeyId: null, caller: null, clientCert: null, cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null, cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1', user: null, userAgent: req.headers['user-agent'] ?? null, userArn: null,
      },
      path: `/${API_STAGE}${url.pathname.slice(API_STAGE.length + 1)}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'proxy',
      resourcePath: '/{proxy+}',
      stage: API_STAGE,
    },
  };
}

/** Writes the Lambda's proxy result as API Gateway would (base64 bodies decoded). */
export function writeProxyResult(res: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  const body = result.isBase64Encoded === true ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
  res.writeHead(result.statusCode, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}
