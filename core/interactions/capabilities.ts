import type { CoreDeps } from '../core-deps';
import type { Resource } from '../fhir-types';
import type { RequestContext } from '../request';
import { EXTERNAL_CODE_SYSTEMS } from '../terminology/terminology';
import type { InteractionResult } from './result';

/** Issue 14: what the terminology operations cover, and what they do not. */
const TERMINOLOGY_NOTE = `Terminology ($lookup, $expand, $validate-code, $subsumes, and the token modifiers) covers the R4 code systems and value sets, those of the loaded IG packages, and CodeSystem/ValueSet resources stored here. ${Object.values(EXTERNAL_CODE_SYSTEMS).join(', ')} are not bundled: requests needing them answer 501 not-supported.`;
/** Bulk Data Access IG v2.0.0 operation definitions of the type-level exports. */
const BULK_EXPORT_TYPES: Readonly<Record<string, string>> = {
  Patient: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export',
  Group: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export',
};

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
    // Bulk Data Access IG v2.0.0 (https://hl7.org/fhir/uv/bulkdata/CapabilityStatement-bulk-data.html).
    ...(deps.bulkExport ? { instantiates: ['http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'] } : {}),
    fhirVersion: '4.0.1',
    ...(deps.registry.implementationGuides.length > 0 ? { implementationGuide: [...deps.registry.implementationGuides] } : {}),
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        documentation: [
          ...(deps.config.limitations && deps.config.limitations.length > 0 ? [`Limitations of this deployment: ${deps.config.limitations.join(' ')}`] : []),
          TERMINOLOGY_NOTE,
        ].join(' '),
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
          ...(deps.bulkExport && BULK_EXPORT_TYPES[type] !== undefined ? { operation: [{ name: 'export', definition: BULK_EXPORT_TYPES[type] }] } : {}),
        })),
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'search-system' }, { code: 'history-system' }],
        operation: [
          { name: 'graphql', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-graphql' },
          { name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate' },
          { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
          { name: 'lookup', definition: 'http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup' },
          { name: 'subsumes', definition: 'http://hl7.org/fhir/OperationDefinition/CodeSystem-subsumes' },
          { name: 'expand', definition: 'http://hl7.org/fhir/OperationDefinition/ValueSet-expand' },
          { name: 'validate-code', definition: 'http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code' },
          ...(deps.bulkExport ? [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }] : []),
        ],
      },
    ],
  };
  return { status: 200, resource };
}
