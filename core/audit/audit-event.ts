// Audit records as FHIR AuditEvent resources in the shape of IHE Basic Audit Log Patterns (BALP,
// https://profiles.ihe.net/ITI/BALP/): type rest, subtype the restful interaction, the user agent
// as requestor with its network address, the server as observer, the resource (and for a search
// its query) as entities; so `AuditEvent?entity=Patient/123` answers "who read Patient 123".
import type { JsonObject, Resource } from '../fhir-types';
import type { AuditRecord } from '../ports/audit-sink';

const ACTIONS: Readonly<Record<string, string>> = {
  create: 'C', read: 'R', vread: 'R', 'history-instance': 'R', 'history-type': 'R', 'history-system': 'R',
  'search-type': 'E', 'search-system': 'E', 'search-compartment': 'E', update: 'U', patch: 'U', 'conditional-update': 'U',
  'conditional-patch': 'U', delete: 'D', 'conditional-delete': 'D', capabilities: 'R', subscribe: 'E',
};

/** AuditEvent.outcome (valueset-audit-event-outcome): 0 success, 4 minor failure, 8 serious failure. */
const OUTCOMES = { success: '0', failure: '4', error: '8' } as const;

export function auditEventOf(record: AuditRecord, observer: string): Resource {
  const { who, how, what, where } = record;
  const entities: JsonObject[] = [];
  if (what.resourceType !== undefined && what.id !== undefined) {
    entities.push({
      what: { reference: `${what.resourceType}/${what.id}${what.versionId !== undefined ? `/_history/${what.versionId}` : ''}` },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
    });
  }
  if (what.query !== undefined) {
    entities.push({
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' },
      ...(what.resourceType !== undefined ? { description: what.resourceType } : {}),
      query: Buffer.from(what.query, 'utf8').toString('base64'),
    });
  }
  const subtype = how.operation !== undefined
    ? { system: 'urn:fhir-gateway:operation', code: how.operation }
    : { system: 'http://hl7.org/fhir/restful-interaction', code: how.interaction };
  return {
    resourceType: 'AuditEvent',
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'Restful Operation' },
    subtype: [subtype],
    action: ACTIONS[how.interaction] ?? 'E',
    recorded: record.time,
    outcome: OUTCOMES[record.outcome],
    outcomeDesc: `HTTP ${what.status} (${how.transport}${how.method !== undefined ? ` ${how.method}` : ''}; correlation id ${record.correlationId})`,
    agent: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }] },
        who: {
          ...(who.subject !== undefined ? { identifier: { system: 'urn:fhir-gateway:subject', value: who.subject } } : {}),
          ...(who.fhirUser !== undefined ? { reference: who.fhirUser } : {}),
          ...(who.username !== undefined ? { display: who.username } : {}),
        },
        ...(who.groups !== undefined ? { role: who.groups.map((group) => ({ text: group })) } : {}),
        ...(who.scopes !== undefined ? { policy: who.scopes.map((scope) => `urn:smart-scope:${scope}`) } : {}),
        requestor: true,
        ...(where.sourceIp !== undefined ? { network: { address: where.sourceIp, type: /^[0-9a-f:]+$/i.test(where.sourceIp) || /^\d+\.\d+\.\d+\.\d+$/.test(where.sourceIp) ? '2' : '1' } } : {}),
      },
      ...(who.clientId !== undefined ? [{ type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150', display: 'Application' }] }, who: { identifier: { system: 'urn:fhir-gateway:client-id', value: who.clientId } }, requestor: false }] : []),
    ],
    source: { observer: { display: observer }, type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }] },
    ...(entities.length > 0 ? { entity: entities } : {}),
  };
}
