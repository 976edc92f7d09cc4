import type { Resource } from '../fhir-types';
import type { IndexEntry } from '../search/index-entry';

/** One stored version of a resource; a tombstone when `resource` is undefined. */
export interface StoredVersion {
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: string;
  /** FHIR instant (ISO 8601 with milliseconds and Z). */
  readonly lastUpdated: string;
  /** Undefined for a delete tombstone. */
  readonly resource: Resource | undefined;
  /**
   * The resource as the JSON text the store holds (meta stamped), when the store keeps it as
   * text: responses send it without a parse/stringify round trip (issue 11). Stores that set it
   * parse `resource` from it on first access (core/format/json-text.ts). Whoever derives a
   * version with another resource (e.g. Binary data filled in) must drop it.
   */
  readonly json?: string;
}

/**
 * One write in an atomic commit. The core assigns versionId and lastUpdated; the store only
 * checks `expectedVersionId` atomically (optimistic concurrency) and persists.
 */
export interface WriteOperation {
  readonly resourceType: string;
  readonly id: string;
  /**
   * The current version the write expects: `null` means the resource must not exist at all
   * (never written, in any version). A tombstone counts as existing with its versionId.
   */
  readonly expectedVersionId: string | null;
  readonly versionId: string;
  readonly lastUpdated: string;
  /** The new version, or undefined to write a delete tombstone. */
  readonly resource: Resource | undefined;
  /** Search values extracted by the core, stored atomically with the version where the backend can. */
  readonly index: readonly IndexEntry[];
}

export interface HistoryQuery {
  readonly resourceType?: string;
  readonly id?: string;
  /** Only versions with lastUpdated >= since (FHIR `_since`). */
  readonly since?: string;
  /** Only versions current at this instant (FHIR `_at`): the last version with lastUpdated <= at. */
  readonly at?: string;
  readonly count: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
}

export interface HistoryPage {
  /** Newest first. */
  readonly versions: readonly StoredVersion[];
  readonly nextCursor?: string;
  /** Total matching versions, when the backend can count cheaply. */
  readonly total?: number;
}

export interface ResourceKey {
  readonly resourceType: string;
  readonly id: string;
}

/**
 * The claim a conditional create holds on its criteria (http.html#ccreate; issue 16,
 * "Concurrency"): written in the same atomic commit as the create, so that of several processes
 * creating with the same criteria at once exactly one commits. Claims expire: once the search
 * index shows the created resource, the search is the authority again.
 */
export interface GuardClaim {
  /** `Type/id` of the resource the claim was written with. */
  readonly holder: string;
  /** Unique per claim written: what a later commit compares against. */
  readonly token: string;
  readonly expiresAtMs: number;
}

export interface CreateGuard {
  /** The normalized criteria (write-lock.ts conditionalCreateLockKey). */
  readonly key: string;
  /** The claim the create saw (undefined: none). If the stored claim differs at commit time, the commit fails with VersionConflictError. */
  readonly expected: GuardClaim | undefined;
  readonly claim: GuardClaim;
}

export interface CommitOptions {
  readonly guards?: readonly CreateGuard[];
}

/**
 * The system of record (DESIGN.md: Ports). Every implementation passes
 * test/contract/resource-store-contract.ts.
 */
export interface ResourceStore {
  /** Most writes one commit may carry (100 on DynamoDB; Infinity on SQLite). */
  readonly maxAtomicWrites: number;
  /** The current version (possibly a tombstone), or undefined if never written. */
  read(tenant: string, resourceType: string, id: string): Promise<StoredVersion | undefined>;
  /** Current versions of many resources at once (batched reference resolution). */
  readMany(tenant: string, keys: readonly ResourceKey[]): Promise<(StoredVersion | undefined)[]>;
  vread(tenant: string, resourceType: string, id: string, versionId: string): Promise<StoredVersion | undefined>;
  history(tenant: string, query: HistoryQuery): Promise<HistoryPage>;
  /**
   * Writes all operations atomically or none. Throws VersionConflictError when any
   * `expectedVersionId` does not match the stored current version, or any guard's stored claim
   * is not the one it expected (then nothing is written either).
   */
  commit(tenant: string, writes: readonly WriteOperation[], options?: CommitOptions): Promise<void>;
  /** The stored claim on conditional-create criteria, expired or not; undefined if none. */
  readGuard(tenant: string, key: string): Promise<GuardClaim | undefined>;
  close(): Promise<void>;
}
