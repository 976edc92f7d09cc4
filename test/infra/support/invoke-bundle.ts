// Invokes a bundled Lambda handler the way the Node.js runtime does: a fresh Node process that
// requires the bundle's index.js with the function's environment, then calls `handler` with
// each event in turn (one warm container). A thrown error comes back as Lambda reports it
// (errorType = the error's name, errorMessage).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export type Invocation = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errorType: string; readonly errorMessage: string };

const RUNNER = `
const { handler } = require(process.argv[1]);
let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  const results = [];
  for (const event of JSON.parse(input)) {
    try { results.push({ ok: true, value: (await handler(event)) ?? null }); }
    catch (error) { results.push({ ok: false, errorType: error && error.name || 'Error', errorMessage: String(error && error.message) }); }
  }
  process.stdout.write('\\n@@RESULT@@' + JSON.stringify(results));
});
`;

/** The Node binary that runs bundles: FHIR_LAMBDA_NODE (e.g. Node 24, as Lambda runs) or this one. */
export const LAMBDA_NODE = process.env['FHIR_LAMBDA_NODE'] ?? process.execPath;

export function invokeBundle(bundleDir: string, environment: Readonly<Record<string, string>>, events: readonly unknown[]): Promise<Invocation[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(LAMBDA_NODE, ['-e', RUNNER, join(bundleDir, 'index.js')], {
      env: {
        PATH: process.env['PATH'] ?? '',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        LAMBDA_TASK_ROOT: bundleDir,
        ...environment,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const marker = stdout.lastIndexOf('\n@@RESULT@@');
      if (code !== 0 || marker < 0) {
        reject(new Error(`bundle ${bundleDir} exited with ${String(code)}:\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(stdout.slice(marker + '\n@@RESULT@@'.length)) as Invocation[]);
    });
    child.stdin.end(JSON.stringify(events));
  });
}
