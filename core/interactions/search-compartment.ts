import { FhirError } from '../errors/fhir-error';
import type { Bundle } from '../fhir-types';
import type { RequestContext } from '../request';
import { parseSearch } from '../search/parse-query';
import { COMPARTMENTS } from '../generated/search-parameters';
import type { CompartmentCondition } from '../search/ast';
import { emptySearchset, parseOptions, restrict, runSearch, type SearchRuntime } from '../search/run-search';

/**
 * https://hl7.org/fhir/R4/http.html#search, GET [base]/Patient/123/Observation?... (or /* for
 * every type of the compartment), by the R4 CompartmentDefinitions (Patient, Encounter,
 * RelatedPerson, Practitioner, Device; compartmentdefinition.html), generated with the
 * search parameter table.
 */
export async function searchCompartment(
  runtime: SearchRuntime, ctx: RequestContext, compartment: { readonly resourceType: string; readonly id: string },
  resourceType: string | undefined, params: readonly (readonly [string, string])[], strict: boolean,
): Promise<Bundle> {
  const members = COMPARTMENTS[compartment.resourceType];
  if (members === undefined) {
    throw new FhirError('INVALID_REQUEST', `${compartment.resourceType} is not a compartment (${Object.keys(COMPARTMENTS).join(', ')} are)`, { expression: [compartment.resourceType] });
  }
  let types: string[];
  if (resourceType === undefined) {
    // Patient/123/* searches the compartment's types the caller may search, not all or nothing.
    const allowed = runtime.access.allowedResourceTypes(ctx, 'search-type');
    types = Object.keys(members).filter((t) => allowed === '*' || allowed.includes(t));
    if (types.length === 0) return emptySearchset();
  } else {
    runtime.access.assertAllowed(ctx, 'search-type', resourceType);
    types = [resourceType];
  }
  if (resourceType !== undefined && members[resourceType] === undefined) {
    throw new FhirError('INVALID_REQUEST', `${resourceType} is not in the ${compartment.resourceType} compartment`, { expression: [resourceType] });
  }
  const parsed = parseSearch(types, params, parseOptions(runtime, strict));
  const restricted = restrict(runtime, ctx, types);
  const inCompartment: CompartmentCondition = { kind: 'compartment', compartmentType: compartment.resourceType, id: compartment.id, params: members, includeOwner: false };
  if (restricted.nothing) return emptySearchset();
  const query = {
    ...parsed.query, resourceTypes: restricted.types,
    conditions: [...parsed.query.conditions, inCompartment],
    ...(restricted.scope ? { scope: restricted.scope } : {}),
  };
  const path = `${compartment.resourceType}/${compartment.id}/${resourceType ?? '*'}`;
  return runSearch(runtime, ctx, { ...parsed, query }, path);
}
