// The authorization fuzzer's checks (issue 16): every resource in an answer (REST bodies, Bundle
// entries and includes, history tombstones, GraphQL objects at any depth, subscription events)
// must be one the caller may read in the URL's tenant (a leak otherwise), and what the oracle
// says the caller may read must not be refused (an over-refusal, counted apart).
import { DataModel, TENANT_TAG, type Json } from './authz-fuzz-data';
import { access, compartmentsOf, gate, mayRead, type Caller, type ReadInteraction } from './authz-oracle';
import type { Probe, SimpleParam } from './authz-fuzz-inputs';

export interface Findings {
  readonly leaks: string[];
  readonly overRefusals: string[];
  /** A refusal with another status than the oracle's (e.g. 404 where 403 was expected): no leak. */
  readonly otherStatus: string[];
  /** Resources and deletions checked in answers. */
  checked: number;
}

/** A resource, or a deletion, as it appears in an answer. */
interface Occurrence {
  readonly type: string;
  readonly id: string;
  readonly versionId?: string;
  readonly tenantTag?: string;
  readonly tombstone: boolean;
}

function occurrenceOf(resource: Json): Occurrence {
  const meta = (resource['meta'] ?? {}) as { versionId?: unknown; tag?: { system?: unknown; code?: unknown }[] };
  const tag = meta.tag?.find((t) => t.system === TENANT_TAG)?.code;
  return {
    type: String(resource['resourceType']),
    id: String(resource['id']),
    ...(typeof meta.versionId === 'string' ? { versionId: meta.versionId } : {}),
    ...(typeof tag === 'string' ? { tenantTag: tag } : {}),
    tombstone: false,
  };
}

const NOT_DATA = new Set(['Bundle', 'OperationOutcome', 'Parameters', 'CapabilityStatement']);

/** Every resource and tombstone in a FHIR JSON answer, Bundles (and Bundles in Bundles) opened. */
export function restOccurrences(body: unknown, out: Occurrence[] = []): Occurrence[] {
  if (typeof body !== 'object' || body === null) return out;
  const json = body as Json;
  const type = json['resourceType'];
  if (type === 'Bundle') {
    for (const entry of (json['entry'] ?? []) as Json[]) {
      if (entry['resource'] !== undefined) {
        restOccurrences(entry['resource'], out);
        continue;
      }
      const request = entry['request'] as { method?: string; url?: string } | undefined;
      const etag = (entry['response'] as { etag?: string } | undefined)?.etag;
      const [t, id] = (request?.url ?? String(entry['fullUrl'] ?? '')).split('/').slice(-2);
      if (request?.method === 'DELETE' && t !== undefined && id !== undefined) {
        out.push({ type: t, id, tombstone: true, ...(etag ? { versionId: etag.replace(/^W\/"|"$/g, '') } : {}) });
      }
    }
  } else if (typeof type === 'string' && !NOT_DATA.has(type)) {
    out.push(occurrenceOf(json));
  }
  return out;
}

/** Every object with a resourceType in GraphQL data, at any depth. */
export function graphqlOccurrences(data: unknown, out: Occurrence[] = []): Occurrence[] {
  if (Array.isArray(data)) {
    for (const item of data) graphqlOccurrences(item, out);
  } else if (typeof data === 'object' && data !== null) {
    const json = data as Json;
    if (typeof json['resourceType'] === 'string' && typeof json['id'] === 'string') out.push(occurrenceOf(json));
    for (const value of Object.values(json)) graphqlOccurrences(value, out);
  }
  return out;
}

/** Types whose versions the server also writes (Subscription status), so a version may be unknown here. */
const SERVER_WRITTEN = new Set(['Subscription']);

export class Checker {
  constructor(
    private readonly model: DataModel,
    private readonly caller: Caller,
    private readonly tenant: string,
    private readonly findings: Findings,
    private readonly label: string,
  ) {}

  leak(detail: string): void {
    this.findings.leaks.push(`${this.label}: ${detail}`);
  }

  overRefusal(detail: string): void {
    this.findings.overRefusals.push(`${this.label}: ${detail}`);
  }

  /** The content the occurrence stands for, or a reason it is unknown in this tenant. */
  private contentOf(o: Occurrence): { content: Json | undefined } | string {
    if (o.tenantTag !== undefined && o.tenantTag !== this.tenant) return `${o.type}/${o.id} of tenant ${o.tenantTag} answered in tenant ${this.tenant}`;
    let version = this.model.version(this.tenant, o.type, o.id, o.versionId);
    if (version === undefined && SERVER_WRITTEN.has(o.type)) version = this.model.version(this.tenant, o.type, o.id, undefined);
    if (version === undefined) return `${o.type}/${o.id} version ${o.versionId ?? '?'} is not in tenant ${this.tenant}`;
    if (o.tombstone !== (version.content === undefined)) return `${o.type}/${o.id} version ${version.versionId} answered as ${o.tombstone ? 'a deletion' : 'content'}`;
    return { content: version.content };
  }

  /** Checks every occurrence; returns those that passed, as `Type/id`. */
  occurrences(list: readonly Occurrence[]): void {
    for (const o of list) {
      this.findings.checked += 1;
      const known = this.contentOf(o);
      if (typeof known === 'string') this.leak(known);
      else if (!mayRead(this.caller, this.tenant, o.type, known.content)) this.leak(`may not see ${o.tombstone ? 'the deletion of ' : ''}${o.type}/${o.id}/_history/${o.versionId ?? '?'}`);
    }
  }

  /** read and vread: the status the oracle expects, and no refusal of what may be read. */
  read(type: string, id: string, versionId: string | undefined, status: number): void {
    const interaction: ReadInteraction = versionId === undefined ? 'read' : 'vread';
    const gated = gate(this.caller, this.tenant, interaction, type);
    const version = this.model.version(this.tenant, type, id, versionId);
    if (gated !== undefined) {
      if (status !== gated && status !== 200) this.findings.otherStatus.push(`${this.label}: ${interaction} answered ${status}, expected ${gated}`);
      if (status === 200) this.leak(`${interaction} answered 200, expected ${gated}`);
      return;
    }
    const readable = version?.content !== undefined && mayRead(this.caller, this.tenant, type, version.content);
    if (readable && status !== 200 && !(SERVER_WRITTEN.has(type) && versionId !== undefined)) this.overRefusal(`${interaction} ${type}/${id} answered ${status}, expected 200`);
    if (!readable && status === 200 && version?.content !== undefined) this.leak(`${interaction} ${type}/${id} answered 200`);
  }

  /** history-instance: every version the caller may see is there. */
  historyInstance(type: string, id: string, body: Json): void {
    if (gate(this.caller, this.tenant, 'history-instance', type) !== undefined) return;
    const shown = new Set(restOccurrences(body).map((o) => o.versionId));
    for (const version of this.model.history(this.tenant, type, id)) {
      if (mayRead(this.caller, this.tenant, type, version.content) && !shown.has(version.versionId) && !SERVER_WRITTEN.has(type)) {
        this.overRefusal(`history of ${type}/${id} lacks version ${version.versionId}`);
      }
    }
  }

  /** history-type and -system: a total may count only versions the caller may see. */
  historyTotal(types: readonly string[], body: Json): void {
    const total = body['total'];
    if (typeof total !== 'number') return;
    let visible = 0;
    for (const type of types) {
      for (const id of this.model.ids(this.tenant, type)) {
        visible += this.model.history(this.tenant, type, id).filter((v) => mayRead(this.caller, this.tenant, type, v.content)).length;
      }
    }
    if (total > visible && !types.some((t) => SERVER_WRITTEN.has(t))) this.leak(`history total ${total} counts versions the caller may not see (${visible} visible)`);
  }

  /**
   * The current resources a search of `type` may match for this caller (simple parameter and
   * compartment applied), or undefined when the caller may not search it or the server searches
   * only the first of two compartments (fewer results by design).
   */
  private searchable(type: string, simple: SimpleParam | undefined, members: string | undefined): Json[] | undefined {
    if (gate(this.caller, this.tenant, 'search-type', type) !== undefined) return undefined;
    const searchAccess = access(this.caller, this.tenant, 'search-type', type);
    if (!searchAccess.unrestricted && searchAccess.patients.size > 1) return undefined;
    return this.model.current(this.tenant, type).filter((content) =>
      (simple === undefined || matches(content, simple)) &&
      (members === undefined || (compartmentsOf(content).has(members) && !(type === 'Patient' && content['id'] === members))) &&
      (searchAccess.unrestricted || [...compartmentsOf(content)].some((p) => searchAccess.patients.has(p))));
  }

  /** A total (REST Bundle.total, GraphQL Connection count) may count only what the caller may search. */
  searchTotal(type: string, simple: SimpleParam | undefined, total: unknown, members?: string): void {
    const searchable = this.searchable(type, simple, members);
    if (searchable !== undefined && typeof total === 'number' && total > searchable.length) {
      this.leak(`total ${total} of ${type} counts resources the caller may not search (${searchable.length})`);
    }
  }

  /**
   * A search whose matches the data set decides (no chain, no _summary/_elements, one page): every
   * readable match is there, and the total counts only what the caller may search.
   */
  searchComplete(type: string, simple: SimpleParam | undefined, body: Json, members?: string): void {
    const searchable = this.searchable(type, simple, members) ?? [];
    const shown = new Set(((body['entry'] ?? []) as Json[]).filter((e) => (e['search'] as Json | undefined)?.['mode'] !== 'include').map((e) => String((e['resource'] as Json | undefined)?.['id'])));
    for (const content of searchable) {
      if (mayRead(this.caller, this.tenant, type, content) && !shown.has(String(content['id']))) this.overRefusal(`search ${type} lacks ${type}/${String(content['id'])}`);
    }
    this.searchTotal(type, simple, body['total'], members);
  }
}

const PATIENT_PATH: Readonly<Record<string, string>> = { Observation: 'subject', Condition: 'subject', Encounter: 'subject', Claim: 'patient', Coverage: 'beneficiary', Account: 'subject' };

function matches(content: Json, param: SimpleParam): boolean {
  if (param.name === '_id') return content['id'] === param.value;
  const path = PATIENT_PATH[String(content['resourceType'])];
  const value = path === undefined ? undefined : content[path];
  const refs = (Array.isArray(value) ? value : [value]).map((v) => (v as { reference?: unknown } | undefined)?.reference);
  const wanted = param.name === 'patient' ? `Patient/${param.value}` : param.value;
  return refs.includes(wanted);
}

/** Whether the checker can decide the probe's full answer (completeness, not only leaks). */
export function decidable(probe: Probe): boolean {
  if (probe.kind !== 'search') return false;
  const names = probe.extra.map(([name]) => name);
  const counts = probe.extra.filter(([name]) => name === '_count').map(([, value]) => value);
  return counts.length > 0 && counts.every((value) => value === '1000') &&
    names.every((name) => ['_count', '_include', '_revinclude', '_include:iterate', '_revinclude:iterate', '_sort', '_total', '_lastUpdated'].includes(name));
}
