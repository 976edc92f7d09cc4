// Item layout of the DynamoDB resource table (see dynamodb-table.ts for the indexes).
//
// Every key component is percent-encoded, so a `#` inside a tenant or id can never forge another
// resource's key. Version numbers are zero-padded in sort keys so that DynamoDB's byte order is
// version order: the core numbers versions 1, 2, 3... (core/interactions/common.ts), so
// history-instance in sort-key order is commit order even when clocks step back.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Resource } from '../../core/fhir-types';
import { storedVersionFromJson } from '../../core/format/json-text';
import type { StoredVersion } from '../../core/ports/resource-store';
import type { IndexEntry } from '../../core/search/index-entry';

/** Bodies above this many bytes are stored gzipped: DynamoDB items are capped at 400 KB. */
const gzipThreshold = 16 * 1024;

export const currentSk = 'c';
const versionSkPrefix = 'v#';
const numericVersion = /^(0|[1-9]\d{0,14})$/;

function component(value: string): string {
  return encodeURIComponent(value);
}

export function resourcePk(tenant: string, resourceType: string, id: string): string {
  return `${component(tenant)}#${component(resourceType)}#${component(id)}`;
}

/**
 * History GSI partitions per tenant (and per type). A DynamoDB partition takes about 1,000
 * writes/s, and every commit writes the history indexes, so one partition per tenant would cap a
 * single-tenant deployment there; spread over `historyShards` partitions (by resource), history
 * queries read all shards and merge them. Fixed for the life of a table: changing it hides the
 * history written under the old count.
 */
export const historyShards = 8;

/** The history shard of a resource: FNV-1a of `type/id`, so all its versions share one shard. */
export function historyShard(resourceType: string, id: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${resourceType}/${id}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % historyShards;
}

export function typePk(tenant: string, resourceType: string, shard: number): string {
  return `${component(tenant)}#${component(resourceType)}#${shard}`;
}

export function systemPk(tenant: string, shard: number): string {
  return `${component(tenant)}#${shard}`;
}

/** Sort-key form of a versionId: numeric ids padded to 15 digits, others after all numbers. */
export function versionKey(versionId: string): string {
  return numericVersion.test(versionId) ? versionId.padStart(15, '0') : `~${component(versionId)}`;
}

export function versionSk(versionId: string): string {
  return `${versionSkPrefix}${versionKey(versionId)}`;
}

export function isVersionSk(sk: string): boolean {
  return sk.startsWith(versionSkPrefix);
}

export function instantMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`Not a FHIR instant: ${instant}`);
  return ms;
}

/** `{ms}` padded so that string order is time order; the bound used by _since and _at. */
export function msKey(ms: number): string {
  return String(Math.max(0, Math.trunc(ms))).padStart(15, '0');
}

/** History sort key: time first, then a tie-break that keeps one resource's versions in order. */
export function historySk(lastUpdated: string, resourceType: string, id: string, versionId: string): string {
  return `${msKey(instantMs(lastUpdated))}#${component(resourceType)}#${component(id)}#${versionKey(versionId)}`;
}

/** The attributes of a stored version, as plain JS values (DocumentClient marshals them). */
export interface VersionItem {
  pk: string;
  sk: string;
  /** Tenant, type, id, versionId, lastUpdated: kept unencoded for readers and the stream. */
  tn: string;
  rt: string;
  rid: string;
  vid: string;
  lu: string;
  /** True for a delete tombstone. */
  del: boolean;
  body?: string;
  gz?: Uint8Array;
  /** Extracted search values (version items only), for the stream processor's indexer; gzipped when large. */
  idx?: string;
  idxgz?: Uint8Array;
  tpk?: string;
  spk?: string;
  hsk?: string;
}

function smallOrGzipped(json: string): { text: string } | { gzipped: Uint8Array } {
  return Buffer.byteLength(json, 'utf8') <= gzipThreshold ? { text: json } : { gzipped: new Uint8Array(gzipSync(json)) };
}

export function encodeBody(resource: Resource | undefined): Pick<VersionItem, 'body' | 'gz'> {
  if (resource === undefined) return {};
  const encoded = smallOrGzipped(JSON.stringify(resource));
  return 'text' in encoded ? { body: encoded.text } : { gz: encoded.gzipped };
}

/** _text and _content entries hold all the text of a resource, so they get the body's treatment. */
export function encodeIndex(index: readonly IndexEntry[]): Pick<VersionItem, 'idx' | 'idxgz'> {
  const encoded = smallOrGzipped(JSON.stringify(index));
  return 'text' in encoded ? { idx: encoded.text } : { idxgz: encoded.gzipped };
}

/** Text stored plain, or gzipped as binary (a Uint8Array from the SDK, base64 in stream event JSON). */
function decodeText(plain: unknown, gzipped: unknown): string | undefined {
  if (typeof plain === 'string') return plain;
  if (gzipped instanceof Uint8Array) return gunzipSync(gzipped).toString('utf8');
  if (typeof gzipped === 'string') return gunzipSync(Buffer.from(gzipped, 'base64')).toString('utf8');
  return undefined;
}

function parseBody(json: string): Resource {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('Stored body is not a JSON object');
  return parsed as Resource;
}

function text(item: Record<string, unknown>, name: string): string {
  const value = item[name];
  if (typeof value !== 'string') throw new Error(`DynamoDB item lacks string attribute ${name}`);
  return value;
}

/** A stored item (current or version) as the port's StoredVersion. */
export function toStoredVersion(item: Record<string, unknown>): StoredVersion {
  const deleted = item.del === true;
  const key = { resourceType: text(item, 'rt'), id: text(item, 'rid'), versionId: text(item, 'vid'), lastUpdated: text(item, 'lu') };
  // The body's text is sent as is; the resource is parsed only when something reads it.
  return storedVersionFromJson(key, deleted ? undefined : decodeText(item.body, item.gz), parseBody);
}

export function tenantOf(item: Record<string, unknown>): string {
  return text(item, 'tn');
}

export function indexOf(item: Record<string, unknown>): IndexEntry[] | undefined {
  const value = decodeText(item.idx, item.idxgz);
  if (value === undefined) return undefined;
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? (parsed as IndexEntry[]) : undefined;
}
