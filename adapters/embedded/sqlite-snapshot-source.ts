// SnapshotSource on the embedded store's version table (sqlite-schema.ts): the mark is the commit
// sequence number `seq`, so "the resources as of transactionTime" is exact: for each resource, the
// last version with seq <= mark, unless that version is a delete tombstone. Pages are keyset
// pages on (last_updated_ms, seq) over the resource_version_type index, read with LIMIT, so no
// statement stays open between pages (the connection is shared with the writers).
import type { Database, Statement } from 'better-sqlite3';
import { FhirError } from '../../core/errors/fhir-error';
import type { SnapshotPage, SnapshotRow, SnapshotSource } from '../../core/ports/bulk-export';

interface ScanRow {
  readonly seq: number;
  readonly ms: number;
  readonly id: string;
  readonly last_updated: string;
  readonly resource: string;
}

interface AtRow {
  readonly resource_type: string;
  readonly id: string;
  readonly last_updated: string;
  readonly deleted: number;
  readonly resource: string | null;
}

type ScanParams = [tenant: string, type: string, ms: number, afterSeq: number, mark: number, mark2: number, limit: number];

function parseMark(mark: string): number {
  if (!/^\d{1,16}$/.test(mark)) throw new FhirError('INVALID_REQUEST', 'The export snapshot mark is not valid');
  return Number(mark);
}

function parseCursor(cursor: string | undefined): [number, number] | undefined {
  if (cursor === undefined) return undefined;
  const match = /^(-?\d{1,16}):(\d{1,16})$/.exec(cursor);
  if (match?.[1] === undefined || match[2] === undefined) throw new FhirError('INVALID_REQUEST', 'The export cursor is not valid');
  return [Number(match[1]), Number(match[2])];
}

export class SqliteSnapshotSource implements SnapshotSource {
  private readonly maxSeq: Statement<[], number>;
  private readonly scanSameMs: Statement<ScanParams, ScanRow>;
  private readonly scanLaterMs: Statement<ScanParams, ScanRow>;
  private readonly versionAt: Statement<[string, string, string, number], AtRow>;

  constructor(db: Database) {
    this.maxSeq = db.prepare<[], number>('SELECT coalesce(max(seq), 0) FROM resource_version').pluck();
    // A version is the one current at the mark when no later version of the resource is at or
    // before the mark (a probe of the resource_version_instance index per row). The keyset
    // (last_updated_ms, seq) is sought in two steps, both index seeks on resource_version_type
    // (whose last column is the rowid, seq): the rest of the cursor's millisecond, then later ones.
    // A row-value comparison would seek on the millisecond only and rescan it on every page.
    const scan = (range: string, order: string): Statement<ScanParams, ScanRow> => db.prepare<ScanParams, ScanRow>(`
      SELECT v.seq, v.last_updated_ms AS ms, v.id, v.last_updated, v.resource FROM resource_version v
      WHERE v.tenant = ? AND v.resource_type = ? AND ${range} AND v.seq <= ? AND v.deleted = 0
        AND NOT EXISTS (SELECT 1 FROM resource_version w
                        WHERE w.tenant = v.tenant AND w.resource_type = v.resource_type AND w.id = v.id AND w.seq > v.seq AND w.seq <= ?)
      ORDER BY ${order} LIMIT ?`);
    this.scanSameMs = scan('v.last_updated_ms = ? AND v.seq > ?', 'v.seq');
    this.scanLaterMs = scan('v.last_updated_ms > ? AND ? >= 0', 'v.last_updated_ms, v.seq');
    this.versionAt = db.prepare<[string, string, string, number], AtRow>(`
      SELECT resource_type, id, last_updated, deleted, resource FROM resource_version
      WHERE tenant = ? AND resource_type = ? AND id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1`);
  }

  mark(): Promise<string> {
    return Promise.resolve(String(this.maxSeq.get() ?? 0));
  }

  scan(tenant: string, resourceType: string, mark: string, options: { readonly since?: string; readonly cursor?: string; readonly limit: number }): Promise<SnapshotPage> {
    const at = parseMark(mark);
    const after = parseCursor(options.cursor);
    const sinceMs = options.since === undefined ? Number.MIN_SAFE_INTEGER : Date.parse(options.since) - 1;
    const found = after === undefined ? [] : this.scanSameMs.all(tenant, resourceType, after[0], after[1], at, at, options.limit);
    if (found.length < options.limit) {
      found.push(...this.scanLaterMs.all(tenant, resourceType, after?.[0] ?? sinceMs, 0, at, at, options.limit - found.length));
    }
    const rows: SnapshotRow[] = found.map((r) => ({ resourceType, id: r.id, lastUpdated: r.last_updated, json: r.resource }));
    const last = found[found.length - 1];
    return Promise.resolve({ rows, ...(found.length === options.limit && last !== undefined ? { nextCursor: `${last.ms}:${last.seq}` } : {}) });
  }

  readAt(tenant: string, keys: readonly { readonly resourceType: string; readonly id: string }[], mark: string): Promise<(SnapshotRow | undefined)[]> {
    const at = parseMark(mark);
    return Promise.resolve(
      keys.map((key) => {
        const row = this.versionAt.get(tenant, key.resourceType, key.id, at);
        if (row === undefined || row.deleted === 1 || row.resource === null) return undefined;
        return { resourceType: row.resource_type, id: row.id, lastUpdated: row.last_updated, json: row.resource };
      }),
    );
  }
}
