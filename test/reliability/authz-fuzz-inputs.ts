// Generators of the authorization fuzzer (issue 16): random callers (Cognito groups or SMART
// scopes, launch patient, fhirUser, tenant, good or bad token) and random read requests over REST
// (read, vread, search with _include/_revinclude, chains and _has, compartment search, history at
// every level, $everything) and GraphQL (reads, lists and connections with nested references and
// reverse references), plus the writes made between them. All are fast-check arbitraries run with
// a fixed seed.
import fc from 'fast-check';
import { OTHER_TENANT, PATIENTS, TENANTS } from './authz-fuzz-data';
import type { Caller, Mode, TokenKind } from './authz-oracle';

export const TYPES = ['Patient', 'Observation', 'Encounter', 'Condition', 'Claim', 'Coverage', 'Account', 'Organization', 'Practitioner', 'Subscription'] as const;

const IDS: Readonly<Record<string, readonly string[]>> = {
  Patient: [...PATIENTS, 'p-missing'],
  Observation: ['obs-p1', 'obs-p1-b', 'obs-p2', 'obs-p3', 'obs-none', 'obs-moving', 'obs-gone'],
  Encounter: ['enc-p1', 'enc-p2'],
  Condition: ['cond-p1', 'cond-p2'],
  Claim: ['claim-p1', 'claim-gone'],
  Coverage: ['cov-p2'],
  Account: ['acct-p1'],
  Organization: ['org1'],
  Practitioner: ['dr1'],
  Subscription: ['sub-ws'],
};

export function idsOf(type: string): readonly string[] {
  return IDS[type] ?? [];
}

const token: fc.Arbitrary<TokenKind> = fc.oneof(
  { weight: 24, arbitrary: fc.constant<TokenKind>('valid') },
  { weight: 2, arbitrary: fc.constantFrom<TokenKind>('expired', 'garbage', 'tampered', 'none') },
);
const tenant: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom<string | undefined>(...TENANTS) },
  { weight: 1, arbitrary: fc.constant<string | undefined>(OTHER_TENANT) },
  { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
);
const patient = fc.constantFrom<string>(...PATIENTS, 'p-missing');

const SCOPES = [
  'patient/*.read', 'patient/*.rs', 'patient/*.read', 'patient/*.rs', 'user/*.rs', 'patient/Observation.rs', 'patient/Observation.read', 'patient/Observation.r', 'patient/Condition.s', 'patient/Patient.read',
  'patient/Encounter.cruds', 'patient/Claim.rs', 'patient/Observation.write', 'patient/Observation.rs?category=vital-signs',
  'user/Observation.read', 'user/*.read', 'user/Claim.rs', 'user/Patient.r',
  'system/*.*', 'system/Observation.rs', 'system/Patient.r', 'system/Organization.read', 'system/*.s',
  'launch/patient', 'openid', 'fhirUser', 'offline_access',
];

export function callers(mode: Mode): fc.Arbitrary<Caller> {
  const shared = { token, tenant };
  if (mode === 'groups') {
    return fc.record({
      ...shared,
      mode: fc.constant<Mode>('groups'),
      groups: fc.subarray(['practitioner', 'non-practitioner', 'auditor', 'auditor', 'non-practitioner', 'patient'], { minLength: 1, maxLength: 2 }).map((g) => [...new Set(g)]),
      scopes: fc.constant<string[]>([]),
    }, { requiredKeys: ['mode', 'token', 'groups', 'scopes'] });
  }
  return fc.record({
    ...shared,
    mode: fc.constant<Mode>('smart'),
    groups: fc.constant<string[]>([]),
    scopes: fc.subarray(SCOPES, { minLength: 1, maxLength: 3 }).map((list) => [...new Set(list)]),
    patient: fc.option(patient, { nil: undefined, freq: 5 }),
    fhirUser: fc.option(fc.constantFrom('Practitioner/dr1', 'Patient/p1', 'Patient/p2'), { nil: undefined, freq: 2 }),
  }, { requiredKeys: ['mode', 'token', 'groups', 'scopes'] });
}

/** A search parameter whose matches the checker can compute from the data set (completeness). */
export interface SimpleParam {
  readonly name: '_id' | 'patient' | 'subject';
  readonly value: string;
}

export type Probe =
  | { readonly kind: 'read'; readonly type: string; readonly id: string }
  | { readonly kind: 'vread'; readonly type: string; readonly id: string; readonly version: string }
  | { readonly kind: 'history'; readonly type?: string; readonly id?: string }
  | { readonly kind: 'search'; readonly type: string; readonly simple?: SimpleParam; readonly extra: readonly (readonly [string, string])[] }
  | { readonly kind: 'search-system'; readonly query: string }
  | { readonly kind: 'compartment'; readonly patient: string; readonly type: string }
  | { readonly kind: 'everything'; readonly patient: string }
  /** A batch of GET entries: each entry is authorized on its own (http.html#transaction). */
  | { readonly kind: 'batch'; readonly entries: readonly Probe[] }
  /** The `next` page of an administrator's search or history in `from`, replayed by the caller in its URL tenant. */
  | { readonly kind: 'foreign-page'; readonly path: string; readonly from: string }
  | { readonly kind: 'graphql'; readonly query: string; readonly read?: { readonly type: string; readonly id: string }; readonly connection?: string };

/** Compartment and financial types (partial visibility) more often than the others. */
const TYPE_WEIGHTS: Readonly<Record<string, number>> = { Patient: 4, Observation: 4, Condition: 2, Encounter: 2, Claim: 2, Coverage: 1, Account: 1, Organization: 1, Practitioner: 1, Subscription: 1 };
const type = fc.oneof(...TYPES.map((t) => ({ weight: TYPE_WEIGHTS[t] ?? 1, arbitrary: fc.constant<string>(t) })));
const typeAndId = type.chain((t) => fc.tuple(fc.constant(t), fc.constantFrom(...idsOf(t), 'missing')));

const PATIENT_PARAM_TYPES = new Set(['Observation', 'Condition', 'Encounter', 'Claim', 'Coverage', 'Account']);
const SUBJECT_PARAM_TYPES = new Set(['Observation', 'Condition', 'Encounter', 'Account']);

const INCLUDES: Readonly<Record<string, readonly string[]>> = {
  Patient: ['_include=Patient:link', '_include=Patient:organization', '_include=Patient:general-practitioner', '_revinclude=Observation:subject', '_revinclude=Condition:asserter', '_revinclude=Claim:patient', '_revinclude=Observation:performer', '_revinclude=Encounter:subject', '_revinclude=Account:subject', '_revinclude:iterate=Observation:encounter'],
  Observation: ['_include=Observation:subject', '_include=Observation:performer', '_include=Observation:encounter', '_include:iterate=Patient:link', '_revinclude=Condition:subject'],
  Condition: ['_include=Condition:subject', '_include=Condition:asserter'],
  Encounter: ['_include=Encounter:subject', '_revinclude=Observation:encounter'],
  Claim: ['_include=Claim:patient', '_include=Claim:provider', '_include=Claim:coverage'],
  Coverage: ['_include=Coverage:beneficiary', '_include=Coverage:payor', '_revinclude=Claim:coverage'],
  Account: ['_include=Account:subject'],
  Organization: ['_revinclude=Patient:organization'],
  Practitioner: ['_revinclude=Observation:performer', '_revinclude=Condition:asserter'],
  Subscription: [],
};

/** Chains, _has and other parameters whose matches the checker does not compute (leaks only). */
const CHAINS: Readonly<Record<string, readonly string[]>> = {
  Patient: ['_has:Observation:subject:code=heart-rate', '_has:Condition:asserter:code=flu', 'organization.name=Fuzz', 'general-practitioner:Practitioner.family=Doctor', 'family=Beta', 'gender=male'],
  Observation: ['subject:Patient.family=Alpha', 'subject.gender=male', 'performer:Patient.family=Gamma', 'performer:Practitioner.family=Doctor', 'encounter.status=finished', 'code=heart-rate', 'subject:Patient._has:Condition:subject:code=flu'],
  Condition: ['asserter:Patient.family=Alpha', 'patient.family=Beta', 'code=flu'],
  Encounter: ['patient.name=Beta', 'subject:Patient.gender=female', '_has:Observation:encounter:code=heart-rate'],
  Claim: ['patient.family=Gamma', 'provider.name=Fuzz', 'coverage.status=active'],
  Coverage: ['beneficiary.family=Beta', 'payor:Organization.name=Fuzz'],
  Account: ['subject:Patient.family=Alpha'],
  Organization: ['name=Fuzz', '_has:Patient:organization:family=Alpha'],
  Practitioner: ['family=Doctor'],
  Subscription: ['status=active', 'type=websocket'],
};

const MODIFIERS = ['_count=1000', '_count=1000', '_count=2', '_sort=-_lastUpdated', '_summary=count', '_total=accurate', '_elements=id', '_lastUpdated=gt2000-01-01'];

function pairs(text: string): [string, string][] {
  return [...new URLSearchParams(text)];
}

const search: fc.Arbitrary<Probe> = type.chain((t) => {
  const simple: fc.Arbitrary<SimpleParam | undefined> = fc.option(
    fc.oneof(
      fc.constantFrom(...idsOf(t), 'missing').map((value): SimpleParam => ({ name: '_id', value })),
      ...(PATIENT_PARAM_TYPES.has(t) ? [patient.map((p): SimpleParam => ({ name: 'patient', value: p }))] : []),
      ...(SUBJECT_PARAM_TYPES.has(t) ? [patient.map((p): SimpleParam => ({ name: 'subject', value: `Patient/${p}` }))] : []),
    ),
    { nil: undefined, freq: 3 },
  );
  const extras = fc.subarray([...(INCLUDES[t] ?? []), ...(CHAINS[t] ?? []), ...MODIFIERS], { maxLength: 3 }).map((list) => list.flatMap(pairs));
  return fc.record({ simple, extra: extras }).map(({ simple: s, extra }): Probe => ({ kind: 'search', type: t, ...(s ? { simple: s } : {}), extra }));
});

const FRAGMENT = 'fragment R on Resource { resourceType id meta { versionId tag { system code } } }';
const REF = (field: string, inner = ''): string => `${field} { reference resource(optional: true) { ...R ${inner} } }`;
// Aliased: two ResourceList fields with different arguments may not share a response name.
const REVERSE = (type: string, param: string): string => `${type}_${param.replace(/-/g, '_')}: ResourceList(_type: "${type}", _reference: "${param}", _count: 100) { ...R }`;

/** The nested selection of a type: its references, their references, and reverse references. */
const NESTED: Readonly<Record<string, readonly string[]>> = {
  Patient: [
    REF('managingOrganization'), REF('generalPractitioner'), `link { ${REF('other', `... on Patient { ${REF('managingOrganization')} }`)} }`,
    REVERSE('Observation', 'subject'), REVERSE('Condition', 'asserter'), REVERSE('Claim', 'patient'), REVERSE('Observation', 'performer'), REVERSE('Encounter', 'subject'),
  ],
  Observation: [REF('subject', `... on Patient { ${REVERSE('Condition', 'subject')} }`), REF('performer'), REF('encounter', `... on Encounter { ${REF('subject')} }`)],
  Condition: [REF('subject'), REF('asserter', `... on Patient { ${REVERSE('Observation', 'subject')} }`)],
  Encounter: [REF('subject'), REVERSE('Observation', 'encounter')],
  Claim: [REF('patient'), REF('provider'), `insurance { ${REF('coverage', `... on Coverage { ${REF('beneficiary')} }`)} }`],
  Coverage: [REF('beneficiary'), REF('payor'), REVERSE('Claim', 'coverage')],
  Account: [REF('subject')],
  Organization: [REVERSE('Patient', 'organization')],
  Practitioner: [REVERSE('Observation', 'performer'), REVERSE('Condition', 'asserter')],
  Subscription: [],
};

const LIST_ARGS: Readonly<Record<string, readonly string[]>> = {
  Patient: ['', '(_id: "p2")', '(family: "Beta")', '(_count: 2)'],
  Observation: ['', '(subject: "Patient/p1")', '(patient: "p2")', '(code: "heart-rate", _count: 100)'],
  Condition: ['', '(patient: "p2")'],
  Encounter: ['', '(patient: "p1")'],
  Claim: ['', '(patient: "p1")'],
  Coverage: [''],
  Account: [''],
  Organization: [''],
  Practitioner: [''],
  Subscription: [''],
};

const graphql: fc.Arbitrary<Probe> = fc.tuple(typeAndId, fc.constantFrom('read', 'list', 'connection'), fc.nat()).chain(([[t, id], shape, n]) =>
  fc.subarray([...(NESTED[t] ?? [])], { maxLength: Math.min(3, (NESTED[t] ?? []).length) }).map((nested): Probe => {
    const selection = `{ ...R ${nested.join(' ')} }`;
    const args = LIST_ARGS[t] ?? [''];
    const listArgs = args[n % args.length] ?? '';
    const root =
      shape === 'read' ? `${t}(id: "${id}") ${selection}`
        : shape === 'list' ? `${t}List${listArgs} ${selection}`
          : `${t}Connection${listArgs} { total: count edges { resource ${selection} } }`;
    return {
      kind: 'graphql', query: `{ ${root} } ${FRAGMENT}`,
      ...(shape === 'read' ? { read: { type: t, id } } : {}),
      ...(shape === 'connection' && listArgs === '' ? { connection: t } : {}),
    };
  }),
);

const SYSTEM_SEARCHES = ['_type=Patient,Observation,Claim&_count=1000', '_id=p1', '_type=Observation&_include=Observation:subject', '_lastUpdated=gt2000-01-01&_count=1000', '_type=Condition,Coverage&_revinclude=Claim:coverage'];

const read = typeAndId.map(([t, id]): Probe => ({ kind: 'read', type: t, id }));
const vread = fc.tuple(typeAndId, fc.constantFrom('1', '2', '3', '9')).map(([[t, id], version]): Probe => ({ kind: 'vread', type: t, id, version }));
const historyInstance = typeAndId.map(([t, id]): Probe => ({ kind: 'history', type: t, id }));
const historyType = type.map((t): Probe => ({ kind: 'history', type: t }));

const FOREIGN_PAGES = [
  'Observation?_count=2', 'Observation?_count=2&_include=Observation:subject', 'Patient?_count=1&_revinclude=Observation:subject',
  'Condition?_count=1&_include=Condition:asserter', 'Claim?_count=1', '?_type=Patient,Observation&_count=2', 'Observation/_history?_count=2', '_history?_count=3',
];

/** The FHIR path (relative to the tenant's base) of a REST probe. */
export function pathOf(probe: Probe): string {
  switch (probe.kind) {
    case 'read': return `${probe.type}/${probe.id}`;
    case 'vread': return `${probe.type}/${probe.id}/_history/${probe.version}`;
    case 'history': return `${[probe.type, probe.id].filter((p) => p !== undefined).join('/')}${probe.type === undefined ? '' : '/'}_history?_count=1000`;
    case 'search': {
      const params = new URLSearchParams(probe.extra.map(([n, v]): [string, string] => [n, v]));
      if (probe.simple) params.append(probe.simple.name, probe.simple.value);
      return `${probe.type}?${params.toString()}`;
    }
    case 'search-system': return `?${probe.query}`;
    case 'compartment': return `Patient/${probe.patient}/${probe.type}?_count=1000`;
    case 'everything': return `Patient/${probe.patient}/$everything`;
    case 'foreign-page': return probe.path;
    case 'batch': return '';
    case 'graphql': return '$graphql';
  }
}

export const probes: fc.Arbitrary<Probe> = fc.oneof(
  { weight: 4, arbitrary: read },
  { weight: 2, arbitrary: vread },
  { weight: 2, arbitrary: historyInstance },
  { weight: 2, arbitrary: historyType },
  { weight: 2, arbitrary: fc.array(fc.oneof(read, vread, historyInstance, historyType, search), { minLength: 1, maxLength: 4 }).map((entries): Probe => ({ kind: 'batch', entries })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...FOREIGN_PAGES), fc.constantFrom<string>(...TENANTS)).map(([path, from]): Probe => ({ kind: 'foreign-page', path, from })) },
  { weight: 1, arbitrary: fc.constant<Probe>({ kind: 'history' }) },
  { weight: 8, arbitrary: search },
  { weight: 1, arbitrary: fc.constantFrom(...SYSTEM_SEARCHES).map((query): Probe => ({ kind: 'search-system', query })) },
  { weight: 2, arbitrary: fc.tuple(patient, fc.constantFrom('Observation', 'Condition', 'Encounter', 'Claim', 'Account', '*')).map(([p, t]): Probe => ({ kind: 'compartment', patient: p, type: t })) },
  { weight: 1, arbitrary: patient.map((p): Probe => ({ kind: 'everything', patient: p })) },
  { weight: 6, arbitrary: graphql },
);

/** A change made by an administrator between probes (what subscribers then receive). */
export type Write =
  | { readonly kind: 'create'; readonly subject: string; readonly performer?: string }
  | { readonly kind: 'move'; readonly pick: number; readonly subject: string }
  | { readonly kind: 'delete'; readonly pick: number }
  | { readonly kind: 'touch-patient'; readonly patient: string };

export const writes: fc.Arbitrary<Write> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('create' as const), subject: patient, performer: fc.option(patient, { nil: undefined }) }, { requiredKeys: ['kind', 'subject'] }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), subject: patient }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('touch-patient' as const), patient: fc.constantFrom<string>(...PATIENTS) }) },
);

/** One step of a run: who asks, in which URL tenant, what; or a write. */
export type Step = { readonly kind: 'probe'; readonly caller: number; readonly tenant: number; readonly probe: Probe } | { readonly kind: 'write'; readonly tenant: number; readonly write: Write };

export const steps: fc.Arbitrary<Step> = fc.oneof(
  { weight: 19, arbitrary: fc.record({ kind: fc.constant('probe' as const), caller: fc.nat(), tenant: fc.nat(), probe: probes }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('write' as const), tenant: fc.nat(), write: writes }) },
);
