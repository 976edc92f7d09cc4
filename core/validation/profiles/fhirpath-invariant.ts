// Profile invariants (ElementDefinition.constraint.expression) evaluated with fhirpath.js and its
// R4 model, each expression compiled once. Kept behind InvariantEvaluator so that the base-R4
// invariant module (issue 9) can take over evaluation without touching the profile walk.
import { fhirpathEngine } from '../../fhirpath-engine';
import type { JsonValue, Resource } from '../../fhir-types';
import type { InvariantEvaluator } from './validate-profile';

type Compiled = (input: unknown, env: Record<string, unknown>) => unknown;
const compiled = new Map<string, Compiled>();

/** FHIRPath invariants are boolean: the constraint fails only on an explicit false (fhirpath.html#boolean). */
export const fhirpathInvariant: InvariantEvaluator = (resource: Resource, context: JsonValue, expression: string): boolean => {
  let fn = compiled.get(expression);
  if (fn === undefined) {
    const { compile, r4Model } = fhirpathEngine();
    fn = compile(expression, r4Model) as Compiled;
    compiled.set(expression, fn);
  }
  const result = fn(context, { resource, rootResource: resource });
  return !(Array.isArray(result) && result.length === 1 && result[0] === false);
};
