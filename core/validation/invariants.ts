// Evaluates FHIR constraints (invariants, elementdefinition.html#ElementDefinition.constraint)
// with the reference FHIRPath engine and its R4 model (issue 9, defect 2). Reusable: the R4 base
// invariants (resource-invariants.ts) and IG profile constraints go through the same function,
// given a constraint list, the node, and the element path it sits at.
//
// - Each (base, expression) is compiled once and cached (compiling costs ~10x an evaluation).
// - %resource and %rootResource are passed as environment variables (fhirpath.html#variables:
//   the resource that holds the node, and its container for a contained resource); %ucum too.
// - An invariant holds unless its expression evaluates to `false`; an empty result (`a implies
//   b` with an empty b) is not a violation. The Java validator reads empty as a failure, but its
//   functions also return false where FHIRPath returns empty (ref-1's startsWith() on an absent
//   reference), so reading empty as a failure here would refuse valid resources. The few
//   invariants where that matters are evaluated with a corrected expression (invariantRewrites
//   in invariant-exceptions.ts).
// - Evaluation is synchronous: an expression that cannot be evaluated here (resolve(),
//   memberOf(), `as` on a collection) is listed with its reason in invariant-exceptions.ts and
//   skipped; any other failure to evaluate is reported as a warning naming the constraint, never
//   passed silently.
import { fhirpathEngine } from '../fhirpath-engine';
import type { OperationOutcomeIssue } from '../fhir-types';
import { constraintRows, constraintsAtPath } from '../generated/invariants';
import { invariantExceptions, invariantRewrites } from './invariant-exceptions';

export interface Constraint {
  readonly key: string;
  readonly severity: 'error' | 'warning';
  /** FHIRPath, relative to the element the constraint is defined on. */
  readonly expression: string;
  readonly human: string;
}

/** Where constraints are evaluated. */
export interface ConstraintTarget {
  /** The element or resource (JSON) the constraints are defined on. */
  readonly node: unknown;
  /** Its FHIRPath type base: a type name (`Period`, `Patient`) or a backbone path (`Patient.contact`). */
  readonly base: string;
  /** Where the node is, for issue.expression: `Patient.contact[0]`. */
  readonly expression: string;
  /** %resource: the resource that holds the node. */
  readonly resource: unknown;
  /** %rootResource: the container of %resource when it is contained, else %resource itself. */
  readonly rootResource: unknown;
}

type Evaluate = (node: unknown, env: Record<string, unknown>) => unknown;

const UCUM = 'http://unitsofmeasure.org';
const compiled = new Map<string, Evaluate>();

function evaluatorFor(base: string, expression: string): Evaluate {
  const cacheKey = `${base}\n${expression}`;
  let fn = compiled.get(cacheKey);
  if (fn === undefined) {
    // trace() (dom-3 uses it) must not print: traceFn swallows it.
    const { compile, r4Model } = fhirpathEngine();
    const compiledFn = compile({ base, expression }, r4Model, { traceFn: () => undefined });
    fn = (node, env) => compiledFn(node as Record<string, unknown>, env);
    compiled.set(cacheKey, fn);
  }
  return fn;
}

/** `Patient.contact pat-1`: how invariant-exceptions.ts names a constraint. */
export function constraintId(path: string, key: string): string {
  return `${path} ${key}`;
}

/** Why the R4 base constraint `key` at `path` is not evaluated, if it is listed (`* key` lists it at every path). */
export function exceptionFor(path: string, key: string): string | undefined {
  return invariantExceptions[constraintId(path, key)] ?? invariantExceptions[constraintId('*', key)];
}

const byPath = new Map<string, readonly Constraint[]>();
const errorsByPath = new Map<string, readonly Constraint[]>();

/**
 * The R4 base constraints defined at a type root (`Period`) or backbone element
 * (`Patient.contact`), without the listed exceptions; only those of severity error unless
 * `warnings`.
 */
export function baseConstraintsAt(path: string, warnings = true): readonly Constraint[] {
  if (!warnings) {
    let errors = errorsByPath.get(path);
    if (errors === undefined) {
      errors = baseConstraintsAt(path).filter((c) => c.severity === 'error');
      errorsByPath.set(path, errors);
    }
    return errors;
  }
  let list = byPath.get(path);
  if (list === undefined) {
    list = (constraintsAtPath[path] ?? [])
      .map((row) => constraintRows[row])
      .filter((row): row is NonNullable<typeof row> => row !== undefined && exceptionFor(path, row[0]) === undefined)
      .map(([key, severity, expression, human]) => ({ key, severity, expression: invariantRewrites[constraintId(path, key)]?.expression ?? expression, human }));
    byPath.set(path, list);
  }
  return list;
}

/**
 * Evaluates `constraints` on one node and appends an issue for each one that does not hold:
 * severity as the constraint says (`error` rejects a write, `warning` is only reported), code
 * `invariant`, expression the node's path.
 */
export function evaluateConstraints(constraints: readonly Constraint[], target: ConstraintTarget, issues: OperationOutcomeIssue[]): void {
  if (constraints.length === 0) return;
  const env = { resource: target.resource, rootResource: target.rootResource, ucum: UCUM };
  for (const constraint of constraints) {
    let result: unknown;
    try {
      result = evaluatorFor(target.base, constraint.expression)(target.node, env);
    } catch (error) {
      issues.push({
        severity: 'warning',
        code: 'processing',
        diagnostics: `The invariant ${constraint.key} could not be evaluated here and was not checked: ${error instanceof Error ? error.message : String(error)}`,
        expression: [target.expression],
      });
      continue;
    }
    if (Array.isArray(result) && result.length === 1 && result[0] === false) {
      issues.push({ severity: constraint.severity, code: 'invariant', diagnostics: `${constraint.human} (${constraint.key})`, expression: [target.expression] });
    }
  }
}
