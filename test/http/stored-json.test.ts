// Reads, vreads and searchsets send the JSON text the store holds, without a parse/stringify
// round trip (issue 11); _summary, _elements and _pretty reshape it, so they serialize. The
// stored text of one Patient is rewritten in the database with spacing JSON.stringify never
// produces: only a server that sends the stored bytes returns that spacing.
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { startTestServer, type TestServer } from './local-server';

let server: TestServer;
const spaced = '{ "resourceType": "Patient",  "id": "sp1", "meta": { "versionId": "1", "lastUpdated": "2024-01-01T00:00:00.000Z" }, "name": [ { "family": "Spacey" } ] }';

beforeAll(async () => {
  server = await startTestServer({}, { inMemory: false });
  const created = await server.request('/Patient/sp1', { method: 'PUT', body: { resourceType: 'Patient', id: 'sp1', name: [{ family: 'Spacey' }] } });
  expect(created.status).toBe(201);
  const db = new BetterSqlite3(join(server.dataDir, 'fhir.sqlite'));
  try {
    db.prepare("UPDATE resource_current SET resource = ?, last_updated = '2024-01-01T00:00:00.000Z' WHERE resource_type = 'Patient' AND id = 'sp1'").run(spaced);
    db.prepare("UPDATE resource_version SET resource = ?, last_updated = '2024-01-01T00:00:00.000Z' WHERE resource_type = 'Patient' AND id = 'sp1'").run(spaced);
  } finally {
    db.close();
  }
});

afterAll(async () => {
  await server.stop();
});

test('a read sends the stored text byte for byte', async () => {
  const read = await server.request('/Patient/sp1');
  expect(read.status).toBe(200);
  expect(read.text).toBe(spaced);
  expect(read.headers.get('etag')).toBe('W/"1"');
});

test('a vread sends the stored text byte for byte', async () => {
  const vread = await server.request('/Patient/sp1/_history/1');
  expect(vread.text).toBe(spaced);
});

test('a searchset splices the stored text into its entry', async () => {
  const search = await server.request('/Patient?family=Spacey');
  expect(search.status).toBe(200);
  expect(search.text).toContain(`"resource":${spaced},"search":{"mode":"match"}`);
  const entries = search.json['entry'] as { fullUrl: string; resource: { id: string; name: unknown } }[];
  expect(entries).toHaveLength(1);
  expect(entries[0]?.fullUrl).toBe(`${server.base}/Patient/sp1`);
  expect(entries[0]?.resource.name).toEqual([{ family: 'Spacey' }]);
});

test('_summary, _elements and _pretty reshape the resource, so it is serialized again', async () => {
  const elements = await server.request('/Patient/sp1?_elements=id');
  expect(elements.text).not.toContain('Spacey');
  expect(elements.json['id']).toBe('sp1');
  const summary = await server.request('/Patient?family=Spacey&_summary=true');
  expect(summary.text).not.toContain(spaced);
  expect((summary.json['entry'] as { resource: { name: unknown } }[])[0]?.resource.name).toEqual([{ family: 'Spacey' }]);
  const pretty = await server.request('/Patient/sp1?_pretty=true');
  expect(pretty.text).toBe(JSON.stringify(JSON.parse(spaced), null, 2));
});
