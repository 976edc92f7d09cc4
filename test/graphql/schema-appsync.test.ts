// AppSync-compatibility and FHIR-convention checks on the committed schema/schema.graphql
// (issue 4: "AppSync compatibility, checked by tests"; "a test asserts [the size], and prints it").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Kind,
  isObjectType,
  parse,
  print,
  visit,
  type DocumentNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { APPSYNC_DIRECTIVES, APPSYNC_SCALARS } from '../../resolvers/schema/appsync-prelude';
import { buildLocalSchema } from '../../resolvers/schema/load';

const ROOT = join(__dirname, '..', '..');
const sdl = readFileSync(join(ROOT, 'schema', 'schema.graphql'), 'utf8');
const APPSYNC_LIMIT_BYTES = 1024 * 1024;

let document: DocumentNode;
let schema: GraphQLSchema;

beforeAll(() => {
  document = parse(sdl);
  schema = buildLocalSchema(sdl);
});

function objectType(name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return type;
}

function rootField(root: GraphQLObjectType | null | undefined, name: string): GraphQLField<unknown, unknown> {
  const field = root?.getFields()[name];
  if (field === undefined) throw new Error(`no root field ${name}`);
  return field;
}

function resourceTypeNames(): string[] {
  return Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .filter((type) => type.getInterfaces().some((iface) => iface.name === 'Resource'))
    .map((type) => type.name);
}

describe('AppSync compatibility of schema/schema.graphql', () => {
  test('the full R4 schema is under the 1 MB AppSync document limit', () => {
    const bytes = Buffer.byteLength(sdl, 'utf8');
    console.log(`schema/schema.graphql: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB, ${((100 * bytes) / APPSYNC_LIMIT_BYTES).toFixed(1)}% of AppSync's limit)`);
    expect(bytes).toBeLessThan(APPSYNC_LIMIT_BYTES);
  });

  test('declares no scalars (AppSync rejects custom scalars)', () => {
    const scalars = document.definitions.filter((definition) => definition.kind === Kind.SCALAR_TYPE_DEFINITION);
    expect(scalars).toEqual([]);
  });

  test('declares no directives (AppSync predefines its own)', () => {
    const directives = document.definitions.filter((definition) => definition.kind === Kind.DIRECTIVE_DEFINITION);
    expect(directives).toEqual([]);
  });

  test('uses only AppSync directives', () => {
    const used = new Set<string>();
    visit(document, { Directive: (node) => void used.add(node.name.value) });
    const allowed = new Set([...APPSYNC_DIRECTIVES, 'deprecated']);
    expect([...used].filter((name) => !allowed.has(name))).toEqual([]);
  });

  test('declares no type names starting with AWS', () => {
    const names = document.definitions.flatMap((definition) => ('name' in definition && definition.name !== undefined ? [definition.name.value] : []));
    expect(names.filter((name) => name.startsWith('AWS'))).toEqual([]);
  });

  test('uses AWSJSON as its only AWS scalar, for mutation inputs and change payloads', () => {
    const used = new Set<string>();
    visit(document, { NamedType: (node) => void used.add(node.name.value) });
    expect([...used].filter((name) => APPSYNC_SCALARS.includes(name))).toEqual(['AWSJSON']);
  });

  test('does not map FHIR dates to AWSDate or AWSDateTime (partial dates are valid FHIR)', () => {
    expect(objectType('Patient').getFields()['birthDate']?.type.toString()).toBe('String');
    expect(objectType('Observation').getFields()['effectiveDateTime']?.type.toString()).toBe('String');
  });

  test('does not contain the AppSync prelude (AppSync predefines it)', () => {
    expect(sdl).not.toMatch(/^scalar AWSJSON/m);
  });
});

describe('FHIR GraphQL conventions', () => {
  test('every R4 resource type has its query and mutation root fields', () => {
    const resources = resourceTypeNames();
    const query = schema.getQueryType();
    const mutation = schema.getMutationType();
    const missing = resources.flatMap((type) => [
      ...['', 'List', 'Connection'].filter((suffix) => query?.getFields()[type + suffix] === undefined).map((suffix) => type + suffix),
      ...['Create', 'Update', 'Delete'].filter((suffix) => mutation?.getFields()[type + suffix] === undefined).map((suffix) => type + suffix),
    ]);
    expect(resources.length).toBe(146);
    expect(missing).toEqual([]);
  });

  test('read takes a required id', () => {
    const field = rootField(schema.getQueryType(), 'Patient');
    expect(field.args.map((arg) => `${arg.name}: ${arg.type.toString()}`)).toEqual(['id: ID!']);
    expect(field.type.toString()).toBe('Patient');
  });

  test('List takes the search parameters with - turned into _, and paging arguments', () => {
    const args = rootField(schema.getQueryType(), 'PatientList').args.map((arg) => arg.name);
    expect(args).toEqual(expect.arrayContaining(['address_city', 'birthdate', 'general_practitioner', '_id', '_lastUpdated', '_count', '_sort', '_cursor', '_params']));
    expect(args.some((name) => name.includes('-'))).toBe(false);
  });

  test('Connection has paging cursors and edges with mode, score and resource', () => {
    const connection = objectType('ObservationConnection').getFields();
    expect(Object.keys(connection)).toEqual(['count', 'offset', 'pageSize', 'first', 'previous', 'next', 'last', 'edges']);
    const edge = objectType('ObservationEdge').getFields();
    expect(Object.fromEntries(Object.values(edge).map((field) => [field.name, field.type.toString()]))).toEqual({ mode: 'String', score: 'Float', resource: 'Observation' });
  });

  test('mutations take the resource as AWSJSON', () => {
    const create = rootField(schema.getMutationType(), 'PatientCreate');
    const update = rootField(schema.getMutationType(), 'PatientUpdate');
    expect(create.args.map((arg) => `${arg.name}: ${arg.type.toString()}`)).toEqual(['res: AWSJSON!']);
    expect(update.args.map((arg) => `${arg.name}: ${arg.type.toString()}`)).toEqual(['id: ID!', 'res: AWSJSON!']);
    expect(rootField(schema.getMutationType(), 'PatientDelete').args.map((arg) => arg.name)).toEqual(['id']);
  });

  test('choice elements appear under their JSON names', () => {
    const fields = objectType('Observation').getFields();
    expect(fields['valueQuantity']?.type.toString()).toBe('Quantity');
    expect(fields['valueString']?.type.toString()).toBe('String');
    expect(fields['value']).toBeUndefined();
    expect(objectType('Patient').getFields()['deceasedBoolean']?.type.toString()).toBe('Boolean');
  });

  test('FHIR primitives map to built-in scalars', () => {
    const fields = objectType('Quantity').getFields();
    expect(fields['value']?.type.toString()).toBe('Float');
    expect(objectType('Patient').getFields()['multipleBirthInteger']?.type.toString()).toBe('Int');
    expect(objectType('Patient').getFields()['id']?.type.toString()).toBe('ID');
  });

  test('backbone elements are named types, and content references reuse them', () => {
    expect(objectType('Patient').getFields()['contact']?.type.toString()).toBe('[PatientContact]');
    expect(objectType('QuestionnaireItem').getFields()['item']?.type.toString()).toBe('[QuestionnaireItem]');
  });

  test('Reference.resource takes optional and type and returns the Resource interface', () => {
    const field = objectType('Reference').getFields()['resource'];
    expect(field?.args.map((arg) => `${arg.name}: ${arg.type.toString()}`)).toEqual(['optional: Boolean', 'type: String']);
    expect(field?.type.toString()).toBe('Resource');
  });

  test('reverse lookups are one generic ResourceList field per resource type', () => {
    const field = objectType('Patient').getFields()['ResourceList'];
    expect(field?.args.map((arg) => arg.name)).toEqual(['_type', '_reference', '_params', '_count', '_cursor', '_sort']);
    expect(field?.type.toString()).toBe('[Resource]');
  });
});

describe('subscriptions', () => {
  test('onResourceChange subscribes to the publishResourceChange mutation', () => {
    const field = rootField(schema.getSubscriptionType(), 'onResourceChange');
    const directive = field.astNode?.directives?.find((node) => node.name.value === 'aws_subscribe');
    expect(field.args.map((arg) => arg.name)).toEqual(['tenant', 'resourceType', 'id', 'action']);
    expect(directive === undefined ? undefined : print(directive)).toBe('@aws_subscribe(mutations: ["publishResourceChange"])');
  });

  test('publishResourceChange is IAM-only', () => {
    const field = rootField(schema.getMutationType(), 'publishResourceChange');
    expect(field.astNode?.directives?.map((node) => node.name.value)).toEqual(['aws_iam']);
  });

  test('the change payload carries action, resourceType, id, versionId, the resource as AWSJSON and its audience', () => {
    const fields = objectType('ResourceChange').getFields();
    expect(Object.fromEntries(Object.values(fields).map((field) => [field.name, field.type.toString()]))).toEqual({
      tenant: 'String!',
      action: 'ResourceChangeAction!',
      resourceType: 'String!',
      id: 'ID!',
      versionId: 'String!',
      lastUpdated: 'String!',
      resource: 'AWSJSON',
      audience: '[String!]',
    });
  });

  test('the subscription and the publish mutation return the same type (an AppSync requirement)', () => {
    expect(rootField(schema.getSubscriptionType(), 'onResourceChange').type.toString()).toBe(rootField(schema.getMutationType(), 'publishResourceChange').type.toString());
  });
});

test('carries no descriptions: every byte of the 1 MB budget is schema', () => {
  const described: string[] = [];
  visit(document, {
    enter(node) {
      if ('description' in node && node.description != null && 'name' in node && node.name !== undefined) described.push(node.name.value);
    },
  });

  expect(described).toEqual([]);
});

describe('the schema is R4 only (issue 9, defect 3)', () => {
  // The R4 ResourceType code system (resourcelist.html), read from the package's own terminology.
  const r4Types = (): Set<string> => {
    const file = join(ROOT, 'node_modules', '@medplum', 'definitions', 'dist', 'fhir', 'r4', 'valuesets.json');
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { entry: { resource: { resourceType: string; url: string; concept?: { code: string }[] } }[] };
    const system = bundle.entry.find((e) => e.resource.resourceType === 'CodeSystem' && e.resource.url === 'http://hl7.org/fhir/resource-types');
    return new Set((system?.resource.concept ?? []).map((c) => c.code));
  };

  test('has no SubscriptionStatus (an R4B type) anywhere: no type, no query, no mutation', () => {
    expect(schema.getType('SubscriptionStatus')).toBeUndefined();
    expect(schema.getType('SubscriptionStatusConnection')).toBeUndefined();
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).filter((name) => name.startsWith('SubscriptionStatus'))).toEqual([]);
    expect(Object.keys(schema.getMutationType()?.getFields() ?? {}).filter((name) => name.startsWith('SubscriptionStatus'))).toEqual([]);
    expect(sdl).not.toContain('SubscriptionStatus');
  });

  test('every type implementing Resource is an R4 resource type, and every concrete R4 resource type is there', () => {
    const r4 = r4Types();
    const implementing = Object.values(schema.getTypeMap()).filter((type) => isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Resource')).map((type) => type.name);
    expect(implementing.filter((name) => !r4.has(name))).toEqual([]);
    const abstract = new Set(['Resource', 'DomainResource']);
    expect([...r4].filter((name) => !abstract.has(name) && !implementing.includes(name))).toEqual([]);
  });
});
