// SMART on FHIR clinical scopes, v1 and v2
// (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html).
import type { TypeInteraction } from './interactions';

export type SmartScopeLevel = 'patient' | 'user' | 'system';

export interface SmartScope {
  readonly level: SmartScopeLevel;
  /** A resource type or `*`. */
  readonly resourceType: string;
  readonly interactions: ReadonlySet<TypeInteraction>;
}

/**
 * SMART v2 permission letters, in their required order c, r, u, d, s ("Scopes for requesting
 * clinical data": r covers read, vread and instance history; s covers type search and history).
 */
const V2_LETTERS: Readonly<Record<string, readonly TypeInteraction[]>> = {
  c: ['create'],
  r: ['read', 'vread', 'history-instance'],
  u: ['update', 'patch'],
  d: ['delete'],
  s: ['search-type', 'history-type'],
};

/** SMART v1 suffixes expressed as v2 letters (the spec's own v1-to-v2 table). */
const V1_SUFFIXES: Readonly<Record<string, string>> = { read: 'rs', write: 'cud', '*': 'cruds' };

const SCOPE = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]+)\.(read|write|\*|c?r?u?d?s?)$/;

/**
 * Parses one clinical scope, or returns undefined for anything else (openid, launch/patient,
 * fhirUser, offline_access) and for granular v2 scopes with a `?` query, which this server does
 * not support and therefore grants nothing from.
 */
export function parseSmartScope(scope: string): SmartScope | undefined {
  const match = SCOPE.exec(scope);
  if (match === null) return undefined;
  const [, level, resourceType, suffix] = match;
  if (level === undefined || resourceType === undefined || suffix === undefined || suffix === '') return undefined;
  const letters = V1_SUFFIXES[suffix] ?? suffix;
  const interactions = new Set<TypeInteraction>();
  for (const letter of letters) for (const interaction of V2_LETTERS[letter] ?? []) interactions.add(interaction);
  // $operations can read or write anything; only full access (cruds, v1 `*`) allows them.
  if (letters === 'cruds') interactions.add('operation');
  return { level: level as SmartScopeLevel, resourceType, interactions };
}
