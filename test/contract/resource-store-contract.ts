// The ResourceStore contract (DESIGN.md: "Every implementation passes the same contract
// suite"; core/ports/resource-store.ts). Run it from a *.test.ts file with a factory:
//   describeResourceStoreContract('SQLite in memory', async () => new SqliteResourceStore({ filename: ':memory:' }));
// Every test works in fresh tenants, so a backend may share one table between tests.
import { FhirError, VersionConflictError } from '../../core/errors/fhir-error';
import type { ResourceStore, WriteOperation } from '../../core/ports/resource-store';
import { describeHistoryContract } from './resource-store-contract-history';
import { ContractWriter, label, patient, uniqueTenant, type ContractContext } from './resource-store-contract-helpers';

export function describeResourceStoreContract(
  name: string,
  makeStore: () => Promise<ResourceStore>,
  cleanup?: () => Promise<void>,
): void {
  describe(`ResourceStore contract: ${name}`, () => {
    let current: ContractContext | undefined;
    const ctx = (): ContractContext => {
      if (!current) throw new Error('The contract context is only available inside a test');
      return current;
    };

    beforeEach(async () => {
      const store = await makeStore();
      const tenant = uniqueTenant();
      current = { store, tenant, otherTenant: uniqueTenant(), writer: new ContractWriter(store, tenant) };
    });
    afterEach(async () => {
      await current?.store.close();
      current = undefined;
    });
    if (cleanup) afterAll(cleanup);

    describeReadContract(ctx);
    describeCommitContract(ctx);
    describeHistoryContract(ctx);
    describeTenancyContract(ctx);
    describeGuardContract(ctx);
  });
}

function describeReadContract(ctx: () => ContractContext): void {
  describe('read, vread, readMany', () => {
    test('read of a resource never written returns undefined', async () => {
      const { store, tenant } = ctx();
      await expect(store.read(tenant, 'Patient', 'nobody')).resolves.toBeUndefined();
    });

    test('create then read returns the version with its resource, lastUpdated verbatim', async () => {
      const { store, tenant } = ctx();
      const resource = patient('p1', '1', '2024-02-03T04:05:06.789Z', 'Müller 山田 "quoted"');
      await store.commit(tenant, [{ resourceType: 'Patient', id: 'p1', expectedVersionId: null, versionId: '1', lastUpdated: '2024-02-03T04:05:06.789Z', resource, index: [] }]);

      const read = await store.read(tenant, 'Patient', 'p1');

      expect({ ...read, json: undefined }).toEqual({ resourceType: 'Patient', id: 'p1', versionId: '1', lastUpdated: '2024-02-03T04:05:06.789Z', resource, json: undefined });
    });

    test('read, vread, readMany and history carry the stored JSON text, which parses to the resource (issue 11)', async () => {
      const { store, tenant } = ctx();
      const resource = patient('p1', '1', '2024-02-03T04:05:06.789Z', 'Müller 山田 "quoted"');
      await store.commit(tenant, [{ resourceType: 'Patient', id: 'p1', expectedVersionId: null, versionId: '1', lastUpdated: '2024-02-03T04:05:06.789Z', resource, index: [] }]);

      const versions = [
        await store.read(tenant, 'Patient', 'p1'),
        await store.vread(tenant, 'Patient', 'p1', '1'),
        ...(await store.readMany(tenant, [{ resourceType: 'Patient', id: 'p1' }])),
        ...(await store.history(tenant, { resourceType: 'Patient', id: 'p1', count: 10 })).versions,
      ];

      expect(versions).toHaveLength(4);
      for (const version of versions) {
        expect(typeof version?.json).toBe('string');
        expect(JSON.parse(version?.json ?? 'null')).toEqual(resource);
        expect(version?.resource).toEqual(resource);
      }
    });

    test('vread returns every version after updates, and undefined for an unknown version', async () => {
      const { store, tenant, writer } = ctx();
      const v1 = writer.save('Patient', 'p1');
      const v2 = writer.save('Patient', 'p1');
      await writer.commit(v1);
      await writer.commit(v2);

      expect((await store.vread(tenant, 'Patient', 'p1', '1'))?.resource).toEqual(v1.resource);
      expect((await store.vread(tenant, 'Patient', 'p1', '2'))?.resource).toEqual(v2.resource);
      expect((await store.read(tenant, 'Patient', 'p1'))?.versionId).toBe('2');
      await expect(store.vread(tenant, 'Patient', 'p1', '3')).resolves.toBeUndefined();
    });

    test('readMany answers in key order, with undefined for missing keys and repeated keys answered twice', async () => {
      const { store, tenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'a'), writer.save('Observation', 'b'), writer.save('Patient', 'c'));

      const found = await store.readMany(tenant, [
        { resourceType: 'Patient', id: 'c' },
        { resourceType: 'Patient', id: 'missing' },
        { resourceType: 'Observation', id: 'b' },
        { resourceType: 'Observation', id: 'a' },
        { resourceType: 'Patient', id: 'a' },
        { resourceType: 'Patient', id: 'c' },
      ]);

      expect(found.map(label)).toEqual(['Patient/c/_history/1', 'undefined', 'Observation/b/_history/1', 'undefined', 'Patient/a/_history/1', 'Patient/c/_history/1']);
    });

    test('readMany of no keys returns an empty list', async () => {
      const { store, tenant } = ctx();
      await expect(store.readMany(tenant, [])).resolves.toEqual([]);
    });
  });
}

function describeCommitContract(ctx: () => ContractContext): void {
  describe('commit', () => {
    const write = (id: string, expectedVersionId: string | null, versionId: string): WriteOperation => ({
      resourceType: 'Patient', id, expectedVersionId, versionId, lastUpdated: '2024-05-01T00:00:00.000Z',
      resource: patient(id, versionId, '2024-05-01T00:00:00.000Z'), index: [],
    });

    test('a stale expectedVersionId is a VersionConflictError carrying the current version', async () => {
      const { store, tenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'p1'), writer.save('Patient', 'p1'));

      const failure = store.commit(tenant, [write('p1', '1', '3')]);

      await expect(failure).rejects.toBeInstanceOf(VersionConflictError);
      await expect(failure).rejects.toMatchObject({ currentVersionId: '2', status: 409 });
    });

    test('expectedVersionId null for an existing resource is a VersionConflictError', async () => {
      const { store, tenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'p1'));

      await expect(store.commit(tenant, [write('p1', null, '1')])).rejects.toMatchObject({ name: 'VersionConflictError', currentVersionId: '1' });
    });

    test('an expected version of a resource never written is a VersionConflictError without a current version', async () => {
      const { store, tenant } = ctx();
      const failure = store.commit(tenant, [write('ghost', '1', '2')]);
      await expect(failure).rejects.toBeInstanceOf(VersionConflictError);
      await expect(failure).rejects.toMatchObject({ currentVersionId: undefined });
    });

    test('a failing commit writes nothing, not even the writes before the failing one', async () => {
      const { store, tenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'existing'));

      const failure = store.commit(tenant, [write('new-1', null, '1'), write('existing', '1', '2'), write('existing', '7', '3'), write('new-2', null, '1')]);

      await expect(failure).rejects.toBeInstanceOf(VersionConflictError);
      await expect(store.read(tenant, 'Patient', 'new-1')).resolves.toBeUndefined();
      await expect(store.vread(tenant, 'Patient', 'existing', '2')).resolves.toBeUndefined();
      expect((await store.read(tenant, 'Patient', 'existing'))?.versionId).toBe('1');
      expect((await store.history(tenant, { count: 50 })).versions.map(label)).toEqual(['Patient/existing/_history/1']);
    });

    test('one commit may write one resource twice, each write checked against the one before', async () => {
      const { store, tenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'p1'), writer.save('Patient', 'p1'));
      expect((await store.read(tenant, 'Patient', 'p1'))?.versionId).toBe('2');
    });

    test('delete writes a tombstone that read returns without a resource', async () => {
      const { store, tenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'p1'));
      await writer.commit(writer.remove('Patient', 'p1'));

      const read = await store.read(tenant, 'Patient', 'p1');

      expect(read).toMatchObject({ resourceType: 'Patient', id: 'p1', versionId: '2', resource: undefined });
      expect((await store.vread(tenant, 'Patient', 'p1', '2'))?.resource).toBeUndefined();
    });

    test('re-create after a tombstone continues the versions; expectedVersionId null still conflicts', async () => {
      const { store, tenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'p1'));
      await writer.commit(writer.remove('Patient', 'p1'));

      await expect(store.commit(tenant, [write('p1', null, '1')])).rejects.toMatchObject({ currentVersionId: '2' });
      await writer.commit(writer.save('Patient', 'p1'));

      expect(await store.read(tenant, 'Patient', 'p1')).toMatchObject({ versionId: '3', resource: { id: 'p1' } });
      expect((await store.history(tenant, { resourceType: 'Patient', id: 'p1', count: 10 })).versions.map((v) => v.versionId)).toEqual(['3', '2', '1']);
    });

    test('a commit of the most writes the store allows (up to 1,500) lands whole', async () => {
      const { store, tenant, writer } = ctx();
      const size = Math.min(1500, ctx().store.maxAtomicWrites);
      const writes = Array.from({ length: size }, (_, i) => writer.save('Observation', `o${i}`, '2024-06-01T00:00:00.000Z'));

      await writer.commit(...writes);

      const found = await store.readMany(tenant, writes.map((w) => ({ resourceType: w.resourceType, id: w.id })));
      expect(found.filter((v) => v?.versionId === '1')).toHaveLength(size);
      expect(size).toBeGreaterThanOrEqual(Math.min(1000, store.maxAtomicWrites));
    });

    test('a commit of the most writes the store allows writes nothing when its last write conflicts', async () => {
      const { store, tenant, writer } = ctx();
      const size = Math.min(1500, store.maxAtomicWrites);
      const writes = Array.from({ length: size - 1 }, (_, i) => writer.save('Observation', `o${i}`));

      await expect(store.commit(tenant, [...writes, write('ghost', '4', '5')])).rejects.toBeInstanceOf(VersionConflictError);

      expect((await store.readMany(tenant, writes.map((w) => ({ resourceType: w.resourceType, id: w.id })))).every((v) => v === undefined)).toBe(true);
    });

    test('of 50 concurrent commits expecting the same version exactly one wins', async () => {
      const { store, tenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'p1'));

      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => store.commit(tenant, [{ ...write('p1', '1', '2'), resource: patient('p1', '2', '2024-05-01T00:00:00.000Z', `winner-${i}`) }])));

      const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(losers).toHaveLength(49);
      for (const loser of losers) expect(loser.reason).toBeInstanceOf(VersionConflictError);
      expect((await store.history(tenant, { resourceType: 'Patient', id: 'p1', count: 100 })).versions).toHaveLength(2);
    });
  });
}

function describeTenancyContract(ctx: () => ContractContext): void {
  describe('tenant isolation', () => {
    test('read, vread and readMany never see another tenant', async () => {
      const { store, otherTenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'p1'));

      await expect(store.read(otherTenant, 'Patient', 'p1')).resolves.toBeUndefined();
      await expect(store.vread(otherTenant, 'Patient', 'p1', '1')).resolves.toBeUndefined();
      await expect(store.readMany(otherTenant, [{ resourceType: 'Patient', id: 'p1' }])).resolves.toEqual([undefined]);
    });

    test('history-instance, -type and -system never see another tenant', async () => {
      const { store, otherTenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'p1'), writer.save('Observation', 'o1'));

      for (const query of [{ resourceType: 'Patient', id: 'p1' }, { resourceType: 'Patient' }, {}]) {
        expect((await store.history(otherTenant, { ...query, count: 10 })).versions).toEqual([]);
      }
    });

    test('one id in two tenants has two independent version histories', async () => {
      const { store, tenant, otherTenant, writer } = ctx();
      await writer.commit(writer.save('Patient', 'p1'), writer.save('Patient', 'p1'));
      const other = new ContractWriter(store, otherTenant);

      await other.commit(other.save('Patient', 'p1'));

      expect((await store.read(tenant, 'Patient', 'p1'))?.versionId).toBe('2');
      expect((await store.read(otherTenant, 'Patient', 'p1'))?.versionId).toBe('1');
    });
  });

  describe('bad input', () => {
    test('a malformed history cursor is rejected with a FhirError', async () => {
      const { store, tenant } = ctx();
      await expect(store.history(tenant, { count: 10, cursor: 'not-a-cursor!' })).rejects.toBeInstanceOf(FhirError);
    });
  });
}

/** Conditional-create claims (core/interactions/create-guard.ts): compare-and-set, atomic with the writes. */
function describeGuardContract(ctx: () => ContractContext): void {
  describe('conditional-create guards', () => {
    const create = (id: string): WriteOperation => ({
      resourceType: 'Patient', id, expectedVersionId: null, versionId: '1', lastUpdated: '2024-05-01T00:00:00.000Z',
      resource: patient(id, '1', '2024-05-01T00:00:00.000Z'), index: [],
    });
    const claim = (holder: string, token: string): { holder: string; token: string; expiresAtMs: number } => ({ holder, token, expiresAtMs: 1_900_000_000_000 });

    test('a first claim commits with its create and reads back', async () => {
      const { store, tenant } = ctx();
      expect(await store.readGuard(tenant, 'Patient?identifier=a|1')).toBeUndefined();
      await store.commit(tenant, [create('g1')], { guards: [{ key: 'Patient?identifier=a|1', expected: undefined, claim: claim('Patient/g1', 't1') }] });
      expect(await store.readGuard(tenant, 'Patient?identifier=a|1')).toEqual(claim('Patient/g1', 't1'));
      expect(label(await store.read(tenant, 'Patient', 'g1'))).toBe('Patient/g1/_history/1');
    });

    test('of two creates that saw no claim, the second is a VersionConflictError and writes nothing', async () => {
      const { store, tenant } = ctx();
      const key = 'Patient?identifier=a|2';
      await store.commit(tenant, [create('first')], { guards: [{ key, expected: undefined, claim: claim('Patient/first', 't1') }] });
      await expect(store.commit(tenant, [create('second')], { guards: [{ key, expected: undefined, claim: claim('Patient/second', 't2') }] })).rejects.toBeInstanceOf(VersionConflictError);
      expect(await store.read(tenant, 'Patient', 'second')).toBeUndefined();
      expect((await store.readGuard(tenant, key))?.holder).toBe('Patient/first');
    });

    test('a claim is replaced only by a commit that saw it', async () => {
      const { store, tenant } = ctx();
      const key = 'Patient?identifier=a|3';
      await store.commit(tenant, [create('old')], { guards: [{ key, expected: undefined, claim: claim('Patient/old', 't1') }] });
      await expect(store.commit(tenant, [create('stale')], { guards: [{ key, expected: claim('Patient/other', 'tx'), claim: claim('Patient/stale', 't2') }] })).rejects.toBeInstanceOf(VersionConflictError);
      await store.commit(tenant, [create('new')], { guards: [{ key, expected: claim('Patient/old', 't1'), claim: claim('Patient/new', 't3') }] });
      expect((await store.readGuard(tenant, key))?.token).toBe('t3');
      expect(await store.read(tenant, 'Patient', 'stale')).toBeUndefined();
    });

    test('claims are per tenant', async () => {
      const { store, tenant, otherTenant } = ctx();
      const key = 'Patient?identifier=a|4';
      await store.commit(tenant, [create('mine')], { guards: [{ key, expected: undefined, claim: claim('Patient/mine', 't1') }] });
      expect(await store.readGuard(otherTenant, key)).toBeUndefined();
      await store.commit(otherTenant, [create('theirs')], { guards: [{ key, expected: undefined, claim: claim('Patient/theirs', 't2') }] });
    });
  });
}
