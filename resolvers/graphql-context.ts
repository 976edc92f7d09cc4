import type { CoreDeps } from '../core/core-deps';
import type { RequestContext } from '../core/request';
import type { ContainerIndex } from './contained-references';
import { createReferenceLoader, type ReferenceLoader } from './reference-loader';

/** The GraphQL context value of one request: the core, the caller, and the request's loaders. */
export interface GraphqlContext {
  readonly deps: CoreDeps;
  readonly ctx: RequestContext;
  readonly references: ReferenceLoader;
  /** Objects of returned resources -> their container, for `#id` references. */
  readonly containers: ContainerIndex;
}

/** A fresh context per request: loaders and indexes never outlive one request or one caller. */
export function createGraphqlContext(deps: CoreDeps, ctx: RequestContext): GraphqlContext {
  return { deps, ctx, references: createReferenceLoader(deps, ctx), containers: new WeakMap() };
}
