// REST create/read throughput and latency on the local server, measured with autocannon
// against real HTTP on 127.0.0.1 (issue 2, Proof). Auth is on, as by default: every request
// carries a dev-issuer token and pays for its verification.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startLocalServer } from '../local/start';
import { parseLocalConfig } from '../wiring/config';

export interface LoadFigures {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

/** One autocannon run. */
export function runLoad(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error as Error) : resolve(result)));
  });
}

export function loadFigures(name: string, result: autocannon.Result): LoadFigures {
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export async function benchRest(seconds = 10, connections = 10, synchronous: 'FULL' | 'NORMAL' = 'FULL'): Promise<LoadFigures[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fhir-bench-'));
  const config = parseLocalConfig({ PORT: '0', FHIR_DATA_DIR: dataDir, LOG_LEVEL: 'silent', FHIR_SQLITE_SYNCHRONOUS: synchronous });
  const server = await startLocalServer(config);
  try {
    const token = server.app.devIssuer?.mint({ groups: ['practitioner'], expiresInSeconds: 3600 }) ?? '';
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
    const patient = JSON.stringify({
      resourceType: 'Patient',
      identifier: [{ system: 'urn:oid:1.2.36.146.595.217.0.1', value: '12345' }],
      name: [{ use: 'official', family: 'Chalmers', given: ['Peter', 'James'] }],
      telecom: [{ system: 'phone', value: '(03) 5555 6473', use: 'work' }],
      gender: 'male',
      birthDate: '1974-12-25',
      address: [{ use: 'home', line: ['534 Erewhon St'], city: 'PleasantVille', state: 'Vic', postalCode: '3999' }],
    });
    const create = await runLoad({ url: `${server.rootUrl}/Patient`, method: 'POST', headers, body: patient, connections, duration: seconds });
    const seeded = await fetch(`${server.rootUrl}/Patient`, { method: 'POST', headers, body: patient });
    const id = ((await seeded.json()) as { id: string }).id;
    const read = await runLoad({ url: `${server.rootUrl}/Patient/${id}`, method: 'GET', headers, connections, duration: seconds });
    return [loadFigures(`create (POST Patient), synchronous=${synchronous}`, create), loadFigures(`read (GET Patient/id), synchronous=${synchronous}`, read)];
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
