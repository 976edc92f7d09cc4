import type { CoreDeps } from '../core/core-deps';
import type { RequestContext } from '../core/request';
import type { ReferenceLoader } from './reference-loader';

/** The GraphQL context value of one request: the core, the caller, and the request's loaders. */
export interface GraphqlContext {
  readonly deps: CoreDeps;
  readonly ctx: RequestContext;
  readonly references: ReferenceLoader;
}
