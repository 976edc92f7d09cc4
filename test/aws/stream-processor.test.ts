// The stream processor with real stream records: versions committed through the DynamoDB store
// on moto, read back from moto's DynamoDB stream, handed to the Lambda handler, indexed into a
// real OpenSearch node and published on the in-process change feed.
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Client } from '@opensearch-project/opensearch';
import type { DynamoDBRecord } from 'aws-lambda';
import { DynamoDbResourceStore } from '../../adapters/aws/dynamodb-resource-store';
import { ensureResourceTable } from '../../adapters/aws/dynamodb-table';
import { aliasName, documentId } from '../../adapters/aws/opensearch-mappings';
import { OpenSearchIndexWriter } from '../../adapters/aws/opensearch-index-writer';
import { createStreamHandler, type StreamHandler } from '../../adapters/aws/stream-processor';
import { InProcessChangeFeed } from '../../adapters/embedded/in-process-change-feed';
import type { ResourceChange } from '../../core/ports/change-feed';
import type { WriteOperation } from '../../core/ports/resource-store';
import type { IndexEntry } from '../../core/search/index-entry';
import { dynamoDbClient, openSearchClient, uniqueName } from './support/clients';
import { readStream, recordsOfTenant } from './support/dynamodb-stream';
import { describeWithMotoAndOpenSearch } from './support/engines';

const statusEntry = (code: string): IndexEntry => ({ type: 'token', param: 'status', system: 'http://hl7.org/fhir/observation-status', code, text: null });

function observationWrite(id: string, version: number, status: string | undefined, index: readonly IndexEntry[] = status ? [statusEntry(status)] : []): WriteOperation {
  const versionId = String(version);
  const lastUpdated = new Date(Date.UTC(2024, 0, 1, 0, 0, version)).toISOString();
  return {
    resourceType: 'Observation', id, expectedVersionId: version === 1 ? null : String(version - 1), versionId, lastUpdated,
    resource: status === undefined ? undefined : { resourceType: 'Observation', id, meta: { versionId, lastUpdated }, status },
    index,
  };
}

describeWithMotoAndOpenSearch('stream processor on real DynamoDB stream records', ({ motoEndpoint, opensearchUrl }) => {
  const tableName = uniqueName('fhir-stream');
  const indexPrefix = uniqueName('stream').toLowerCase();
  let dynamo: DynamoDBClient;
  let search: Client;
  let store: DynamoDbResourceStore;
  let streamArn: string;
  let changes: ResourceChange[];
  let handler: StreamHandler;

  beforeAll(async () => {
    dynamo = dynamoDbClient(motoEndpoint);
    search = openSearchClient(opensearchUrl);
    const arn = await ensureResourceTable(dynamo, tableName);
    if (arn === undefined) throw new Error('the table has no stream');
    streamArn = arn;
    store = new DynamoDbResourceStore({ tableName, client: dynamo });
  });
  beforeEach(() => {
    changes = [];
    const changeFeed = new InProcessChangeFeed();
    changeFeed.subscribe((change) => changes.push(change));
    handler = createStreamHandler({ indexWriter: new OpenSearchIndexWriter({ client: search, indexPrefix }), changeFeed });
  });
  afterAll(async () => {
    await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
    dynamo.destroy();
    await search.indices.delete({ index: `${indexPrefix}-*` });
    await search.close();
  });

  async function recordsOf(tenant: string): Promise<DynamoDBRecord[]> {
    return recordsOfTenant(await readStream(motoEndpoint, streamArn), tenant);
  }

  async function indexed(tenant: string, id: string): Promise<Record<string, unknown> | undefined> {
    const response = await search.get({ index: aliasName(indexPrefix, 'Observation'), id: documentId(tenant, id) }, { ignore: [404] });
    const body = response.body as { found?: boolean; _source?: Record<string, unknown> };
    return body.found ? body._source : undefined;
  }

  test('create, update and delete reach the change feed in order and leave a tombstone in the index', async () => {
    const tenant = randomUUID();
    for (const write of [observationWrite('o1', 1, 'preliminary'), observationWrite('o1', 2, 'final'), observationWrite('o1', 3, undefined)]) {
      await store.commit(tenant, [write]);
    }
    const records = await recordsOf(tenant);

    const result = await handler({ Records: records });

    expect(result.batchItemFailures).toEqual([]);
    expect(changes.map((c) => `${c.action} ${c.resourceType}/${c.id}/_history/${c.versionId}`)).toEqual([
      'create Observation/o1/_history/1', 'update Observation/o1/_history/2', 'delete Observation/o1/_history/3',
    ]);
    expect(changes[1]?.resource).toMatchObject({ status: 'final' });
    expect(changes.every((c) => c.tenant === tenant)).toBe(true);
    expect(await indexed(tenant, 'o1')).toMatchObject({ versionId: '3', deleted: true });
  });

  test('only version items count: the current item records of a commit announce nothing', async () => {
    const tenant = randomUUID();
    await store.commit(tenant, [observationWrite('o1', 1, 'final'), observationWrite('o2', 1, 'final')]);
    const records = await recordsOf(tenant);

    await handler({ Records: records });

    expect(records).toHaveLength(4);
    expect(changes.map((c) => c.id).sort()).toEqual(['o1', 'o2']);
  });

  test('redelivering a batch indexes nothing twice and keeps the newest version', async () => {
    const tenant = randomUUID();
    await store.commit(tenant, [observationWrite('o1', 1, 'preliminary')]);
    await store.commit(tenant, [observationWrite('o1', 2, 'final')]);
    const records = await recordsOf(tenant);
    await handler({ Records: records });

    const again = await handler({ Records: records });

    expect(again.batchItemFailures).toEqual([]);
    expect(await indexed(tenant, 'o1')).toMatchObject({ versionId: '2', token: [expect.objectContaining({ code: 'final' })] });
  });

  test('an older version arriving after a newer one does not replace it', async () => {
    const tenant = randomUUID();
    await store.commit(tenant, [observationWrite('o1', 1, 'preliminary')]);
    await store.commit(tenant, [observationWrite('o1', 2, 'amended')]);
    const records = await recordsOf(tenant);

    await handler({ Records: [...records].reverse() });

    expect(await indexed(tenant, 'o1')).toMatchObject({ versionId: '2', token: [expect.objectContaining({ code: 'amended' })] });
  });

  test('a record OpenSearch refuses is reported; later versions of its resource wait, other resources go on', async () => {
    const tenant = randomUUID();
    // A date entry whose bounds are not numbers: the strict mapping makes OpenSearch refuse it.
    const malformed = JSON.parse('[{"type":"date","param":"date","start":"soon","end":"later"}]') as IndexEntry[];
    await store.commit(tenant, [observationWrite('before', 1, 'final')]);
    await store.commit(tenant, [observationWrite('poison', 1, 'final', malformed)]);
    await store.commit(tenant, [observationWrite('poison', 2, 'amended')]);
    await store.commit(tenant, [observationWrite('other', 1, 'final')]);
    const records = (await recordsOf(tenant)).filter((r) => r.dynamodb?.Keys?.sk?.S !== 'c');
    const poison = records[1]?.dynamodb?.SequenceNumber;

    const result = await handler({ Records: records });

    expect(poison).toBeDefined();
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: poison }]);
    expect(changes.map((c) => `${c.id}/${c.versionId}`).sort()).toEqual(['before/1', 'other/1']);
    expect(await indexed(tenant, 'poison')).toBeUndefined();
  });

  test('many resources go side by side, each one\'s versions in commit order', async () => {
    const tenant = randomUUID();
    const ids = Array.from({ length: 12 }, (_, i) => `r${i}`);
    for (const version of [1, 2, 3]) {
      await store.commit(tenant, ids.map((id) => observationWrite(id, version, ['registered', 'preliminary', 'final'][version - 1])));
    }

    const result = await handler({ Records: await recordsOf(tenant) });

    expect(result.batchItemFailures).toEqual([]);
    for (const id of ids) expect(changes.filter((c) => c.id === id).map((c) => c.versionId)).toEqual(['1', '2', '3']);
    const docs = await Promise.all(ids.map((id) => indexed(tenant, id)));
    expect(docs.map((d) => d?.versionId)).toEqual(ids.map(() => '3'));
  });

  test('a large resource and its search values travel gzipped through the stream and are indexed whole', async () => {
    const tenant = randomUUID();
    const note = 'Narrative text of a long discharge summary. '.repeat(10_000);
    const write = observationWrite('big', 1, 'final', [statusEntry('final'), { type: 'text', param: '_content', value: note }]);
    await store.commit(tenant, [{ ...write, resource: { ...(write.resource ?? { resourceType: 'Observation' }), note: [{ text: note }] } }]);

    const result = await handler({ Records: await recordsOf(tenant) });

    expect(result.batchItemFailures).toEqual([]);
    expect((changes[0]?.resource?.note as { text: string }[] | undefined)?.[0]?.text).toBe(note);
    expect(((await indexed(tenant, 'big'))?.text as { value: string }[] | undefined)?.[0]?.value).toBe(note);
  });
});
