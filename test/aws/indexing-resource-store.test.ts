// The write path's indexing (read-after-write) on the real engines, and what happens when the
// search cluster cannot be reached: the commit still stands.
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Client } from '@opensearch-project/opensearch';
import { DynamoDbResourceStore } from '../../adapters/aws/dynamodb-resource-store';
import { ensureResourceTable } from '../../adapters/aws/dynamodb-table';
import { IndexingResourceStore } from '../../adapters/aws/indexing-resource-store';
import { aliasName, documentId } from '../../adapters/aws/opensearch-mappings';
import { OpenSearchIndexWriter } from '../../adapters/aws/opensearch-index-writer';
import type { WriteOperation } from '../../core/ports/resource-store';
import { dynamoDbClient, openSearchClient, uniqueName } from './support/clients';
import { describeWithMotoAndOpenSearch } from './support/engines';

function write(id: string, versionId: string, status: string | undefined): WriteOperation {
  const lastUpdated = '2024-04-01T00:00:00.000Z';
  return {
    resourceType: 'Observation', id, expectedVersionId: versionId === '1' ? null : String(Number(versionId) - 1), versionId, lastUpdated,
    resource: status === undefined ? undefined : { resourceType: 'Observation', id, status },
    index: status === undefined ? [] : [{ type: 'token', param: 'status', system: null, code: status, text: null }],
  };
}

describeWithMotoAndOpenSearch('IndexingResourceStore on moto and OpenSearch', ({ motoEndpoint, opensearchUrl }) => {
  const tableName = uniqueName('fhir-indexing');
  const indexPrefix = uniqueName('indexing').toLowerCase();
  let dynamo: DynamoDBClient;
  let search: Client;
  let inner: DynamoDbResourceStore;

  beforeAll(async () => {
    dynamo = dynamoDbClient(motoEndpoint);
    search = openSearchClient(opensearchUrl);
    await ensureResourceTable(dynamo, tableName);
    inner = new DynamoDbResourceStore({ tableName, client: dynamo });
  });
  afterAll(async () => {
    await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
    dynamo.destroy();
    await search.indices.delete({ index: `${indexPrefix}-*` });
    await search.close();
  });

  test('a committed version is searchable as soon as commit returns, and a delete leaves a tombstone', async () => {
    const tenant = randomUUID();
    const errors: unknown[] = [];
    const store = new IndexingResourceStore({ store: inner, indexWriter: new OpenSearchIndexWriter({ client: search, indexPrefix, refresh: 'wait_for' }), onIndexError: (e) => errors.push(e) });
    const index = aliasName(indexPrefix, 'Observation');

    await store.commit(tenant, [write('o1', '1', 'final')]);
    const found = await search.search({ index, body: { query: { term: { tenant } } } });
    await store.commit(tenant, [write('o1', '2', undefined)]);
    const tombstone = await search.get({ index, id: documentId(tenant, 'o1') });

    expect((found.body.hits.hits[0]?._source as { id?: string } | undefined)?.id).toBe('o1');
    expect(tombstone.body._source).toMatchObject({ versionId: '2', deleted: true });
    expect(errors).toEqual([]);
  });

  test('when OpenSearch cannot be reached the commit stands and the failure is reported', async () => {
    const tenant = randomUUID();
    const errors: unknown[] = [];
    const unreachable = new Client({ node: 'http://127.0.0.1:9', maxRetries: 0, requestTimeout: 2000 });
    const store = new IndexingResourceStore({ store: inner, indexWriter: new OpenSearchIndexWriter({ client: unreachable, indexPrefix }), onIndexError: (e) => errors.push(e) });

    await store.commit(tenant, [write('o2', '1', 'final')]);

    expect((await store.read(tenant, 'Observation', 'o2'))?.versionId).toBe('1');
    expect(errors).toHaveLength(1);
    await unreachable.close();
  });

  test('a commit of several resources is indexed in one bulk request; a resource OpenSearch refuses is reported alone', async () => {
    const tenant = randomUUID();
    const errors: { error: unknown; id: string }[] = [];
    const store = new IndexingResourceStore({
      store: inner, indexWriter: new OpenSearchIndexWriter({ client: search, indexPrefix, refresh: 'wait_for' }), onIndexError: (error, _tenant, w) => errors.push({ error, id: w.id }),
    });
    const malformed = JSON.parse('[{"type":"date","param":"date","start":"soon","end":"later"}]') as WriteOperation['index'];

    await store.commit(tenant, [write('b1', '1', 'final'), { ...write('b2', '1', 'final'), index: malformed }, write('b3', '1', 'amended')]);
    const found = await search.search({ index: aliasName(indexPrefix, 'Observation'), body: { query: { term: { tenant } }, sort: [{ id: 'asc' }] } });

    expect(found.body.hits.hits.map((h) => (h._source as { id?: string } | undefined)?.id)).toEqual(['b1', 'b3']);
    expect(errors.map((e) => e.id)).toEqual(['b2']);
    expect((await store.read(tenant, 'Observation', 'b2'))?.versionId).toBe('1');
  });

  // Found by `npm run start:aws` (issue 9): the stream processor, polling moto's stream, indexed
  // a new type's first version (no refresh) before the write path did; the write path's 409 then
  // skipped `wait_for`, and a search right after the acknowledged create missed it.
  test.each([
    ['one resource', ['r1']],
    ['a bulk of two', ['r2', 'r3']],
  ])('read-after-write holds when the stream processor indexed the same version first (%s)', async (_label, ids) => {
    const tenant = randomUUID();
    // A long refresh interval: only an explicit refresh makes a document visible within the test.
    const prefix = `${indexPrefix}-race${ids.length}`;
    const streamWriter = new OpenSearchIndexWriter({ client: search, indexPrefix: prefix, refreshInterval: '60s' });
    const store = new IndexingResourceStore({ store: inner, indexWriter: new OpenSearchIndexWriter({ client: search, indexPrefix: prefix, refresh: 'wait_for' }), onIndexError: () => undefined });
    const writes = ids.map((id) => write(id, '1', 'final'));
    for (const w of writes) await streamWriter.index(tenant, 'Observation', w.id, w.versionId, w.index);

    await store.commit(tenant, writes);
    const found = await search.search({ index: aliasName(prefix, 'Observation'), body: { query: { term: { tenant } }, sort: [{ id: 'asc' }] } });

    expect(found.body.hits.hits.map((h) => (h._source as { id?: string } | undefined)?.id)).toEqual(ids);
  });
});
