import type { Resource } from '../fhir-types';

export type ChangeAction = 'create' | 'update' | 'delete';

/** A committed change (DESIGN.md: ChangeFeed). Delivered after commit, in order per resource. */
export interface ResourceChange {
  readonly tenant: string;
  readonly action: ChangeAction;
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: string;
  readonly lastUpdated: string;
  /** The new version; undefined for a delete. */
  readonly resource: Resource | undefined;
}

export type ChangeListener = (change: ResourceChange) => void;

export interface ChangeFeed {
  publish(changes: readonly ResourceChange[]): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(listener: ChangeListener): () => void;
}
