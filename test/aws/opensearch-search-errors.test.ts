// OpenSearch failures become core errors at the edge of OpenSearchSearchIndex.
import { Client } from '@opensearch-project/opensearch';
import { OpenSearchIndexWriter } from '../../adapters/aws/opensearch-index-writer';
import { OpenSearchSearchIndex } from '../../adapters/aws/opensearch-search-index';
import type { SearchQuery } from '../../core/search/ast';
import { openSearchClient, uniqueName } from './support/clients';
import { describeWithOpenSearch } from './support/engines';

const byBirthdate = (cursor?: string): SearchQuery => ({
  resourceTypes: ['Patient'], conditions: [], sort: [{ param: 'birthdate', type: 'date', descending: false }],
  count: 10, total: 'none', include: [], revinclude: [], ...(cursor === undefined ? {} : { cursor }),
});

describeWithOpenSearch('OpenSearchSearchIndex errors on a real node', (url) => {
  const indexPrefix = uniqueName('errors').toLowerCase();
  let client: Client;

  beforeAll(async () => {
    client = openSearchClient(url);
    await new OpenSearchIndexWriter({ client, indexPrefix, refresh: 'wait_for' })
      .index('t1', 'Patient', 'p1', '1', [{ type: 'date', param: 'birthdate', start: 0, end: 86_399_999 }]);
  });
  afterAll(async () => {
    await client.indices.delete({ index: `${indexPrefix}-*` });
    await client.close();
  });

  test('a cursor whose values do not fit the sort is INVALID_SEARCH on _cursor', async () => {
    const forged = Buffer.from(JSON.stringify({ v: ['not-a-date', 'Patient', 'p1'], b: 0 }), 'utf8').toString('base64url');

    const failure = new OpenSearchSearchIndex({ client, indexPrefix }).search('t1', byBirthdate(forged));

    await expect(failure).rejects.toMatchObject({ code: 'INVALID_SEARCH', expression: ['_cursor'] });
  });

  test('an unreachable cluster is 503 UNAVAILABLE with Retry-After', async () => {
    const unreachable = new Client({ node: 'http://127.0.0.1:9', maxRetries: 0, requestTimeout: 2000 });

    const failure = new OpenSearchSearchIndex({ client: unreachable, indexPrefix }).search('t1', byBirthdate());

    await expect(failure).rejects.toMatchObject({ code: 'UNAVAILABLE', status: 503, headers: { 'retry-after': '5' } });
    await unreachable.close();
  });
});
