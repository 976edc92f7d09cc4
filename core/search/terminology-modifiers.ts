// The token modifiers that need terminology (R4 search.html#token and #modifiers: `:in`,
// `:not-in`, `:above`, `:below`), resolved in the core before a query reaches a backend: each
// becomes a plain token condition on the codes the value set or the code system's is-a hierarchy
// yields, so SQLite and OpenSearch answer them alike with what they already compile (a list of
// OR-ed codes, or `:not` of it). Terminology is R4's, the IG packages' and the tenant's stored
// CodeSystems and ValueSets (core/terminology); code systems not on this server (SNOMED CT, LOINC,
// RxNorm) answer 501, as `$expand` does.
import { FhirError } from '../errors/fhir-error';
import { ancestorsOrSelf, conceptIndex, descendantsOrSelf } from '../terminology/code-systems';
import { EXTERNAL_CODE_SYSTEMS, expandUrl, notAvailable, type TerminologyResolver } from '../terminology/terminology';
import type { Condition, ParamCondition, SearchQuery, SearchValue } from './ast';

/** Codes one modifier may stand for: the backends OR them (OpenSearch's default clause limit is 1,024). */
export const MAX_TERMINOLOGY_CODES = 500;

/**
 * A system no code has: a token condition needs at least one value, so `:in` a value set with no
 * codes becomes this (matches nothing) and `:not-in` one becomes `:not` of it (matches everything).
 */
const NO_CODE: SearchValue = { kind: 'token', system: 'urn:fhir-gateway:empty-expansion', code: '-' };

const TERMINOLOGY_MODIFIERS: ReadonlySet<string> = new Set(['in', 'not-in', 'above', 'below']);

function needsTerminology(condition: Condition): boolean {
  switch (condition.kind) {
    case 'param':
      return condition.type === 'token' && condition.modifier !== undefined && TERMINOLOGY_MODIFIERS.has(condition.modifier);
    case 'chain':
      return condition.targets.some((target) => needsTerminology(target.condition));
    case 'has':
      return needsTerminology(condition.condition);
    default:
      return false;
  }
}

/** True when the query has a modifier this module must resolve (most queries do not: no terminology is loaded). */
export function queryNeedsTerminology(query: SearchQuery): boolean {
  return query.conditions.some(needsTerminology);
}

function tooMany(param: string, count: number): FhirError {
  return new FhirError('INVALID_SEARCH', `${param} stands for ${count} codes; this server searches at most ${MAX_TERMINOLOGY_CODES} at once`, { expression: [param] });
}

/** Terminology errors, pointed at the parameter: an unknown value set is a bad search (400), a code system not here stays 501. */
async function codesOf(resolver: TerminologyResolver, c: ParamCondition): Promise<SearchValue[]> {
  const name = `${c.param}:${c.modifier ?? ''}`;
  try {
    return await lookUpCodes(resolver, c, name);
  } catch (error) {
    if (!(error instanceof FhirError) || error.expression?.[0] === name) throw error;
    throw new FhirError(error.code === 'NOT_FOUND' ? 'INVALID_SEARCH' : error.code, `${name}: ${error.message}`, { expression: [name] });
  }
}

async function lookUpCodes(resolver: TerminologyResolver, c: ParamCondition, name: string): Promise<SearchValue[]> {
  const out = new Map<string, SearchValue>();
  for (const value of c.values) {
    if (c.modifier === 'in' || c.modifier === 'not-in') {
      if (value.kind !== 'uri') throw new FhirError('INVALID_SEARCH', `${name} takes a value set URL`, { expression: [name] });
      for (const item of await expandUrl(resolver, value.value)) out.set(`${item.system}|${item.code}`, { kind: 'token', system: item.system, code: item.code });
    } else {
      if (value.kind !== 'token' || typeof value.system !== 'string' || value.code === undefined) {
        throw new FhirError('INVALID_SEARCH', `${name} takes system|code: the hierarchy is the code system's`, { expression: [name] });
      }
      const system = value.system;
      const codeSystem = await resolver.codeSystem(system);
      // SNOMED CT, LOINC and RxNorm are known by name only: their hierarchies are not here.
      if (codeSystem === undefined || EXTERNAL_CODE_SYSTEMS[system] !== undefined || codeSystem['content'] === 'not-present') throw notAvailable(system);
      const index = conceptIndex(codeSystem);
      const codes = c.modifier === 'below' ? descendantsOrSelf(index, value.code) : ancestorsOrSelf(index, value.code);
      // A code the system does not define has no hierarchy: it stands for itself.
      if (codes.size === 0) codes.add(value.code);
      for (const code of codes) out.set(`${system}|${code}`, { kind: 'token', system, code });
    }
    if (out.size > MAX_TERMINOLOGY_CODES) throw tooMany(name, out.size);
  }
  return [...out.values()];
}

async function resolveCondition(resolver: TerminologyResolver, condition: Condition): Promise<Condition> {
  switch (condition.kind) {
    case 'param': {
      if (!needsTerminology(condition)) return condition;
      const codes = await codesOf(resolver, condition);
      const { modifier, ...rest } = condition;
      const values = codes.length === 0 ? [NO_CODE] : codes;
      // Not in an empty value set: :not of a code nothing has, which every resource satisfies.
      return modifier === 'not-in' ? { ...rest, modifier: 'not', values } : { ...rest, values };
    }
    case 'chain':
      return { ...condition, targets: await Promise.all(condition.targets.map(async (target) => ({ resourceType: target.resourceType, condition: await resolveCondition(resolver, target.condition) }))) };
    case 'has':
      return { ...condition, condition: await resolveCondition(resolver, condition.condition) };
    default:
      return condition;
  }
}

/** The query with every terminology modifier replaced by the codes it stands for. */
export async function resolveTerminologyModifiers(query: SearchQuery, resolver: TerminologyResolver | undefined): Promise<SearchQuery> {
  if (!queryNeedsTerminology(query)) return query;
  if (resolver === undefined) throw new FhirError('NOT_IMPLEMENTED', 'Terminology modifiers (:in, :not-in, :above, :below) are not available on this search');
  return { ...query, conditions: await Promise.all(query.conditions.map((condition) => resolveCondition(resolver, condition))) };
}
