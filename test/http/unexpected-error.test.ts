import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLocalConfig } from '../../wiring/config';
import { createLocalApp, SERVER_INFO, type LocalApp } from '../../wiring/local';
import type { CoreDeps } from '../../core/core-deps';
import { handleRequest } from '../../core/http/handle-request';

let app: LocalApp;
let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'fhir-500-'));
  app = createLocalApp(parseLocalConfig({ FHIR_DATA_DIR: dataDir, FHIR_AUTH_MODE: 'none', LOG_LEVEL: 'silent' }), { inMemory: true });
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('an unexpected backend failure is a 500 exception with a masked message and the correlation id logged', async () => {
  const logged: Record<string, unknown>[] = [];
  const deps: CoreDeps = {
    ...app.deps,
    store: { ...app.deps.store, read: () => Promise.reject(new Error('disk I/O error: /var/secret/path')) },
    log: { info: () => undefined, warn: () => undefined, error: (_message, fields) => logged.push(fields ?? {}) },
  };
  const response = await handleRequest(deps, SERVER_INFO, {
    method: 'GET',
    path: ['Patient', '1'],
    query: [],
    headers: {},
    context: { principal: { subject: 't', groups: [], scopes: [] }, tenant: 'default', baseUrl: 'http://x/fhir', correlationId: 'corr-123' },
  });
  expect(response.status).toBe(500);
  const body = JSON.parse(String(response.body ?? '{}')) as { issue: { code: string; diagnostics: string }[] };
  expect(body.issue[0]?.code).toBe('exception');
  expect(body.issue[0]?.diagnostics).toContain('corr-123');
  expect(String(response.body)).not.toContain('/var/secret/path');
  expect(response.headers['x-correlation-id']).toBe('corr-123');
  expect(logged[0]?.['correlationId']).toBe('corr-123');
  expect(String(logged[0]?.['error'])).toContain('disk I/O error');
});
