// The shared search cases (test/search/) on the AWS data path: resources committed to the
// DynamoDB store on moto and indexed into a real OpenSearch node on the write path (refresh
// wait_for), searched with OpenSearchSearchIndex and read back through the store.
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Client } from '@opensearch-project/opensearch';
import { DynamoDbResourceStore } from '../../adapters/aws/dynamodb-resource-store';
import { ensureResourceTable } from '../../adapters/aws/dynamodb-table';
import { OpenSearchIndexWriter } from '../../adapters/aws/opensearch-index-writer';
import { OpenSearchSearchIndex } from '../../adapters/aws/opensearch-search-index';
import { allowAllPolicy } from '../../core/authz/access-policy';
import { defaultCoreConfig } from '../../core/config';
import type { Resource } from '../../core/fhir-types';
import type { WriteOperation } from '../../core/ports/resource-store';
import { extractIndexEntries } from '../../core/search/extract';
import { describeSearchCases, engineWithTerminology, type SearchBackend } from '../search/describe-search-cases';
import { dynamoDbClient, openSearchClient, uniqueName } from './support/clients';
import { describeWithMotoAndOpenSearch } from './support/engines';

describeWithMotoAndOpenSearch('OpenSearchSearchIndex with DynamoDbResourceStore', ({ motoEndpoint, opensearchUrl }) => {
  async function makeAwsBackend(): Promise<SearchBackend> {
    const tableName = uniqueName('fhir-search');
    const indexPrefix = uniqueName('search').toLowerCase();
    const dynamo: DynamoDBClient = dynamoDbClient(motoEndpoint);
    const search: Client = openSearchClient(opensearchUrl);
    await ensureResourceTable(dynamo, tableName);
    const store = new DynamoDbResourceStore({ tableName, client: dynamo });
    // A short refresh interval keeps wait_for (read-after-write) from costing a second per put.
    const writer = new OpenSearchIndexWriter({ client: search, indexPrefix, refresh: 'wait_for', refreshInterval: '100ms' });
    const index = new OpenSearchSearchIndex({ client: search, indexPrefix });
    return {
      async put(tenant: string, resources: readonly Resource[], lastUpdated = new Date().toISOString()): Promise<void> {
        const current = await store.readMany(tenant, resources.map((r) => ({ resourceType: r.resourceType, id: r.id ?? '' })));
        const writes = resources.map((r, i): WriteOperation => {
          const before = current[i];
          const versionId = String(Number(before?.versionId ?? '0') + 1);
          const resource: Resource = { ...r, meta: { ...(r.meta ?? {}), versionId, lastUpdated } };
          return { resourceType: r.resourceType, id: r.id ?? '', expectedVersionId: before?.versionId ?? null, versionId, lastUpdated, resource, index: extractIndexEntries(resource) };
        });
        for (let i = 0; i < writes.length; i += store.maxAtomicWrites) await store.commit(tenant, writes.slice(i, i + store.maxAtomicWrites));
        // The write path indexes after the commit (DESIGN.md: AWS data path).
        await Promise.all(writes.map((w) => writer.index(tenant, w.resourceType, w.id, w.versionId, w.index)));
      },
      engine: (access = allowAllPolicy) => engineWithTerminology({ index, store, access, config: defaultCoreConfig }),
      async close(): Promise<void> {
        await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
        dynamo.destroy();
        await search.indices.delete({ index: `${indexPrefix}-*` });
        await search.close();
      },
    };
  }

  describeSearchCases('OpenSearch + DynamoDB (moto)', makeAwsBackend);
});
