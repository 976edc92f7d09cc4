// Subscription.criteria: "The rules that the server should use to determine when to generate
// notifications for this subscription", a search URL `Type?params` (subscription.html#2.46.7.1),
// parsed by the same parser as search, so a subscription can only ask what a search can.
import { FhirError } from '../errors/fhir-error';
import type { SearchParameterRegistry } from '../search/parameters';
import { parseSearch } from '../search/parse-query';

export interface Criteria {
  readonly resourceType: string;
  readonly params: readonly (readonly [string, string])[];
}

/** Result parameters shape a page, not a match: meaningless in criteria. */
const RESULT_PARAMETERS = new Set(['_count', '_sort', '_total', '_include', '_revinclude', '_summary', '_elements', '_cursor', '_contained', '_containedType', '_format', '_pretty']);
const EXPRESSION = ['Subscription.criteria'];

export function splitCriteria(criteria: string): Criteria {
  const at = criteria.indexOf('?');
  const resourceType = at < 0 ? criteria : criteria.slice(0, at);
  const params = at < 0 ? [] : [...new URLSearchParams(criteria.slice(at + 1))];
  return { resourceType, params };
}

/** Throws a 400 pointing at Subscription.criteria when the criteria are not a supported search. */
export function parseCriteria(criteria: unknown, isResourceType: (name: string) => boolean, registry: SearchParameterRegistry): Criteria {
  if (typeof criteria !== 'string' || criteria.trim() === '') {
    throw new FhirError('INVALID_REQUEST', 'Subscription.criteria is required: a search such as Observation?code=1234-5', { expression: EXPRESSION });
  }
  const parsed = splitCriteria(criteria.trim().replace(/^\//, ''));
  if (!isResourceType(parsed.resourceType)) {
    throw new FhirError('INVALID_REQUEST', `Subscription.criteria must start with a resource type, not '${parsed.resourceType.slice(0, 80)}'`, { expression: EXPRESSION });
  }
  for (const [name] of parsed.params) {
    if (RESULT_PARAMETERS.has(name.split(':')[0] ?? name)) {
      throw new FhirError('INVALID_REQUEST', `${name} shapes search results and has no meaning in Subscription.criteria`, { expression: EXPRESSION });
    }
  }
  try {
    parseSearch([parsed.resourceType], parsed.params, { strict: true, defaultCount: 1, maxCount: 1, registry });
  } catch (error) {
    if (error instanceof FhirError && error.status === 400) throw new FhirError(error.code, `Subscription.criteria: ${error.message}`, { expression: EXPRESSION });
    throw error;
  }
  return parsed;
}
