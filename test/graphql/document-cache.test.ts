// Parsed and validated documents are cached by query text (issue 11), without letting a cached
// document skip the per-request limits or a syntax error.
import { DocumentCache } from '../../resolvers/document-cache';
import { createGraphqlService, type GraphqlService } from '../../resolvers/execute-graphql';
import { createHarness, type GraphqlHarness } from './harness';

let harness: GraphqlHarness;
let service: GraphqlService;

beforeAll(() => {
  harness = createHarness();
  service = createGraphqlService(harness.deps, { limits: { maxDepth: 6, maxCost: 5000, defaultListSize: 20 } });
});
afterAll(async () => {
  await harness.close();
});

test('the same query text is parsed and validated once, and answers the same', async () => {
  const query = '{ PatientList(_count: 5) { id } }';
  const before = service.documents.stats();

  const first = await service.execute({ query }, harness.context());
  const second = await service.execute({ query }, harness.context());

  expect(second).toEqual(first);
  expect(first.errors).toBeUndefined();
  expect(service.documents.stats()).toMatchObject({ misses: before.misses + 1, hits: before.hits + 1 });
});

test('the cost limit still applies per request to a cached document (its _count is a variable)', async () => {
  const query = 'query Q($n: Int) { PatientList(_count: $n) { id ResourceList(_type: "Observation", _reference: "subject", _count: $n) { id } } }';

  const small = await service.execute({ query, variables: { n: 5 } }, harness.context());
  const large = await service.execute({ query, variables: { n: 100 } }, harness.context());

  expect(small.errors).toBeUndefined();
  expect(large.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
});

test('a syntax error is cached and reported every time', async () => {
  const query = '{ PatientList( { id } }';

  const first = await service.execute({ query }, harness.context());
  const second = await service.execute({ query }, harness.context());

  expect(first.errors?.[0]?.message).toMatch(/^Syntax Error/);
  expect(second.errors).toEqual(first.errors);
});

test('schema errors are cached with the document and reported every time', async () => {
  const query = '{ PatientList { nosuchfield } }';

  const first = await service.execute({ query }, harness.context());
  const second = await service.execute({ query }, harness.context());

  expect(first.errors?.[0]?.message).toMatch(/Cannot query field "nosuchfield"/);
  expect(second.errors).toEqual(first.errors);
});

test('the cache keeps the most recently used texts up to its size', () => {
  const cache = new DocumentCache(2);
  cache.parse('{ a }');
  cache.parse('{ b }');
  cache.parse('{ a }');
  cache.parse('{ c }');
  expect(cache.stats()).toEqual({ hits: 1, misses: 3, size: 2 });

  cache.parse('{ a }');
  cache.parse('{ b }');
  expect(cache.stats()).toEqual({ hits: 2, misses: 4, size: 2 });
});
