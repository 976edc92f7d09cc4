// The AppSync Lambda's entry point (infra/lambda-entries.ts names this file): root Query and
// Mutation fields, executed over the same core as REST, on the AWS wiring built once per container.
import { z } from 'zod';
import { createAwsApp, parseAwsConfig, type AwsApp } from '../../wiring/aws';
import { createGraphqlService } from '../execute-graphql';
import { graphqlTypesOf } from '../http/local-routes';
import { readSchemaSdl } from '../schema/load';
import { createAppSyncHandler, type AppSyncEvent } from './handler';

/** Settings only the GraphQL Lambda reads (the rest are wiring/aws.ts's). */
const graphqlSettings = z.object({
  /** Where the bundle carries the SDL (/var/task/schema.graphql); default: schema/ in the repo. */
  FHIR_GRAPHQL_SCHEMA_FILE: z.string().min(1).optional(),
  /** Comma-separated resource types of a subset schema; empty means all. */
  FHIR_GRAPHQL_TYPES: z.string().optional(),
  /** The REST API's public FHIR root, to recognise absolute references to this server. */
  FHIR_BASE_URL: z.url().optional(),
});

type Handle = (event: AppSyncEvent | AppSyncEvent[]) => Promise<unknown>;

let handle: Handle | undefined;
let app: AwsApp | undefined;

function init(): Handle {
  const settings = graphqlSettings.parse(process.env);
  app = createAwsApp(parseAwsConfig(process.env));
  const types = graphqlTypesOf(settings.FHIR_GRAPHQL_TYPES);
  const sdl = readSchemaSdl(settings.FHIR_GRAPHQL_SCHEMA_FILE);
  const service = createGraphqlService(app.deps, { sdl, ...(types !== undefined ? { resourceTypes: types } : {}) });
  const root = (settings.FHIR_BASE_URL ?? 'urn:fhir-gateway').replace(/\/+$/, '');
  return createAppSyncHandler({
    deps: app.deps,
    service,
    baseUrl: (tenant) => (app?.deps.config.multiTenancy ? `${root}/tenant/${tenant}` : root),
  });
}

// The schema is built during Lambda's init phase (this module's load), not on the first event
// (issue 10, "Cold start"): init runs at full CPU whatever the memory size, and before any
// request when concurrency is provisioned. A configuration error is left to the first event,
// which throws it (init below runs again) and so reports it as that invocation's error.
try {
  handle = init();
} catch {
  handle = undefined;
}

export function handler(event: AppSyncEvent | AppSyncEvent[]): Promise<unknown> {
  handle ??= init();
  return handle(event);
}
