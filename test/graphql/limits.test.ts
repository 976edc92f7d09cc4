// Depth and cost limits refuse a query before it runs (issue 4), with an OperationOutcome.
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

test('a query deeper than maxDepth is refused without reading anything', async () => {
  harness.resetCounts();
  const nested = '{ Patient(id: "1") { link { other { resource { ... on Patient { link { other { resource { id } } } } } } } } }';

  const response = await service.execute({ query: nested }, harness.context());

  expect(response.data).toBeUndefined();
  expect(response.errors?.[0]).toMatchObject({ message: 'The query is 8 levels deep; the limit is 6', extensions: { code: 'QUERY_TOO_COMPLEX', status: 400, operationOutcome: { issue: [{ code: 'too-costly' }] } } });
  expect(harness.counts.read).toBe(0);
});

test('a query within the limits runs', async () => {
  const response = await service.execute({ query: '{ Patient(id: "missing") { link { other { resource { id } } } } }' }, harness.context());

  expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
});

test('nested searches multiply their _count into the cost', async () => {
  const query = '{ PatientList(_count: 100) { id ResourceList(_type: "Observation", _reference: "subject", _count: 100) { id } } }';

  const response = await service.execute({ query }, harness.context());

  expect(response.errors?.[0]?.message).toMatch(/The query may resolve about \d+ fields; the limit is 5000/);
  expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
});

test('_count given as a variable counts too', async () => {
  const query = 'query ($n: Int) { PatientList(_count: $n) { id ResourceList(_type: "Observation", _reference: "subject", _count: $n) { id } } }';

  const response = await service.execute({ query, variables: { n: 100 } }, harness.context());

  expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
});
