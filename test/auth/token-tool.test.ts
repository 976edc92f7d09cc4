// `npm run token` end to end: the printed token verifies with the local server's verifier.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevIssuer, createLocalVerifier } from '../../adapters/auth/dev-issuer';
import { tokenInputFromArgs } from '../../tools/token';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'auth-tool-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const root = join(__dirname, '..', '..');

test('the printed token carries the group and tenant and verifies against the data dir keys', async () => {
  const token = execFileSync(join(root, 'node_modules', '.bin', 'tsx'), ['tools/token.ts', '--group', 'practitioner', '--tenant', 't1'], {
    cwd: root, env: { ...process.env, FHIR_DATA_DIR: dataDir }, encoding: 'utf8',
  }).trim();
  const principal = await createLocalVerifier(createDevIssuer(dataDir)).verify(token);
  expect(principal).toMatchObject({ groups: ['practitioner'], tenant: 't1' });
});

test('SMART flags become scopes, launch patient and fhirUser of an access token', () => {
  const { input } = tokenInputFromArgs(['--scope', 'patient/Observation.rs launch/patient', '--patient', '123', '--fhir-user', 'Practitioner/9']);
  expect(input).toEqual({ scopes: ['patient/Observation.rs', 'launch/patient'], patient: '123', fhirUser: 'Practitioner/9' });
});

test('an unknown flag fails with the usage', () => {
  expect(() => tokenInputFromArgs(['--grup', 'x'])).toThrow(/Usage: npm run token/);
});
