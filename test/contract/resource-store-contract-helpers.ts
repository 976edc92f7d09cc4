// Helpers for the ResourceStore contract suite: a writer that plays the core's part (assigning
// versionId and lastUpdated, tracking the expected version) so the tests read as FHIR steps.
import { randomUUID } from 'node:crypto';
import type { Resource } from '../../core/fhir-types';
import type { ResourceStore, StoredVersion, WriteOperation } from '../../core/ports/resource-store';

/** What each contract test gets: a store and two tenants nobody else uses. */
export interface ContractContext {
  readonly store: ResourceStore;
  readonly tenant: string;
  readonly otherTenant: string;
  readonly writer: ContractWriter;
}

/** A fresh tenant id per test, so suites can share one backing table (e.g. DynamoDB). */
export function uniqueTenant(): string {
  return `t-${randomUUID()}`;
}

/** Distinct instants one second apart, from 2024-01-01T00:00:00.000Z. */
export class Timeline {
  private ms = Date.parse('2024-01-01T00:00:00.000Z');

  next(): string {
    this.ms += 1000;
    return new Date(this.ms).toISOString();
  }

  /** An instant strictly between the last one handed out and the next one. */
  between(): string {
    return new Date(this.ms + 500).toISOString();
  }
}

/** (type/id/_history/version), the identity the tests compare. */
export function label(version: StoredVersion | undefined): string {
  return version === undefined ? 'undefined' : `${version.resourceType}/${version.id}/_history/${version.versionId}`;
}

export function patient(id: string, versionId: string, lastUpdated: string, family = `Family-${id}`): Resource {
  return { resourceType: 'Patient', id, meta: { versionId, lastUpdated }, name: [{ family }] };
}

/**
 * Builds writes the way the core does: next version = last built + 1, lastUpdated from a
 * timeline. Versions advance when a write is built, so several writes of one resource can go in
 * one commit; tests of failing commits build their writes by hand.
 */
export class ContractWriter {
  readonly timeline = new Timeline();
  private readonly versions = new Map<string, number>();

  constructor(
    private readonly store: ResourceStore,
    private readonly tenant: string,
  ) {}

  /** A create or update of resourceType/id. */
  save(resourceType: string, id: string, lastUpdated = this.timeline.next()): WriteOperation {
    return this.op(resourceType, id, lastUpdated, (versionId) => ({ resourceType, id, meta: { versionId, lastUpdated }, text: { status: 'generated', div: `<div>v${versionId}</div>` } }));
  }

  /** A delete tombstone of resourceType/id. */
  remove(resourceType: string, id: string, lastUpdated = this.timeline.next()): WriteOperation {
    return this.op(resourceType, id, lastUpdated, () => undefined);
  }

  async commit(...writes: WriteOperation[]): Promise<void> {
    await this.store.commit(this.tenant, writes);
  }

  private op(resourceType: string, id: string, lastUpdated: string, body: (versionId: string) => Resource | undefined): WriteOperation {
    const key = `${resourceType}/${id}`;
    const current = this.versions.get(key);
    const versionId = String((current ?? 0) + 1);
    this.versions.set(key, Number(versionId));
    return { resourceType, id, expectedVersionId: current === undefined ? null : String(current), versionId, lastUpdated, resource: body(versionId), index: [] };
  }
}
