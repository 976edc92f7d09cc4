// Attaches the resolvers to the generated type system. One executable schema serves the local
// HTTP endpoint and the AppSync Lambda (which re-executes root-field sub-selections with it).
import {
  GraphQLScalarType,
  isInterfaceType,
  isObjectType,
  valueFromASTUntyped,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { FhirError } from '../core/errors/fhir-error';
import { isJsonObject, isResource, type Resource } from '../core/fhir-types';
import type { ReferenceResourceArgs } from './generated/graphql';
import type { GraphqlContext } from './graphql-context';
import { indexContainers, resolveContained } from './contained-references';
import { toGraphqlError } from './errors';
import { parseReference } from './reference-loader';
import { audited } from './graphql-audit';
import { connectionField, createField, deleteField, listField, readField, reverseListField, updateField } from './root-resolvers';
import { buildServedSchema } from './schema/load';
import { changeEvents, type ChangeFilter } from './subscriptions/change-events';

type Resolver = (source: unknown, args: Readonly<Record<string, unknown>>, context: GraphqlContext, info: GraphQLResolveInfo) => unknown;

/** Every resolver reports errors the core's way (OperationOutcome in extensions). */
function guarded(resolver: Resolver): GraphQLFieldResolver<unknown, GraphqlContext> {
  return async (source, args: Readonly<Record<string, unknown>>, context, info) => {
    try {
      const result = await resolver(source, args, context, info);
      indexContainers(result, context.containers);
      return result;
    } catch (error) {
      throw toGraphqlError(error, context.ctx.correlationId, (message, fields) => context.deps.log.error(message, fields));
    }
  };
}

function parseJsonInput(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new FhirError('INVALID_JSON', `The AWSJSON argument is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { expression: ['res'] });
  }
}

/**
 * AWSJSON as AppSync defines it: a JSON document sent as a string. Locally an object literal
 * is accepted as well (Medplum-style `res: { resourceType: "Patient" }`).
 */
function configureAwsJson(schema: GraphQLSchema): void {
  const scalar = schema.getType('AWSJSON');
  if (!(scalar instanceof GraphQLScalarType)) return;
  scalar.serialize = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  scalar.parseValue = parseJsonInput;
  scalar.parseLiteral = (ast, variables) => parseJsonInput(valueFromASTUntyped(ast, variables));
}

/** `Reference.resource(optional:, type:)`: https://hl7.org/fhir/R4/graphql.html#references */
const resolveReference: Resolver = async (source, rawArgs, context, info) => {
  // graphql-js has coerced the arguments to the schema's types.
  const args = rawArgs as ReferenceResourceArgs;
  const optional = args.optional === true;
  const wantedType = args.type ?? undefined;
  const reference = isJsonObject(source) && typeof source['reference'] === 'string' ? source['reference'] : undefined;
  const unresolvable = (why: string): undefined => {
    if (optional) return undefined;
    throw new FhirError('NOT_FOUND', `Reference ${reference ?? '(none)'} cannot be resolved: ${why}`, { expression: [info.path.key.toString()] });
  };
  if (reference === undefined) return unresolvable('it has no literal reference');
  if (reference.startsWith('#')) {
    const contained = isJsonObject(source) ? resolveContained(reference, source, context.containers) : undefined;
    if (contained === undefined) return unresolvable('no contained resource has that id');
    return wantedType === undefined || contained.resourceType === wantedType ? contained : undefined;
  }
  const parsed = parseReference(reference, context.ctx.baseUrl);
  if (parsed === undefined) return unresolvable('only local references (Type/id or this server\'s URL) are resolvable');
  if (wantedType !== undefined && parsed.resourceType !== wantedType) return undefined;
  // A type outside a subset schema cannot be returned; the interface has no such member.
  if (!isObjectType(info.schema.getType(parsed.resourceType))) return unresolvable(`${parsed.resourceType} is not in this schema`);
  try {
    context.deps.access.assertAllowed(context.ctx, 'read', parsed.resourceType);
  } catch {
    return unresolvable('not found or not allowed');
  }
  const resource = parsed.versionId === undefined ? await context.references.load(parsed) : await readVersion(context, parsed.resourceType, parsed.id, parsed.versionId);
  // Not found, deleted and forbidden give the same answer: references never leak what the caller may not read.
  return resource ?? unresolvable('not found or not allowed');
};

async function readVersion(context: GraphqlContext, resourceType: string, id: string, versionId: string): Promise<Resource | undefined> {
  const version = await context.deps.store.vread(context.ctx.tenant, resourceType, id, versionId);
  const resource = version?.resource;
  return resource !== undefined && context.deps.access.canRead(context.ctx, resource) ? resource : undefined;
}

const ROOT_QUERY: Readonly<Record<string, (type: string) => Resolver>> = {
  '': (type) => (_source, args, context) => readField(type, args, context),
  List: (type) => (_source, args, context) => listField(type, args, context),
  Connection: (type) => (_source, args, context) => connectionField(type, args, context),
};

const ROOT_MUTATION: Readonly<Record<string, (type: string) => Resolver>> = {
  Create: (type) => (_source, args, context) => createField(type, args, context),
  Update: (type) => (_source, args, context) => updateField(type, args, context),
  Delete: (type) => (_source, args, context) => deleteField(type, args, context),
};

function attachRoot(fields: Record<string, GraphQLField<unknown, GraphqlContext>>, resourceTypes: readonly string[], table: Readonly<Record<string, (type: string) => Resolver>>): void {
  for (const type of resourceTypes) {
    for (const [suffix, make] of Object.entries(table)) {
      const field = fields[type + suffix];
      if (field !== undefined) field.resolve = guarded(audited(type, suffix, make(type)));
    }
  }
}

/** Builds the executable schema from SDL (full or subset). */
export function createExecutableSchema(sdl: string): GraphQLSchema {
  const schema = buildServedSchema(sdl);
  configureAwsJson(schema);
  const resourceTypes = Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .filter((type) => type.getInterfaces().some((iface) => iface.name === 'Resource'))
    .map((type) => type.name);

  const query = schema.getQueryType();
  if (query) attachRoot(query.getFields(), resourceTypes, ROOT_QUERY);
  const mutation = schema.getMutationType();
  if (mutation) {
    attachRoot(mutation.getFields(), resourceTypes, ROOT_MUTATION);
    const publish = mutation.getFields()['publishResourceChange'];
    // On AppSync a NONE data source answers this IAM-only field; locally changes come from the
    // in-process ChangeFeed, so no caller may publish.
    if (publish) publish.resolve = guarded(() => Promise.reject(new FhirError('FORBIDDEN', 'publishResourceChange is reserved for the change-feed publisher')));
  }
  for (const type of resourceTypes) {
    const reverse = schema.getType(type);
    const field = isObjectType(reverse) ? reverse.getFields()['ResourceList'] : undefined;
    if (field) {
      field.resolve = guarded((source, args, context, info) => {
        // The results are returned as the Resource interface: their type must be in this (possibly subset) schema.
        const target = args['_type'];
        if (typeof target !== 'string' || !isObjectType(info.schema.getType(target)) || !resourceTypes.includes(target)) {
          throw new FhirError('UNKNOWN_RESOURCE_TYPE', `'${String(target)}' is not a resource type of this GraphQL schema`, { expression: ['_type'] });
        }
        return isResource(source) ? reverseListField(source, args, context) : [];
      });
    }
  }
  const reference = schema.getType('Reference');
  const resourceField = isObjectType(reference) ? reference.getFields()['resource'] : undefined;
  if (resourceField) resourceField.resolve = guarded(resolveReference);
  const onChange = schema.getSubscriptionType()?.getFields()['onResourceChange'];
  if (onChange) {
    onChange.subscribe = (_source, args: Readonly<Record<string, unknown>>, context: GraphqlContext) => {
      try {
        return changeEvents(context.deps, context.ctx, args as ChangeFilter);
      } catch (error) {
        throw toGraphqlError(error, context.ctx.correlationId, (message, fields) => context.deps.log.error(message, fields));
      }
    };
    onChange.resolve = (payload: unknown) => payload;
  }
  const resourceInterface = schema.getType('Resource');
  if (isInterfaceType(resourceInterface)) {
    resourceInterface.resolveType = (value: unknown) => (isResource(value) && isObjectType(schema.getType(value.resourceType)) ? value.resourceType : undefined);
  }
  return schema;
}
