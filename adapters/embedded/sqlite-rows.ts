// Conversions between rows of the store's tables (sqlite-schema.ts) and the port's types.
import { isJsonObject, type Resource } from '../../core/fhir-types';
import { storedVersionFromJson } from '../../core/format/json-text';
import type { StoredVersion } from '../../core/ports/resource-store';

/** The columns shared by resource_version and resource_current. */
export interface VersionRow {
  readonly resource_type: string;
  readonly id: string;
  readonly version_id: string;
  readonly last_updated: string;
  readonly deleted: number;
  readonly resource: string | null;
}

/** A resource_version row with its commit order, as history selects it. */
export interface HistoryRow extends VersionRow {
  readonly seq: number;
  readonly last_updated_ms: number;
}

export const versionColumns = 'resource_type, id, version_id, last_updated, deleted, resource';

/** The stored text is sent as is; the resource is parsed only when something reads it. */
export function toStoredVersion(row: VersionRow): StoredVersion {
  const key = { resourceType: row.resource_type, id: row.id, versionId: row.version_id, lastUpdated: row.last_updated };
  return storedVersionFromJson(key, row.deleted === 1 || row.resource === null ? undefined : row.resource, parseResource);
}

function parseResource(json: string): Resource {
  const parsed: unknown = JSON.parse(json);
  if (!isJsonObject(parsed) || typeof parsed.resourceType !== 'string') {
    throw new Error('A stored resource is not a FHIR resource object; the database was changed outside the server');
  }
  return parsed as Resource;
}

/** Epoch milliseconds of a FHIR instant; the store orders and filters history by it. */
export function instantToMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`Not a FHIR instant: ${instant}`);
  return ms;
}
