// Batched reference resolution (issue 4: "a query for 50 observations with their subjects does
// a bounded number of store reads"). One DataLoader per GraphQL request collects every
// Reference.resource of an execution tick into one ResourceStore.readMany call.
import DataLoader from 'dataloader';
import type { CoreDeps } from '../core/core-deps';
import type { Resource } from '../core/fhir-types';
import type { ResourceKey } from '../core/ports/resource-store';
import type { RequestContext } from '../core/request';

/** DynamoDB BatchGetItem reads at most 100 keys; keep every backend's batches within that. */
const MAX_BATCH = 100;

export type ReferenceLoader = DataLoader<ResourceKey, Resource | undefined, string>;

/**
 * Loads current versions; undefined for unknown, deleted, or not readable by the caller
 * (AccessPolicy.canRead): a reference never reveals what the caller may not read.
 */
export function createReferenceLoader(deps: CoreDeps, ctx: RequestContext): ReferenceLoader {
  return new DataLoader<ResourceKey, Resource | undefined, string>(
    async (keys) => {
      const versions = await deps.store.readMany(ctx.tenant, keys);
      return keys.map((_key, index) => {
        const resource = versions[index]?.resource;
        return resource !== undefined && deps.access.canRead(ctx, resource) ? resource : undefined;
      });
    },
    { maxBatchSize: MAX_BATCH, cacheKeyFn: (key) => `${key.resourceType}/${key.id}` },
  );
}

export interface ParsedReference {
  readonly resourceType: string;
  readonly id: string;
  readonly versionId?: string;
}

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;

/**
 * Reference.reference as a local resource key (https://hl7.org/fhir/R4/references.html#literal):
 * relative `Type/id[/_history/v]`, or absolute on this server's base. Contained (`#id`),
 * external and logical references are not resolvable here.
 */
export function parseReference(reference: string, baseUrl: string): ParsedReference | undefined {
  const relative = reference.startsWith(`${baseUrl}/`) ? reference.slice(baseUrl.length + 1) : reference;
  const match = RELATIVE.exec(relative);
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  return match[3] === undefined ? { resourceType: match[1], id: match[2] } : { resourceType: match[1], id: match[2], versionId: match[3] };
}
