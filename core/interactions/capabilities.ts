import type { CoreDeps } from '../core-deps';
import type { Resource } from '../fhir-types';
import type { RequestContext } from '../request';
import type { InteractionResult } from './result';

const TYPE_INTERACTIONS = ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type'];

/**
 * https://hl7.org/fhir/R4/http.html#capabilities: generated from what this server really
 * supports (types from the R4 model, search parameters from the search engine).
 */
export function capabilities(deps: CoreDeps, ctx: RequestContext, software: { name: string; version: string }, releaseDate: string): InteractionResult {
  const channels = deps.config.subscriptionChannels ?? [];
  // No access check: the CapabilityStatement is public, in every tenant (http.html#capabilities).
  const resource: Resource = {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: releaseDate,
    kind: 'instance',
    software: { name: software.name, version: software.version },
    implementation: { description: 'FHIR R4 server (REST and GraphQL)', url: ctx.baseUrl },
    fhirVersion: '4.0.1',
    ...(deps.registry.implementationGuides.length > 0 ? { implementationGuide: [...deps.registry.implementationGuides] } : {}),
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        ...(deps.config.limitations && deps.config.limitations.length > 0
          ? { documentation: `Limitations of this deployment: ${deps.config.limitations.join(' ')}` }
          : {}),
        ...(deps.config.websocketUrl !== undefined && channels.includes('websocket')
          ? { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/capabilitystatement-websocket', valueUri: deps.config.websocketUrl }] }
          : {}),
        resource: deps.resourceTypes.map((type) => ({
          type,
          ...(type === 'Subscription' && channels.length > 0
            ? { documentation: `Channel types: ${channels.join(', ')}. Payload: empty or application/fhir+json. The server sets status (requested, active, error, off).` }
            : {}),
          interaction: TYPE_INTERACTIONS.map((code) => ({ code })),
          versioning: 'versioned-update',
          readHistory: true,
          updateCreate: deps.config.updateCreate,
          conditionalCreate: true,
          conditionalRead: 'full-support',
          conditionalUpdate: true,
          conditionalDelete: 'single',
          ...(deps.registry.profilesOf(type).length > 0 ? { supportedProfile: [...deps.registry.profilesOf(type)] } : {}),
          searchParam: deps.search.supportedParameters(type).map((p) => ({
            name: p.name,
            type: p.type,
            ...(p.definition !== undefined ? { definition: p.definition } : {}),
          })),
        })),
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'search-system' }, { code: 'history-system' }],
        operation: [
          { name: 'graphql', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-graphql' },
          { name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate' },
          { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
        ],
      },
    ],
  };
  return { status: 200, resource };
}
