// The search domain's fine-grained access control, as deployed (issue 10): the bundled
// custom-resource Lambda of the synthesized stack, invoked with CloudFormation's event, answers
// CloudFormation at the ResponseURL (a local receiver here). The security plugin's API cannot
// run on this machine (the local OpenSearch node has no security plugin), so the success path
// talks to a local stand-in that records the signed requests; the failure path talks to the
// real OpenSearch node, which refuses the plugin's paths, and must report FAILED with the reason.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lambdaEnvironment, synthesizeBundled, type BundledStack } from '../infra/support/bundled-stack';
import { invokeBundle } from '../infra/support/invoke-bundle';
import { describeWithOpenSearch } from './support/engines';

const SECURITY_FUNCTION = 'FHIR: search domain role mapping';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function recordingServer(answer: (request: Received) => number): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
      received.push(entry);
      response.writeHead(answer(entry), { 'content-type': 'application/json' }).end('{"status":"OK"}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received })));
}

const close = (server: Server | undefined): Promise<void> => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));

describeWithOpenSearch('search fine-grained access control: the bundled custom resource', (opensearchUrl) => {
  let bundled: BundledStack;
  let cloudFormation: Awaited<ReturnType<typeof recordingServer>>;
  let plugin: Awaited<ReturnType<typeof recordingServer>>;
  let properties: { IndexPrefix: string; BackendRoles: string[] };

  const event = (requestType: 'Create' | 'Update' | 'Delete'): Record<string, unknown> => ({
    RequestType: requestType,
    ResponseURL: `${cloudFormation.url}/response?X-Amz-Signature=abc`,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Fhir-dev/1',
    RequestId: `request-${requestType}`,
    LogicalResourceId: 'SearchSecurityMapping',
    ResourceType: 'Custom::SearchSecurity',
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:search-security',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:search-security', ...properties },
  });
  const environmentFor = (endpoint: string): Record<string, string> => lambdaEnvironment(bundled.template, SECURITY_FUNCTION, bundled.bundleOf(SECURITY_FUNCTION), { FHIR_OPENSEARCH_ENDPOINT: endpoint });

  beforeAll(async () => {
    cloudFormation = await recordingServer(() => 200);
    plugin = await recordingServer(() => 200);
    bundled = synthesizeBundled({ graphqlTypes: 'Patient' });
    const mapping = Object.values(bundled.template.findResources('Custom::SearchSecurity'))[0] as { Properties: { IndexPrefix: string; BackendRoles: unknown[] } };
    // The role ARNs as CloudFormation resolves the template's GetAtt references.
    properties = { IndexPrefix: mapping.Properties.IndexPrefix, BackendRoles: mapping.Properties.BackendRoles.map((_, index) => `arn:aws:iam::123456789012:role/fhir-lambda-${index}`) };
  }, 180_000);

  afterAll(async () => {
    bundled?.close();
    await close(cloudFormation?.server);
    await close(plugin?.server);
  });

  beforeEach(() => {
    cloudFormation.received.length = 0;
    plugin.received.length = 0;
  });

  test('Create: maps the Lambdas\' roles to a role on this stage\'s indexes, turns on metadata-only audit logs, signed with SigV4, then reports SUCCESS', async () => {
    const [result] = await invokeBundle(bundled.bundleOf(SECURITY_FUNCTION), environmentFor(plugin.url), [event('Create')]);

    expect(result).toEqual({ ok: true, value: null });
    expect(plugin.received.map((request) => `${request.method} ${request.url}`)).toEqual([
      'PUT /_plugins/_security/api/roles/fhir-dev-lambdas',
      'PUT /_plugins/_security/api/rolesmapping/fhir-dev-lambdas',
      'PUT /_plugins/_security/api/audit/config',
    ]);
    for (const request of plugin.received) expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=testing\/\d{8}\/us-east-1\/es\/aws4_request, /);
    const [role, mapping, audit] = plugin.received.map((request) => JSON.parse(request.body) as Record<string, unknown>);
    expect(role).toMatchObject({ index_permissions: [{ index_patterns: ['fhir-dev*'], allowed_actions: expect.arrayContaining(['crud', 'create_index']) }] });
    expect(JSON.stringify(role)).not.toMatch(/"\*"|all_access|cluster_all|indices_all/);
    expect(mapping).toEqual({ backend_roles: properties.BackendRoles, users: [], hosts: [] });
    expect(audit).toMatchObject({ enabled: true, audit: { enable_rest: true, log_request_body: false, exclude_sensitive_headers: true }, compliance: { read_metadata_only: true, write_metadata_only: true, write_log_diffs: false } });

    expect(cloudFormation.received).toHaveLength(1);
    expect(cloudFormation.received[0]?.method).toBe('PUT');
    expect(JSON.parse(cloudFormation.received[0]?.body ?? '{}')).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'search-security-fhir-dev',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Fhir-dev/1',
      RequestId: 'request-Create',
      LogicalResourceId: 'SearchSecurityMapping',
    });
  }, 60_000);

  test('Delete: leaves the domain as it is and reports SUCCESS (a retained domain keeps its mapping)', async () => {
    const [result] = await invokeBundle(bundled.bundleOf(SECURITY_FUNCTION), environmentFor(plugin.url), [{ ...event('Delete'), PhysicalResourceId: 'search-security-fhir-dev' }]);

    expect(result).toEqual({ ok: true, value: null });
    expect(plugin.received).toEqual([]);
    expect(JSON.parse(cloudFormation.received[0]?.body ?? '{}')).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'search-security-fhir-dev' });
  }, 60_000);

  test('a domain that refuses the security API (the real node, no plugin): FAILED with the status, so the deploy stops', async () => {
    const [result] = await invokeBundle(bundled.bundleOf(SECURITY_FUNCTION), { ...environmentFor(opensearchUrl), FHIR_OPENSEARCH_SIGV4: 'false' }, [event('Update')]);

    expect(result).toEqual({ ok: true, value: null });
    const response = JSON.parse(cloudFormation.received[0]?.body ?? '{}') as { Status: string; Reason: string };
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/^PUT \/_plugins\/_security\/api\/roles\/fhir-dev-lambdas: 4\d\d /);
  }, 60_000);
});
