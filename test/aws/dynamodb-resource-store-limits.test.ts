// What the DynamoDB store does beyond the shared contract: the transaction limit, large bodies,
// keys that cannot be forged, and the shape of the items the stream processor reads.
import { randomBytes, randomUUID } from 'node:crypto';
import { DeleteTableCommand, GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FhirError } from '../../core/errors/fhir-error';
import type { WriteOperation } from '../../core/ports/resource-store';
import { DynamoDbResourceStore } from '../../adapters/aws/dynamodb-resource-store';
import { historyShard } from '../../adapters/aws/dynamodb-items';
import { ensureResourceTable } from '../../adapters/aws/dynamodb-table';
import { dynamoDbClient, uniqueName } from './support/clients';
import { describeWithMoto } from './support/engines';

function create(id: string, extra: Record<string, string> = {}): WriteOperation {
  const lastUpdated = '2024-03-01T00:00:00.000Z';
  return {
    resourceType: 'Observation', id, expectedVersionId: null, versionId: '1', lastUpdated,
    resource: { resourceType: 'Observation', id, meta: { versionId: '1', lastUpdated }, status: 'final', ...extra },
    index: [{ type: 'token', param: 'status', system: null, code: 'final', text: null }],
  };
}

describeWithMoto('DynamoDbResourceStore on moto, beyond the contract', (endpoint) => {
  const tableName = uniqueName('fhir-limits');
  let client: DynamoDBClient;
  let store: DynamoDbResourceStore;

  beforeAll(async () => {
    client = dynamoDbClient(endpoint);
    await ensureResourceTable(client, tableName);
    store = new DynamoDbResourceStore({ tableName, client });
  });
  afterAll(async () => {
    await store.close();
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    client.destroy();
  });

  test('a commit over the transaction limit is BUNDLE_TOO_LARGE naming the limit, and writes nothing', async () => {
    const tenant = randomUUID();
    const writes = Array.from({ length: store.maxAtomicWrites + 1 }, (_, i) => create(`o${i}`));

    const failure = store.commit(tenant, writes);

    await expect(failure).rejects.toBeInstanceOf(FhirError);
    await expect(failure).rejects.toMatchObject({ code: 'BUNDLE_TOO_LARGE', status: 400, message: expect.stringContaining(`at most ${store.maxAtomicWrites} writes`) });
    expect((await store.readMany(tenant, writes)).every((v) => v === undefined)).toBe(true);
  });

  test('the limit is half of the 100 TransactWriteItems actions: a current and a version item per write', () => {
    expect(store.maxAtomicWrites).toBe(50);
  });

  test('a resource of about 1 MB of JSON, with search values as large, is stored compressed and read back intact', async () => {
    const tenant = randomUUID();
    // Repetitive text like real narrative and notes; DynamoDB caps an item at 400 KB.
    const note = 'Blood pressure within normal limits; follow up in six weeks. '.repeat(16_000);
    // The core extracts _content from all the text, so the search values are as large.
    const write = { ...create('big', { comment: note }), index: [{ type: 'text' as const, param: '_content' as const, value: note }] };

    await store.commit(tenant, [write]);

    expect((await store.read(tenant, 'Observation', 'big'))?.resource).toEqual(write.resource);
    expect((await store.vread(tenant, 'Observation', 'big', '1'))?.resource).toEqual(write.resource);
  });

  test('a # in a tenant or id cannot reach another tenant\'s resource', async () => {
    await store.commit('a#Observation', [create('x')]);

    await expect(store.read('a', 'Observation#x', 'Observation')).resolves.toBeUndefined();
    await expect(store.read('a', 'Observation', 'x')).resolves.toBeUndefined();
    expect((await store.read('a#Observation', 'Observation', 'x'))?.versionId).toBe('1');
  });

  test('version items carry the tenant and the extracted search values for the stream processor', async () => {
    const tenant = randomUUID();
    await store.commit(tenant, [create('o1')]);

    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: `${tenant}#Observation#o1` }, sk: { S: 'v#000000000000001' } } }));

    expect(Item?.tn?.S).toBe(tenant);
    expect(JSON.parse(Item?.idx?.S ?? 'null')).toEqual([{ type: 'token', param: 'status', system: null, code: 'final', text: null }]);
  });

  test('a forged history cursor naming another key is a 400, not a malformed DynamoDB query', async () => {
    const tenant = randomUUID();
    const forged = (position: string): string => Buffer.from(position, 'utf8').toString('base64url');

    for (const cursor of [forged('h1:sk:c'), forged('h1:hsk:000000000000001#x'), forged('h1:sk:v#1#2')]) {
      await expect(store.history(tenant, { resourceType: 'Patient', id: 'p1', count: 5, cursor })).rejects.toMatchObject({ code: 'INVALID_REQUEST', status: 400 });
    }
    await expect(store.history(tenant, { count: 5, cursor: forged('h1:hsk:1#Patient#p1#1') })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  test('history-instance counts every version of the resource (at or after _since) in total', async () => {
    const tenant = randomUUID();
    const times = ['2024-03-01T00:00:01.000Z', '2024-03-01T00:00:02.000Z', '2024-03-01T00:00:03.000Z'];
    for (const [i, lastUpdated] of times.entries()) {
      const versionId = String(i + 1);
      await store.commit(tenant, [{ ...create('o1'), expectedVersionId: i === 0 ? null : String(i), versionId, lastUpdated }]);
    }

    const all = await store.history(tenant, { resourceType: 'Observation', id: 'o1', count: 1 });
    const since = await store.history(tenant, { resourceType: 'Observation', id: 'o1', count: 1, since: times[1] });

    expect([all.versions.length, all.total, since.total]).toEqual([1, 3, 2]);
  });

  test('history-type and -system merge the history shards newest first, page after page', async () => {
    const tenant = randomUUID();
    const ids = Array.from({ length: 40 }, (_, i) => `o${i}`);
    const at = (i: number): string => new Date(Date.UTC(2024, 5, 1, 0, 0, i)).toISOString();
    for (let i = 0; i < ids.length; i += 10) {
      await store.commit(tenant, ids.slice(i, i + 10).map((id, j) => ({ ...create(id), lastUpdated: at(i + j) })));
    }
    const pages = async (resourceType?: string): Promise<string[]> => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.history(tenant, { ...(resourceType ? { resourceType } : {}), count: 7, ...(cursor ? { cursor } : {}) });
        seen.push(...page.versions.map((v) => v.id));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return seen;
    };

    const newestFirst = [...ids].reverse();

    expect(new Set(ids.map((id) => historyShard('Observation', id))).size).toBeGreaterThan(1);
    await expect(pages('Observation')).resolves.toEqual(newestFirst);
    await expect(pages()).resolves.toEqual(newestFirst);
  });

  test('a commit over DynamoDB\'s 4 MB per transaction is BUNDLE_TOO_LARGE naming it, and writes nothing', async () => {
    const tenant = randomUUID();
    // Random bytes do not compress: 20 resources of about 190 KB, each stored twice.
    const writes = Array.from({ length: 20 }, (_, i) => create(`b${i}`, { comment: randomBytes(140_000).toString('base64') }));

    const failure = store.commit(tenant, writes);

    await expect(failure).rejects.toMatchObject({ code: 'BUNDLE_TOO_LARGE', message: expect.stringContaining('at most 4 MB') });
    expect((await store.readMany(tenant, writes)).every((v) => v === undefined)).toBe(true);
  });
});

