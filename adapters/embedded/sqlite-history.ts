// History queries of the embedded store: history-instance, history-type and history-system with
// _since, _at and keyset paging (https://hl7.org/fhir/R4/http.html#history).
//
// Order, newest first:
// - history-instance by commit order (seq). Optimistic concurrency makes each version of one
//   resource commit after the one it replaces, so this is exactly version order even if clocks
//   step back.
// - history-type and history-system by (lastUpdated, seq), so _since is an index range scan.
// Cursors hold the (lastUpdated, seq) of the last row returned; rows that arrive later sort
// before the cursor (later lastUpdated, larger seq), so paging neither skips nor repeats.
import type { Database, Statement } from 'better-sqlite3';
import { FhirError } from '../../core/errors/fhir-error';
import type { HistoryPage, HistoryQuery } from '../../core/ports/resource-store';
import { toStoredVersion, type HistoryRow } from './sqlite-rows';

interface HistoryCursor {
  readonly lastUpdatedMs: number;
  readonly seq: number;
}

type Params = Record<string, string | number>;

const historyColumns = 'v.seq, v.last_updated_ms, v.resource_type, v.id, v.version_id, v.last_updated, v.deleted, v.resource';

const cursorPattern = /^h1:(-?\d{1,16}):(\d{1,16})$/;

export function encodeHistoryCursor(cursor: HistoryCursor): string {
  return Buffer.from(`h1:${cursor.lastUpdatedMs}:${cursor.seq}`, 'utf8').toString('base64url');
}

export function decodeHistoryCursor(text: string): HistoryCursor {
  const match = cursorPattern.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) {
    throw new FhirError('INVALID_REQUEST', 'The history paging cursor is not valid; start again from the first page');
  }
  return { lastUpdatedMs: Number(match[1]), seq: Number(match[2]) };
}

function parseInstantParameter(value: string, name: '_since' | '_at'): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new FhirError('INVALID_REQUEST', `${name} is not a valid instant: ${value}`, { expression: [name] });
  return ms;
}

/** Runs history queries, preparing each distinct SQL shape once. */
export class SqliteHistoryQueries {
  private readonly statements = new Map<string, Statement<[Params], HistoryRow>>();
  private readonly counts = new Map<string, Statement<[Params], number>>();

  constructor(private readonly db: Database) {}

  run(tenant: string, query: HistoryQuery): HistoryPage {
    if (!Number.isInteger(query.count) || query.count < 0) {
      throw new FhirError('INVALID_REQUEST', `_count must be a non-negative integer, not ${query.count}`, { expression: ['_count'] });
    }
    if (query.id !== undefined && query.resourceType === undefined) {
      throw new Error('history-instance needs a resourceType as well as an id');
    }
    const instance = query.id !== undefined;
    const params: Params = { tenant };
    const where = ['v.tenant = @tenant'];
    if (query.resourceType !== undefined) {
      where.push('v.resource_type = @resourceType');
      params.resourceType = query.resourceType;
    }
    if (query.id !== undefined) {
      where.push('v.id = @id');
      params.id = query.id;
    }
    if (query.since !== undefined) {
      where.push('v.last_updated_ms >= @since');
      params.since = parseInstantParameter(query.since, '_since');
    }
    if (query.at !== undefined) {
      // The version current at _at: the last one (in commit order) with lastUpdated <= _at.
      // INDEXED BY: without statistics the planner would range-scan the type index instead.
      where.push('v.last_updated_ms <= @at');
      where.push(
        'NOT EXISTS (SELECT 1 FROM resource_version n INDEXED BY resource_version_instance WHERE n.tenant = v.tenant AND n.resource_type = v.resource_type ' +
          'AND n.id = v.id AND n.seq > v.seq AND n.last_updated_ms <= @at)',
      );
      params.at = parseInstantParameter(query.at, '_at');
    }
    // total costs a count of every matching version: always cheap for one resource; for a type or
    // the system only the first page pays it (about 14 ms per 300k versions), later pages omit it.
    const total = instance || query.cursor === undefined ? (this.count(where.join(' AND ')).get(params) ?? 0) : undefined;
    if (query.count === 0) return total === undefined ? { versions: [] } : { versions: [], total };

    const pageWhere = [...where];
    const pageParams: Params = { ...params, limit: query.count + 1 };
    if (query.cursor !== undefined) {
      const cursor = decodeHistoryCursor(query.cursor);
      pageWhere.push(instance ? 'v.seq < @cursorSeq' : '(v.last_updated_ms, v.seq) < (@cursorMs, @cursorSeq)');
      pageParams.cursorSeq = cursor.seq;
      if (!instance) pageParams.cursorMs = cursor.lastUpdatedMs;
    }
    const order = instance ? 'v.seq DESC' : 'v.last_updated_ms DESC, v.seq DESC';
    const rows = this.page(`${pageWhere.join(' AND ')} ORDER BY ${order}`).all(pageParams);
    const hasMore = rows.length > query.count;
    const pageRows = hasMore ? rows.slice(0, query.count) : rows;
    const last = pageRows[pageRows.length - 1];
    const versions = pageRows.map(toStoredVersion);
    const page: HistoryPage = total === undefined ? { versions } : { versions, total };
    return hasMore && last ? { ...page, nextCursor: encodeHistoryCursor({ lastUpdatedMs: last.last_updated_ms, seq: last.seq }) } : page;
  }

  private page(clause: string): Statement<[Params], HistoryRow> {
    let statement = this.statements.get(clause);
    if (!statement) {
      statement = this.db.prepare<[Params], HistoryRow>(
        `SELECT ${historyColumns} FROM resource_version v WHERE ${clause} LIMIT @limit`,
      );
      this.statements.set(clause, statement);
    }
    return statement;
  }

  private count(filter: string): Statement<[Params], number> {
    let statement = this.counts.get(filter);
    if (!statement) {
      statement = this.db.prepare<[Params], number>(`SELECT count(*) FROM resource_version v WHERE ${filter}`).pluck();
      this.counts.set(filter, statement);
    }
    return statement;
  }
}
