// The history part of the ResourceStore contract: history-instance, -type and -system newest
// first, keyset paging, _since and _at (https://hl7.org/fhir/R4/http.html#history).
import type { HistoryQuery } from '../../core/ports/resource-store';
import { label, type ContractContext } from './resource-store-contract-helpers';

type Scope = Pick<HistoryQuery, 'resourceType' | 'id'>;

export function describeHistoryContract(ctx: () => ContractContext): void {
  describe('history', () => {
    /** Every page of a history query, following nextCursor; `between` runs after each page. */
    async function allPages(scope: Scope, count: number, between: () => Promise<void> = async () => undefined): Promise<string[]> {
      const { store, tenant } = ctx();
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await store.history(tenant, { ...scope, count, ...(cursor === undefined ? {} : { cursor }) });
        expect(page.versions.length).toBeLessThanOrEqual(count);
        seen.push(...page.versions.map(label));
        cursor = page.nextCursor;
        if (cursor === undefined) return seen;
        await between();
      }
      throw new Error('history paging did not end');
    }

    async function seedMixedHistory(): Promise<void> {
      const { writer } = ctx();
      await writer.commit(writer.save('Patient', 'a'));
      await writer.commit(writer.save('Observation', 'x'));
      await writer.commit(writer.save('Patient', 'b'));
      await writer.commit(writer.save('Patient', 'a'));
      await writer.commit(writer.remove('Patient', 'b'));
      await writer.commit(writer.save('Observation', 'x'));
      await writer.commit(writer.save('Patient', 'a'));
    }

    test('history-instance lists the versions of one resource newest first, tombstones included', async () => {
      const { store, tenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'p1'));
      await writer.commit(writer.save('Patient', 'p1'));
      await writer.commit(writer.remove('Patient', 'p1'));
      await writer.commit(writer.save('Patient', 'other'));

      const page = await store.history(tenant, { resourceType: 'Patient', id: 'p1', count: 10 });

      expect(page.versions.map(label)).toEqual(['Patient/p1/_history/3', 'Patient/p1/_history/2', 'Patient/p1/_history/1']);
      expect(page.versions[0]?.resource).toBeUndefined();
      expect(page.versions[1]?.resource).toMatchObject({ resourceType: 'Patient', id: 'p1' });
      expect(page.nextCursor).toBeUndefined();
    });

    test('history-type lists the versions of one type newest first', async () => {
      await seedMixedHistory();
      await expect(allPages({ resourceType: 'Patient' }, 50)).resolves.toEqual([
        'Patient/a/_history/3', 'Patient/b/_history/2', 'Patient/a/_history/2', 'Patient/b/_history/1', 'Patient/a/_history/1',
      ]);
    });

    test('history-system lists the versions of every type newest first', async () => {
      await seedMixedHistory();
      await expect(allPages({}, 50)).resolves.toEqual([
        'Patient/a/_history/3', 'Observation/x/_history/2', 'Patient/b/_history/2', 'Patient/a/_history/2',
        'Patient/b/_history/1', 'Observation/x/_history/1', 'Patient/a/_history/1',
      ]);
    });

    test('history of a resource never written is empty', async () => {
      const { store, tenant } = ctx();
      const page = await store.history(tenant, { resourceType: 'Patient', id: 'nobody', count: 10 });
      expect(page.versions).toEqual([]);
      expect(page.nextCursor).toBeUndefined();
    });

    test('total, when the store gives it, counts every matching version rather than the page', async () => {
      const { store, tenant } = ctx();
      await seedMixedHistory();
      const page = await store.history(tenant, { resourceType: 'Patient', count: 2 });
      expect(page.versions).toHaveLength(2);
      if (page.total !== undefined) expect(page.total).toBe(5);
    });

    let arrivals = 0;
    const pagingCases: readonly { kind: string; scope: Scope; seed: (c: ContractContext) => Promise<void>; arrive: (c: ContractContext) => Promise<void> }[] = [
      {
        kind: 'history-instance',
        scope: { resourceType: 'Patient', id: 'p1' },
        seed: async ({ writer }) => {
          for (let i = 0; i < 9; i++) await writer.commit(writer.save('Patient', 'p1'));
          await writer.commit(writer.remove('Patient', 'p1'));
        },
        arrive: async ({ writer }) => writer.commit(writer.save('Patient', 'p1')),
      },
      {
        kind: 'history-type',
        scope: { resourceType: 'Patient' },
        seed: async ({ writer }) => {
          for (let i = 0; i < 10; i++) await writer.commit(writer.save('Patient', `p${i % 4}`), writer.save('Observation', `o${i}`));
        },
        arrive: async ({ writer }) => writer.commit(writer.save('Patient', 'p0'), writer.save('Patient', `new-${++arrivals}`)),
      },
      {
        kind: 'history-system',
        scope: {},
        seed: async ({ writer }) => {
          for (let i = 0; i < 11; i++) await writer.commit(writer.save(i % 2 === 0 ? 'Patient' : 'Observation', `r${i % 3}`));
        },
        arrive: async ({ writer }) => writer.commit(writer.save('Observation', 'r0'), writer.save('Encounter', `e-${++arrivals}`)),
      },
    ];

    test.each(pagingCases)('$kind pages with cursors neither skip nor repeat while new versions arrive', async ({ scope, seed, arrive }) => {
      await seed(ctx());
      const snapshot = await allPages(scope, 1000);
      expect(snapshot.length).toBeGreaterThanOrEqual(10);

      const paged = await allPages(scope, 3, () => arrive(ctx()));

      expect(paged).toEqual(snapshot);
    });

    test('versions sharing one lastUpdated are each paged exactly once', async () => {
      const { writer } = ctx();
      const instant = writer.timeline.next();
      await writer.commit(...['a', 'b', 'c', 'd', 'e'].map((id) => writer.save('Patient', id, instant)));

      const paged = await allPages({ resourceType: 'Patient' }, 2);

      expect([...paged].sort()).toEqual(['a', 'b', 'c', 'd', 'e'].map((id) => `Patient/${id}/_history/1`));
    });

    test('_since keeps the versions at or after the instant', async () => {
      const { store, tenant, writer } = ctx();
      const times = [1, 2, 3, 4, 5].map(() => writer.timeline.next());
      for (const [i, at] of times.entries()) await writer.commit(writer.save('Patient', `p${i}`, at));

      const page = await store.history(tenant, { since: times[2], count: 10 });

      expect(page.versions.map(label)).toEqual(['Patient/p4/_history/1', 'Patient/p3/_history/1', 'Patient/p2/_history/1']);
    });

    test('_at on an instance returns the version current at that instant', async () => {
      const { store, tenant, writer } = ctx();
      const before = writer.timeline.between();
      await writer.commit(writer.save('Patient', 'p1'));
      await writer.commit(writer.save('Patient', 'p1'));
      const afterSecond = writer.timeline.between();
      const third = writer.save('Patient', 'p1');
      await writer.commit(third);
      const query = { resourceType: 'Patient', id: 'p1', count: 10 };

      expect((await store.history(tenant, { ...query, at: afterSecond })).versions.map(label)).toEqual(['Patient/p1/_history/2']);
      expect((await store.history(tenant, { ...query, at: third.lastUpdated })).versions.map(label)).toEqual(['Patient/p1/_history/3']);
      expect((await store.history(tenant, { ...query, at: before })).versions).toEqual([]);
    });

    test('_at on a type returns, per resource, the version current then, tombstones included', async () => {
      const { store, tenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'p1'));
      await writer.commit(writer.save('Patient', 'p2'));
      await writer.commit(writer.save('Patient', 'p1'));
      await writer.commit(writer.remove('Patient', 'p2'));
      const at = writer.timeline.between();
      await writer.commit(writer.save('Patient', 'p3'));
      await writer.commit(writer.save('Patient', 'p1'));

      const page = await store.history(tenant, { resourceType: 'Patient', at, count: 10 });

      expect(page.versions.map(label)).toEqual(['Patient/p2/_history/2', 'Patient/p1/_history/2']);
      expect(page.versions[0]?.resource).toBeUndefined();
    });
  });
}
