// Loads the committed SDL and builds it with graphql-js. AppSync reads schema/schema.graphql as
// is; locally (and inside the AppSync Lambda, which re-executes sub-selections) the AppSync
// prelude is prepended so that graphql-js knows AWSJSON and the @aws_* directives.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { APPSYNC_PRELUDE } from './appsync-prelude';
import { subsetSchemaSdl } from './subset';

/** schema/schema.graphql, resolved from this file so it works from any working directory. */
export const DEFAULT_SCHEMA_FILE = join(__dirname, '..', '..', 'schema', 'schema.graphql');

export function readSchemaSdl(file: string = DEFAULT_SCHEMA_FILE): string {
  return readFileSync(file, 'utf8');
}

export interface SchemaOptions {
  /** The full SDL (default: the committed schema/schema.graphql). */
  readonly sdl?: string;
  /** Restrict to these resource types (e.g. from FHIR_GRAPHQL_TYPES, parsed in wiring/). */
  readonly resourceTypes?: readonly string[];
}

/** The SDL to serve: the full schema, or its subset when resource types are configured. */
export function schemaSdl(options: SchemaOptions = {}): string {
  const full = options.sdl ?? readSchemaSdl();
  const types = options.resourceTypes;
  return types !== undefined && types.length > 0 ? subsetSchemaSdl(full, types) : full;
}

/** Builds the type system (no resolvers) with the AppSync prelude, checking the SDL as it goes. */
export function buildLocalSchema(sdl: string): GraphQLSchema {
  return buildSchema(APPSYNC_PRELUDE + '\n' + sdl);
}

/**
 * The type system the servers execute against: the same, without graphql-js's SDL and schema
 * validation, which is about half the cost of building the full R4 schema and lies on the GraphQL
 * Lambda's cold start (issue 10). The SDL is generated (tools/generate-graphql-schema.ts) and
 * test/graphql/schema-valid.test.ts validates it, and subsets of it, in full.
 */
export function buildServedSchema(sdl: string): GraphQLSchema {
  return buildSchema(APPSYNC_PRELUDE + '\n' + sdl, { assumeValid: true, assumeValidSDL: true });
}
