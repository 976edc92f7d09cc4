// The authorization fuzzer's oracle (issue 16): what a caller may see, written from the access
// model as the README, DESIGN.md ("Auth") and config/access-policy.json describe it, and from the
// SMART App Launch scope grammar, without calling the server's policy code (core/authz), so that
// a mistake there cannot hide behind the same mistake here.
//
// - 401 without a valid token; with multi-tenancy the token's tenant must be the URL's (403).
// - Cognito groups: practitioner = every interaction on every type; non-practitioner = read,
//   vread, search and history of financial resources; auditor = read, vread and search of Patient
//   and AuditEvent. No group, nothing.
// - SMART: system/ scopes are unlimited; patient/ scopes need a launch patient and reach only
//   that Patient's compartment (types outside it: nothing); user/ scopes need fhirUser, and a
//   Patient fhirUser reaches only their own compartment. v2 letters: r = read, vread, instance
//   history; s = search, type history; v1 `read` = rs.
// - A deletion has no content: only a caller who reads every resource of the type may learn of it.
import type { Json } from './authz-fuzz-data';

export type Mode = 'groups' | 'smart';
export type TokenKind = 'valid' | 'expired' | 'garbage' | 'tampered' | 'none';
export type ReadInteraction = 'read' | 'vread' | 'history-instance' | 'history-type' | 'search-type';

export interface Caller {
  readonly mode: Mode;
  readonly token: TokenKind;
  /** The token's tenant claim (absent: a token without tenant). */
  readonly tenant?: string;
  readonly groups: readonly string[];
  readonly scopes: readonly string[];
  readonly patient?: string;
  readonly fhirUser?: string;
}

/** Financial resource types of the data set (R4 resource list, category "Financial"). */
const FINANCIAL = new Set(['Account', 'Claim', 'Coverage', 'ExplanationOfBenefit', 'Invoice']);

/**
 * Where each type of the data set holds its Patient compartment references
 * (https://hl7.org/fhir/R4/compartmentdefinition-patient.html); types not listed are in no
 * Patient compartment (Organization, Practitioner, Subscription).
 */
const COMPARTMENT_PATHS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  Patient: [['link', 'other']],
  Observation: [['subject'], ['performer']],
  Encounter: [['subject']],
  Condition: [['subject'], ['asserter']],
  Claim: [['patient'], ['payee', 'party']],
  Coverage: [['policyHolder'], ['subscriber'], ['beneficiary'], ['payor']],
  Account: [['subject']],
};

export function isCompartmentType(type: string): boolean {
  return COMPARTMENT_PATHS[type] !== undefined;
}

function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(value)) return value.flatMap((v) => valuesAt(v, path));
  if (path.length === 0) return [value];
  if (typeof value !== 'object' || value === null) return [];
  const [head, ...rest] = path;
  return valuesAt((value as Json)[head ?? ''], rest);
}

/** The Patients whose compartment holds this content. */
export function compartmentsOf(content: Json): Set<string> {
  const out = new Set<string>();
  const type = String(content['resourceType']);
  if (type === 'Patient') out.add(String(content['id']));
  for (const path of COMPARTMENT_PATHS[type] ?? []) {
    for (const value of valuesAt(content, path)) {
      const reference = (value as { reference?: unknown } | undefined)?.reference;
      const match = typeof reference === 'string' ? /^Patient\/([^/]+)$/.exec(reference) : null;
      if (match?.[1] !== undefined) out.add(match[1]);
    }
  }
  return out;
}

const LETTERS: Readonly<Record<string, readonly ReadInteraction[]>> = {
  r: ['read', 'vread', 'history-instance'],
  s: ['search-type', 'history-type'],
};

interface Grant {
  readonly types: '*' | ReadonlySet<string>;
  readonly interactions: ReadonlySet<ReadInteraction>;
  /** Only this Patient's compartment. */
  readonly patient?: string;
}

const ALL_READS: ReadonlySet<ReadInteraction> = new Set(['read', 'vread', 'history-instance', 'history-type', 'search-type']);

function groupGrants(groups: readonly string[]): Grant[] {
  return groups.flatMap((group): Grant[] => {
    if (group === 'practitioner') return [{ types: '*', interactions: ALL_READS }];
    if (group === 'non-practitioner') return [{ types: FINANCIAL, interactions: ALL_READS }];
    if (group === 'auditor') return [{ types: new Set(['Patient', 'AuditEvent']), interactions: new Set<ReadInteraction>(['read', 'vread', 'search-type']) }];
    return [];
  });
}

function scopeGrant(caller: Caller, scope: string): Grant | undefined {
  const match = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]+)\.(read|write|\*|c?r?u?d?s?)$/.exec(scope);
  if (match === null || match[3] === '') return undefined;
  const [, level, type, suffix] = match as unknown as [string, string, string, string];
  const letters = suffix === 'read' ? 'rs' : suffix === 'write' ? 'cud' : suffix === '*' ? 'cruds' : suffix;
  const interactions = new Set<ReadInteraction>([...letters].flatMap((l) => LETTERS[l] ?? []));
  const types = type === '*' ? '*' : new Set([type]);
  if (level === 'system') return { types, interactions };
  if (level === 'patient') return caller.patient === undefined ? undefined : { types, interactions, patient: caller.patient };
  if (caller.fhirUser === undefined) return undefined;
  const patient = /^Patient\/(.+)$/.exec(caller.fhirUser)?.[1];
  return patient === undefined ? { types, interactions } : { types, interactions, patient };
}

function grantsOf(caller: Caller): Grant[] {
  if (caller.mode === 'groups') return groupGrants(caller.groups);
  return caller.scopes.flatMap((scope) => scopeGrant(caller, scope) ?? []);
}

export interface Access {
  readonly unrestricted: boolean;
  readonly patients: ReadonlySet<string>;
}

/** What the caller may do with `interaction` on `type` in `urlTenant` (before looking at content). */
export function access(caller: Caller, urlTenant: string, interaction: ReadInteraction, type: string): Access {
  const patients = new Set<string>();
  if (caller.token !== 'valid' || caller.tenant !== urlTenant) return { unrestricted: false, patients };
  let unrestricted = false;
  for (const grant of grantsOf(caller)) {
    if (!grant.interactions.has(interaction) || (grant.types !== '*' && !grant.types.has(type))) continue;
    if (grant.patient === undefined) unrestricted = true;
    else if (isCompartmentType(type)) patients.add(grant.patient);
  }
  return { unrestricted, patients };
}

export function allowed(a: Access): boolean {
  return a.unrestricted || a.patients.size > 0;
}

/**
 * Whether the caller may see this version of a resource in a response of any kind (read, search
 * match or include, history entry, GraphQL object, subscription event): `content` undefined is a
 * deletion.
 */
export function mayRead(caller: Caller, urlTenant: string, type: string, content: Json | undefined): boolean {
  const a = access(caller, urlTenant, 'read', type);
  if (a.unrestricted) return true;
  if (content === undefined) return false;
  const holders = compartmentsOf(content);
  return [...a.patients].some((p) => holders.has(p));
}

/** The status a read-like interaction must get before content is looked at: 401, 403 or undefined (go on). */
export function gate(caller: Caller, urlTenant: string, interaction: ReadInteraction, type: string): 401 | 403 | undefined {
  if (caller.token !== 'valid') return 401;
  return allowed(access(caller, urlTenant, interaction, type)) ? undefined : 403;
}

/** The types a system-level search or history may return to the caller. */
export function typesWith(caller: Caller, urlTenant: string, interaction: ReadInteraction, types: readonly string[]): string[] {
  return types.filter((type) => allowed(access(caller, urlTenant, interaction, type)));
}
