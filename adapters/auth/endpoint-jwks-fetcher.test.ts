import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EndpointJwksFetcher } from './endpoint-jwks-fetcher';

let server: Server;
let endpoint: string;
const paths: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    paths.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('a Cognito JWKS URL is fetched from the same path at the endpoint', async () => {
  const body = await new EndpointJwksFetcher(endpoint).fetch('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123/.well-known/jwks.json');

  expect(new TextDecoder().decode(body)).toBe('{"keys":[]}');
  expect(paths).toEqual(['/us-east-1_Abc123/.well-known/jwks.json']);
});

test('any other URL is refused without a request, so an unknown key id never goes elsewhere', async () => {
  paths.length = 0;
  const fetcher = new EndpointJwksFetcher(endpoint);

  await expect(fetcher.fetch('https://attacker.example.org/us-east-1_Abc123/.well-known/jwks.json')).rejects.toThrow(/not a Cognito JWKS URL/);
  await expect(fetcher.fetch('http://cognito-idp.us-east-1.amazonaws.com/x/.well-known/jwks.json')).rejects.toThrow(/not a Cognito JWKS URL/);
  expect(paths).toEqual([]);
});
