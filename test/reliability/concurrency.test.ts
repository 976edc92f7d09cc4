// Concurrency on the local home over real HTTP (issue 16, "Concurrency"): concurrent transactions
// over overlapping resources are each all-or-nothing and the final state equals a serial order;
// concurrent conditional creates with the same criteria create at most one resource.
import { startTestServer, type TestServer } from '../http/local-server';

const marked = (id: string, marker: string): Record<string, unknown> => ({ resourceType: 'Patient', id, identifier: [{ system: 'urn:marker', value: marker }] });

describe('concurrent writers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  test('concurrent transactions over the same resources are all-or-nothing and serializable', async () => {
    const ids = ['shared-a', 'shared-b', 'shared-c'];
    const transactions = Array.from({ length: 30 }, (_, n) => {
      // Every fifth transaction carries an invalid entry last, so it must leave no trace at all.
      const failing = n % 5 === 4;
      const entry = ids.map((id) => ({ resource: marked(id, `t${n}`), request: { method: 'PUT', url: `Patient/${id}` } }));
      if (failing) entry.push({ resource: { resourceType: 'Patient', id: 'bad', birthDate: 'not a date' } as Record<string, unknown>, request: { method: 'PUT', url: 'Patient/bad' } });
      return { n, failing, bundle: { resourceType: 'Bundle', type: 'transaction', entry } };
    });
    const answers = await Promise.all(transactions.map((t) => server.request('/', { method: 'POST', body: t.bundle })));
    answers.forEach((answer, n) => expect(answer.status).toBe(transactions[n]?.failing ? 400 : 200));

    // Each resource's history, oldest first, as the sequence of transaction markers.
    const orders = await Promise.all(
      ids.map(async (id) => {
        const history = await server.request(`/Patient/${id}/_history?_count=100`);
        return ((history.json.entry as { resource: { identifier: { value: string }[] } }[]) ?? []).map((e) => e.resource.identifier[0]?.value).reverse();
      }),
    );
    const committed = transactions.filter((t) => !t.failing).map((t) => `t${t.n}`);
    // Serializable: the three resources saw the committed transactions in one and the same order,
    // each exactly once, and no failed transaction left a version anywhere.
    expect(orders[0]).toHaveLength(committed.length);
    expect([...(orders[0] ?? [])].sort()).toEqual([...committed].sort());
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
    expect((await server.request('/Patient/bad')).status).toBe(404);
  });

  test('concurrent conditional creates with the same criteria create one resource', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', identifier: [{ system: 'urn:once', value: '1' }], name: [{ family: `Try${n}` }] }, headers: { 'if-none-exist': 'identifier=urn:once|1' } }),
      ),
    );
    const statuses = attempts.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201 && s !== 200)).toEqual([]);
    const found = await server.request('/Patient?identifier=urn:once|1&_total=accurate');
    expect(found.json.total).toBe(1);
  });

  test('concurrent conditional creates inside transactions create one resource', async () => {
    const bundle = (n: number): Record<string, unknown> => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ fullUrl: `urn:uuid:0000000${n % 10}-0000-4000-8000-000000000000`, resource: { resourceType: 'Patient', identifier: [{ system: 'urn:once-tx', value: '1' }] }, request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:once-tx|1' } }],
    });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => server.request('/', { method: 'POST', body: bundle(n) })));
    expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
    const found = await server.request('/Patient?identifier=urn:once-tx|1&_total=accurate');
    expect(found.json.total).toBe(1);
  });
});
