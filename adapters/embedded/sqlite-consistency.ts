// The consistency checker of an embedded data directory (issue 16, "npm run check"): the version
// table is the record; the current-version table, the search index and the Binary files are
// derived from it and must agree with it. `checkConsistency` reads everything inside one read
// transaction (a WAL snapshot), so it can run beside a live server; `repairDerived` rebuilds what
// is derived (current rows and the index) from the versions, in bounded write transactions.
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import type { Resource } from '../../core/fhir-types';
import type { BinaryStore } from '../../core/ports/binary-store';
import type { ExportFiles } from '../../core/ports/bulk-export';
import type { IndexEntry } from '../../core/search/index-entry';
import type { VersionRow as VersionColumns } from './sqlite-rows';
import { sqliteSearchIndexWriter } from './sqlite-search-writer';
import { VALUE_TABLES } from './sqlite-search-schema';
import { checkExportJobs, checkSubscriptionOutbox, hasTable, readExportJobRows } from './sqlite-consistency-jobs';

export type ProblemKind =
  | 'unreadable-version'
  | 'version-gap'
  | 'version-mismatch'
  | 'current-mismatch'
  | 'current-missing'
  | 'current-orphan'
  | 'index-missing'
  | 'index-extra'
  | 'index-stale'
  | 'index-orphan-rows'
  | 'binary-missing'
  | 'outbox-orphan'
  | 'outbox-bad-state'
  | 'outbox-checkpoint-ahead'
  | 'export-job-unreadable'
  | 'export-job-mismatch'
  | 'export-file-missing';

export interface ConsistencyProblem {
  readonly kind: ProblemKind;
  readonly tenant: string;
  readonly resourceType: string;
  readonly id: string;
  readonly versionId?: string;
  readonly detail: string;
}

export interface ConsistencyReport {
  readonly versions: number;
  readonly resources: number;
  readonly indexed: number;
  readonly binaries: number;
  readonly problems: readonly ConsistencyProblem[];
}

export interface ConsistencyOptions {
  /** The index extraction the server uses (core/search/extract.ts). */
  readonly extract: (resource: Resource) => readonly IndexEntry[];
  /** Where Binary content lives; every stored Binary version must have its bytes there. */
  readonly binaries?: BinaryStore;
  /** The key of a Binary version's bytes (core/interactions/binary-content.ts). */
  readonly binaryKey?: (id: string, versionId: string) => string;
  /** Where export files live; a completed, unexpired job's files must be there. */
  readonly exportFiles?: Pick<ExportFiles, 'read'>;
  /** The present, for export expiry (tests pin it). */
  readonly now?: () => Date;
  /** Called every `progressEvery` resources with the count so far. */
  readonly onProgress?: (done: number) => void;
  readonly progressEvery?: number;
  /** Stop collecting after this many problems (the report says so). Default 10,000. */
  readonly maxProblems?: number;
}

/** A current row, and a version with its commit order, as the checker reads them (tenant included). */
type CurrentRow = VersionColumns & { readonly tenant: string };
type VersionRow = CurrentRow & { readonly seq: number };

const keyOf = (tenant: string, type: string, id: string): string => `${tenant}\u0000${type}\u0000${id}`;

/**
 * The index rows of one resource as comparable text, table by table (the rid differs between
 * databases and is left out).
 */
class IndexRows {
  private readonly rows: readonly Statement<[number], Record<string, unknown>>[];
  private readonly fts: Statement<[number], Record<string, unknown>>;
  private readonly rid: Statement<[string, string, string], number>;

  constructor(db: Database) {
    this.rows = VALUE_TABLES.map((table) => db.prepare<[number], Record<string, unknown>>(`SELECT * FROM ${table} WHERE rid = ?`));
    this.fts = db.prepare<[number], Record<string, unknown>>('SELECT narrative, content FROM sp_fts WHERE rowid = ?');
    this.rid = db.prepare<[string, string, string], number>('SELECT rid FROM sp_resource WHERE tenant = ? AND rtype = ? AND id = ?').pluck();
  }

  ridOf(tenant: string, type: string, id: string): number | undefined {
    return this.rid.get(tenant, type, id);
  }

  fingerprint(rid: number): string {
    const parts = this.rows.map((statement, n) =>
      statement
        .all(rid)
        .map((row) => JSON.stringify(Object.entries(row).filter(([column]) => column !== 'rid')))
        .sort()
        .map((row) => `${VALUE_TABLES[n]}:${row}`)
        .join('\n'),
    );
    const text = this.fts.get(rid);
    parts.push(text === undefined ? 'fts:none' : `fts:${JSON.stringify(text)}`);
    return parts.join('\n');
  }
}

/**
 * What the index of one resource should be: the extraction written by the real index writer
 * into a scratch database with the same schema, then read back the same way as the real rows.
 */
class ExpectedIndex {
  private readonly scratch: Database;
  private readonly rows: IndexRows;

  constructor(private readonly extract: ConsistencyOptions['extract']) {
    this.scratch = new BetterSqlite3(':memory:');
    sqliteSearchIndexWriter.migrate(this.scratch);
    this.rows = new IndexRows(this.scratch);
  }

  fingerprint(tenant: string, type: string, id: string, resource: Resource): string {
    sqliteSearchIndexWriter.write(this.scratch, tenant, type, id, this.extract(resource));
    const rid = this.rows.ridOf(tenant, type, id);
    const text = rid === undefined ? '' : this.rows.fingerprint(rid);
    sqliteSearchIndexWriter.remove(this.scratch, tenant, type, id);
    return text;
  }

  close(): void {
    this.scratch.close();
  }
}

function parseStored(json: string): Resource | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Resource) : undefined;
  } catch {
    return undefined;
  }
}

function metaOf(resource: Resource): { versionId?: unknown; lastUpdated?: unknown } {
  const meta = (resource as { meta?: unknown }).meta;
  return typeof meta === 'object' && meta !== null ? (meta as { versionId?: unknown; lastUpdated?: unknown }) : {};
}

/** Problems of one stored version taken alone. */
function versionProblems(row: VersionRow): ConsistencyProblem[] {
  const at = { tenant: row.tenant, resourceType: row.resource_type, id: row.id, versionId: row.version_id };
  if (row.deleted === 1) {
    return row.resource === null ? [] : [{ kind: 'version-mismatch', ...at, detail: 'a delete tombstone carries a resource body' }];
  }
  if (row.resource === null) return [{ kind: 'unreadable-version', ...at, detail: 'a version that is not a tombstone has no resource body' }];
  const resource = parseStored(row.resource);
  if (resource === undefined) return [{ kind: 'unreadable-version', ...at, detail: 'the stored resource is not a JSON object' }];
  const problems: ConsistencyProblem[] = [];
  if (resource.resourceType !== row.resource_type) problems.push({ kind: 'version-mismatch', ...at, detail: `resourceType is ${String(resource.resourceType)}` });
  if (resource.id !== row.id) problems.push({ kind: 'version-mismatch', ...at, detail: `id is ${String(resource.id)}` });
  const meta = metaOf(resource);
  if (meta.versionId !== row.version_id) problems.push({ kind: 'version-mismatch', ...at, detail: `meta.versionId is ${String(meta.versionId)}` });
  if (meta.lastUpdated !== row.last_updated) problems.push({ kind: 'version-mismatch', ...at, detail: `meta.lastUpdated is ${String(meta.lastUpdated)}` });
  return problems;
}

function sameCurrent(latest: VersionRow, current: CurrentRow): boolean {
  return latest.version_id === current.version_id && latest.deleted === current.deleted && latest.last_updated === current.last_updated && latest.resource === current.resource;
}

/** Walks every resource: its versions (in commit order) and its current row, one resource at a time. */
function* resourcesOf(db: Database): Generator<{ versions: VersionRow[]; current: CurrentRow | undefined }> {
  const versions = db.prepare<[], VersionRow>(
    'SELECT seq, tenant, resource_type, id, version_id, last_updated, deleted, resource FROM resource_version ORDER BY tenant, resource_type, id, seq',
  );
  const current = db.prepare<[string, string, string], CurrentRow>(
    'SELECT tenant, resource_type, id, version_id, last_updated, deleted, resource FROM resource_current WHERE tenant = ? AND resource_type = ? AND id = ?',
  );
  let group: VersionRow[] = [];
  for (const row of versions.iterate()) {
    const first = group[0];
    if (first !== undefined && (first.tenant !== row.tenant || first.resource_type !== row.resource_type || first.id !== row.id)) {
      yield { versions: group, current: current.get(first.tenant, first.resource_type, first.id) };
      group = [];
    }
    group.push(row);
  }
  const last = group[0];
  if (last !== undefined) yield { versions: group, current: current.get(last.tenant, last.resource_type, last.id) };
}

/**
 * Checks a data directory's database (and Binary files). Read-only; consistent as of one
 * snapshot, so it may run while the server writes.
 */
export async function checkConsistency(db: Database, options: ConsistencyOptions): Promise<ConsistencyReport> {
  const maxProblems = options.maxProblems ?? 10000;
  const problems: ConsistencyProblem[] = [];
  const add = (found: readonly ConsistencyProblem[]): void => {
    for (const p of found) if (problems.length < maxProblems) problems.push(p);
  };
  const indexed = hasTable(db, 'sp_resource');
  const actual = indexed ? new IndexRows(db) : undefined;
  const expected = new ExpectedIndex(options.extract);
  let versionCount = 0;
  let resourceCount = 0;
  let binaryCount = 0;
  const binaryChecks: { tenant: string; id: string; versionId: string }[] = [];
  let jobRows: ReturnType<typeof readExportJobRows> = [];
  const seen = new Set<string>();
  db.exec('BEGIN');
  try {
    for (const { versions, current } of resourcesOf(db)) {
      const latest = versions[versions.length - 1] as VersionRow;
      const at = { tenant: latest.tenant, resourceType: latest.resource_type, id: latest.id };
      resourceCount += 1;
      versionCount += versions.length;
      seen.add(keyOf(at.tenant, at.resourceType, at.id));
      versions.forEach((row, n) => {
        add(versionProblems(row));
        // The core numbers versions 1, 2, 3... (core/interactions/write-path.ts): history is continuous.
        if (row.version_id !== String(n + 1)) add([{ kind: 'version-gap', ...at, versionId: row.version_id, detail: `version ${n + 1} in commit order is numbered ${row.version_id}` }]);
        if (row.resource_type === 'Binary' && row.deleted === 0) binaryChecks.push({ tenant: row.tenant, id: row.id, versionId: row.version_id });
      });
      if (current === undefined) add([{ kind: 'current-missing', ...at, detail: `no current row; the latest version is ${latest.version_id}` }]);
      else if (!sameCurrent(latest, current)) add([{ kind: 'current-mismatch', ...at, detail: `the current row is version ${current.version_id}, the latest stored version is ${latest.version_id}` }]);
      if (actual !== undefined) {
        const rid = actual.ridOf(at.tenant, at.resourceType, at.id);
        const body = latest.deleted === 0 && latest.resource !== null ? parseStored(latest.resource) : undefined;
        if (body === undefined) {
          if (rid !== undefined) add([{ kind: 'index-extra', ...at, detail: 'a deleted resource is still in the search index' }]);
        } else if (rid === undefined) {
          add([{ kind: 'index-missing', ...at, detail: 'the resource is not in the search index' }]);
        } else if (actual.fingerprint(rid) !== expected.fingerprint(at.tenant, at.resourceType, at.id, body)) {
          add([{ kind: 'index-stale', ...at, detail: 'the index rows differ from what the stored resource yields' }]);
        }
      }
      if (options.onProgress && resourceCount % (options.progressEvery ?? 10000) === 0) options.onProgress(resourceCount);
    }
    for (const row of db.prepare<[], CurrentRow>('SELECT tenant, resource_type, id, version_id, last_updated, deleted, resource FROM resource_current').iterate()) {
      if (!seen.has(keyOf(row.tenant, row.resource_type, row.id))) add([{ kind: 'current-orphan', tenant: row.tenant, resourceType: row.resource_type, id: row.id, detail: 'a current row without any stored version' }]);
    }
    if (indexed) {
      for (const row of db.prepare<[], { tenant: string; rtype: string; id: string }>('SELECT tenant, rtype, id FROM sp_resource').iterate()) {
        if (!seen.has(keyOf(row.tenant, row.rtype, row.id))) add([{ kind: 'index-extra', tenant: row.tenant, resourceType: row.rtype, id: row.id, detail: 'the search index holds a resource that was never stored' }]);
      }
      // Value rows of no indexed resource would still match searches under a dangling row id.
      for (const table of VALUE_TABLES) {
        const orphans = db.prepare<[], number>(`SELECT COUNT(*) FROM ${table} WHERE rid NOT IN (SELECT rid FROM sp_resource)`).pluck().get() ?? 0;
        if (orphans > 0) add([{ kind: 'index-orphan-rows', tenant: '', resourceType: '', id: '', detail: `${orphans} rows of ${table} belong to no indexed resource` }]);
      }
    }
    // The queues beside the store, in the same snapshot as the commit log they refer to.
    add(checkSubscriptionOutbox(db));
    jobRows = readExportJobRows(db);
  } finally {
    db.exec('COMMIT');
    expected.close();
  }
  add(checkExportJobs(jobRows, options.exportFiles, options.now?.() ?? new Date()));
  if (options.binaries && options.binaryKey) {
    for (const b of binaryChecks) {
      binaryCount += 1;
      const found = await options.binaries.get(b.tenant, options.binaryKey(b.id, b.versionId));
      if (found === undefined) add([{ kind: 'binary-missing', tenant: b.tenant, resourceType: 'Binary', id: b.id, versionId: b.versionId, detail: 'the content of this Binary version is not in the binary store' }]);
    }
  }
  return { versions: versionCount, resources: resourceCount, indexed: indexed ? (db.prepare<[], number>('SELECT COUNT(*) FROM sp_resource').pluck().get() ?? 0) : 0, binaries: binaryCount, problems };
}

export interface RepairResult {
  /** Versions recreated from current rows whose history was missing. */
  readonly restoredVersions: number;
  readonly currentRewritten: number;
  readonly reindexed: number;
  readonly unindexed: number;
}

/**
 * Rebuilds the derived data from the versions: each resource's current row from its latest
 * version, and its index rows from that version's resource. Runs in write transactions of
 * `batchSize` resources, so a live server keeps committing between them.
 */
export function repairDerived(db: Database, options: Pick<ConsistencyOptions, 'extract' | 'onProgress' | 'progressEvery'> & { readonly batchSize?: number }): RepairResult {
  const batchSize = options.batchSize ?? 500;
  // A current row whose versions are gone is the only copy left of that resource: it becomes a
  // version again (never dropped), and the passes below treat it like any other.
  const restoredVersions = db
    .prepare(
      `INSERT INTO resource_version (tenant, resource_type, id, version_id, last_updated, last_updated_ms, deleted, resource)
       SELECT c.tenant, c.resource_type, c.id, c.version_id, c.last_updated, c.last_updated_ms, c.deleted, c.resource FROM resource_current AS c
       WHERE NOT EXISTS (SELECT 1 FROM resource_version AS v WHERE v.tenant = c.tenant AND v.resource_type = c.resource_type AND v.id = c.id)`,
    )
    .run().changes;
  const keys = db.prepare<[], { tenant: string; resource_type: string; id: string }>('SELECT DISTINCT tenant, resource_type, id FROM resource_version').all();
  const latest = db.prepare<[string, string, string], VersionRow>(
    'SELECT seq, tenant, resource_type, id, version_id, last_updated, deleted, resource FROM resource_version WHERE tenant = ? AND resource_type = ? AND id = ? ORDER BY seq DESC LIMIT 1',
  );
  const upsert = db.prepare<[string, string, string, string, string, number, number, string | null]>(
    `INSERT INTO resource_current (tenant, resource_type, id, version_id, last_updated, last_updated_ms, deleted, resource) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (tenant, resource_type, id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
       last_updated_ms = excluded.last_updated_ms, deleted = excluded.deleted, resource = excluded.resource
     WHERE version_id IS NOT excluded.version_id OR deleted IS NOT excluded.deleted OR resource IS NOT excluded.resource OR last_updated IS NOT excluded.last_updated`,
  );
  let currentRewritten = 0;
  let reindexed = 0;
  let unindexed = 0;
  let done = 0;
  const repairOne = (key: { tenant: string; resource_type: string; id: string }): void => {
    const row = latest.get(key.tenant, key.resource_type, key.id);
    if (row === undefined) return;
    currentRewritten += upsert.run(row.tenant, row.resource_type, row.id, row.version_id, row.last_updated, Date.parse(row.last_updated), row.deleted, row.resource).changes;
    const body = row.deleted === 0 && row.resource !== null ? parseStored(row.resource) : undefined;
    if (body === undefined) {
      sqliteSearchIndexWriter.remove(db, row.tenant, row.resource_type, row.id);
      unindexed += 1;
    } else {
      sqliteSearchIndexWriter.write(db, row.tenant, row.resource_type, row.id, options.extract(body));
      reindexed += 1;
    }
  };
  const batch = db.transaction((slice: typeof keys) => {
    for (const key of slice) repairOne(key);
  });
  for (let start = 0; start < keys.length; start += batchSize) {
    batch.immediate(keys.slice(start, start + batchSize));
    done += Math.min(batchSize, keys.length - start);
    if (options.onProgress && (done % (options.progressEvery ?? 10000) < batchSize || done === keys.length)) options.onProgress(done);
  }
  // Index rows of resources that were never stored at all.
  const orphans = db.prepare<[], { tenant: string; rtype: string; id: string }>(
    'SELECT tenant, rtype, id FROM sp_resource AS s WHERE NOT EXISTS (SELECT 1 FROM resource_version AS v WHERE v.tenant = s.tenant AND v.resource_type = s.rtype AND v.id = s.id)',
  ).all();
  db.transaction(() => {
    for (const o of orphans) {
      sqliteSearchIndexWriter.remove(db, o.tenant, o.rtype, o.id);
      unindexed += 1;
    }
    for (const table of VALUE_TABLES) db.prepare(`DELETE FROM ${table} WHERE rid NOT IN (SELECT rid FROM sp_resource)`).run();
    db.prepare('DELETE FROM sp_fts WHERE rowid NOT IN (SELECT rid FROM sp_resource)').run();
  }).immediate();
  return { restoredVersions, currentRewritten, reindexed, unindexed };
}
