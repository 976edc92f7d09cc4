// Defects the hostile-input fuzzer (fuzz.test.ts) found, kept as plain regression tests.
import { issueOf, startTestServer, type TestServer } from '../http/local-server';

describe('inputs the fuzzer found answering 500', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await server.request('/Patient/t', { method: 'PUT', body: { resourceType: 'Patient', id: 't', name: [{ family: 'Kept' }] } });
  });
  afterAll(() => server.stop());

  const jsonPatch = (ops: unknown): Promise<Awaited<ReturnType<TestServer['request']>>> =>
    server.request('/Patient/t', { method: 'PATCH', rawBody: JSON.stringify(ops), headers: { 'content-type': 'application/json-patch+json' } });

  test('GraphQL variables that are a string of invalid JSON are a 400 naming variables', async () => {
    const origin = server.base.replace(/\/fhir$/, '');
    const response = await fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ id }', variables: 'H}y' }) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string; extensions: { operationOutcome: { issue: { expression: string[] }[] } } }[] };
    expect(body.errors[0]?.message).toMatch(/variables is not valid JSON/);
    expect(body.errors[0]?.extensions.operationOutcome.issue[0]?.expression).toEqual(['variables']);
  });

  test('a JSON Patch that removes the document root and then goes on is a 400 naming the operation', async () => {
    const response = await jsonPatch([{ op: 'remove', path: '' }, { op: 'add', path: '/x', value: 1 }]);
    expect(response.status).toBe(400);
    expect(issueOf(response.json)).toMatchObject({ code: 'invalid', expression: ['[0]'] });
    expect((await server.request('/Patient/t')).json.name).toEqual([{ family: 'Kept' }]);
  });

  test('a JSON Patch that turns a container into a primitive and then patches inside it is a 400', async () => {
    const response = await jsonPatch([{ op: 'replace', path: '/name', value: 5 }, { op: 'add', path: '/name/0/family', value: 'x' }]);
    expect(response.status).toBe(400);
    expect(issueOf(response.json).code).toBe('invalid');
  });
});
