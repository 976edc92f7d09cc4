// The fixed data set of the authorization fuzzer (issue 16, "Hostile input"): two tenants holding
// the same ids with different content (a tenant leak cannot hide behind an id), three Patients
// (one linked to another), their compartment resources (Observations, Encounters, Conditions;
// one Observation in two compartments through `performer`, one Condition in a second compartment
// through `asserter`), resources in no compartment (Organization, Practitioner, an Observation
// without subject, a websocket Subscription), financial resources (Claim, Coverage, Account), and
// history: an Observation whose subject moves between Patients over three versions, deletions.
// Every resource carries a tag naming its tenant, so every resource in a response says where it
// came from. The model (`DataModel`) records every version the server acknowledged.
export type Json = Record<string, unknown>;

export const TENANTS = ['t1', 't2'] as const;
/** A tenant with no data: tokens for it are the "wrong tenant" callers. */
export const OTHER_TENANT = 't3';
export const PATIENTS = ['p1', 'p2', 'p3'] as const;
export const TENANT_TAG = 'urn:fuzz:tenant';

const ref = (reference: string): Json => ({ reference });
const code = (text: string): Json => ({ coding: [{ system: 'http://example.org/fuzz', code: text }], text });

function observation(id: string, subject: string | undefined, extra: Json = {}): Json {
  return { resourceType: 'Observation', id, status: 'final', code: code('heart-rate'), ...(subject ? { subject: ref(subject) } : {}), ...extra };
}

function claim(id: string, patient: string): Json {
  return {
    resourceType: 'Claim', id, status: 'active', use: 'claim', created: '2024-01-01',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
    patient: ref(`Patient/${patient}`), provider: ref('Organization/org1'), priority: { coding: [{ code: 'normal' }] },
    insurance: [{ sequence: 1, focal: true, coverage: ref('Coverage/cov-p2') }],
  };
}

/** The resources each tenant starts with (ids equal across tenants; content tagged per tenant). */
export function initialResources(): Json[] {
  return [
    { resourceType: 'Organization', id: 'org1', name: 'Fuzz Clinic' },
    { resourceType: 'Practitioner', id: 'dr1', name: [{ family: 'Doctor' }] },
    { resourceType: 'Patient', id: 'p1', name: [{ family: 'Alpha' }], gender: 'female', managingOrganization: ref('Organization/org1'), generalPractitioner: [ref('Practitioner/dr1')] },
    { resourceType: 'Patient', id: 'p2', name: [{ family: 'Beta' }], gender: 'male', managingOrganization: ref('Organization/org1') },
    // Patient.link places p3 in p1's compartment too (compartmentdefinition-patient: Patient "link").
    { resourceType: 'Patient', id: 'p3', name: [{ family: 'Gamma' }], gender: 'other', link: [{ other: ref('Patient/p1'), type: 'seealso' }] },
    { resourceType: 'Encounter', id: 'enc-p1', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: ref('Patient/p1') },
    { resourceType: 'Encounter', id: 'enc-p2', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: ref('Patient/p2') },
    observation('obs-p1', 'Patient/p1', { performer: [ref('Practitioner/dr1')], encounter: ref('Encounter/enc-p1') }),
    observation('obs-p1-b', 'Patient/p1'),
    // In p2's compartment by subject and in p3's by performer.
    observation('obs-p2', 'Patient/p2', { performer: [ref('Patient/p3')], encounter: ref('Encounter/enc-p2') }),
    observation('obs-p3', 'Patient/p3'),
    observation('obs-none', undefined, { performer: [ref('Practitioner/dr1')] }),
    observation('obs-moving', 'Patient/p1'),
    observation('obs-gone', 'Patient/p2'),
    { resourceType: 'Condition', id: 'cond-p1', subject: ref('Patient/p1'), asserter: ref('Practitioner/dr1'), code: code('asthma') },
    // In p2's compartment by subject and in p1's by asserter.
    { resourceType: 'Condition', id: 'cond-p2', subject: ref('Patient/p2'), asserter: ref('Patient/p1'), code: code('flu') },
    claim('claim-p1', 'p1'),
    claim('claim-gone', 'p3'),
    { resourceType: 'Coverage', id: 'cov-p2', status: 'active', beneficiary: ref('Patient/p2'), payor: [ref('Organization/org1')] },
    { resourceType: 'Account', id: 'acct-p1', status: 'active', subject: [ref('Patient/p1')] },
    { resourceType: 'Subscription', id: 'sub-ws', status: 'requested', reason: 'fuzz', criteria: 'Observation', channel: { type: 'websocket' } },
  ];
}

/** The changes made after loading, to leave history behind: [method, resource or type/id]. */
export function initialChanges(): ({ method: 'PUT'; resource: Json } | { method: 'DELETE'; type: string; id: string })[] {
  return [
    { method: 'PUT', resource: observation('obs-moving', 'Patient/p2', { valueString: 'v2 moved to p2' }) },
    { method: 'PUT', resource: observation('obs-moving', 'Patient/p1', { valueString: 'v3 back to p1' }) },
    { method: 'PUT', resource: { resourceType: 'Patient', id: 'p2', name: [{ family: 'Beta', given: ['Second'] }], gender: 'male', managingOrganization: ref('Organization/org1') } },
    { method: 'DELETE', type: 'Observation', id: 'obs-gone' },
    { method: 'DELETE', type: 'Claim', id: 'claim-gone' },
  ];
}

export function tagged(resource: Json, tenant: string): Json {
  return { ...resource, meta: { tag: [{ system: TENANT_TAG, code: tenant }] } };
}

export interface StoredVersion {
  readonly versionId: string;
  /** undefined: the version is a deletion. */
  readonly content: Json | undefined;
}

/** One acknowledged change, in the order the server acknowledged them. */
export interface LoggedChange extends StoredVersion {
  readonly tenant: string;
  readonly type: string;
  readonly id: string;
}

/** Every acknowledged version, per tenant, type and id. */
export class DataModel {
  private readonly versions = new Map<string, StoredVersion[]>();
  readonly log: LoggedChange[] = [];

  private static key(tenant: string, type: string, id: string): string {
    return `${tenant}|${type}|${id}`;
  }

  record(tenant: string, type: string, id: string, versionId: string, content: Json | undefined): void {
    const key = DataModel.key(tenant, type, id);
    const list = this.versions.get(key) ?? [];
    list.push({ versionId, content });
    this.versions.set(key, list);
    this.log.push({ tenant, type, id, versionId, content });
  }

  version(tenant: string, type: string, id: string, versionId: string | undefined): StoredVersion | undefined {
    const list = this.versions.get(DataModel.key(tenant, type, id));
    return versionId === undefined ? list?.at(-1) : list?.find((v) => v.versionId === versionId);
  }

  history(tenant: string, type: string, id: string): readonly StoredVersion[] {
    return this.versions.get(DataModel.key(tenant, type, id)) ?? [];
  }

  /** The current (latest, not deleted) resources of a tenant, optionally of one type. */
  current(tenant: string, type?: string): Json[] {
    const out: Json[] = [];
    for (const [key, list] of this.versions) {
      const [t, ty] = key.split('|');
      if (t !== tenant || (type !== undefined && ty !== type)) continue;
      const last = list.at(-1)?.content;
      if (last !== undefined) out.push(last);
    }
    return out;
  }

  /** Every id (deleted or not) known for a type in a tenant. */
  ids(tenant: string, type: string): string[] {
    return [...this.versions.keys()].filter((k) => k.startsWith(`${tenant}|${type}|`)).map((k) => k.split('|')[2] ?? '');
  }
}
