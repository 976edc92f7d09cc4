import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { InteractionResult } from '../interactions/result';
import type { RequestContext } from '../request';
import { conceptIndex, findConcept, subsumption } from '../terminology/code-systems';
import { codeAndSystem, codeSystemFor } from './code-system-lookup';
import { OperationParameters } from './operation-parameters';

/** CodeSystem/$subsumes (https://hl7.org/fhir/R4/codesystem-operation-subsumes.html): hierarchies from concept nesting and subsumedBy. */
export async function codeSystemSubsumes(deps: CoreDeps, ctx: RequestContext, id: string | undefined, query: readonly (readonly [string, string])[], body: unknown): Promise<InteractionResult> {
  deps.access.assertAllowed(ctx, 'operation', 'CodeSystem');
  const params = new OperationParameters(query, body);
  const a = codeAndSystem(params, 'codeA', 'codingA');
  const b = codeAndSystem(params, 'codeB', 'codingB');
  const system = a.system ?? b.system;
  if (a.system !== undefined && b.system !== undefined && a.system !== b.system) {
    throw new FhirError('INVALID_REQUEST', 'codingA and codingB are from different code systems', { expression: ['codingB'] });
  }
  const index = conceptIndex(await codeSystemFor(deps, ctx, id, system));
  for (const [name, code] of [['codeA', a.code], ['codeB', b.code]] as const) {
    if (findConcept(index, code) === undefined) throw new FhirError('INVALID_REQUEST', `${name}: '${code}' is not in the code system ${index.url}`, { expression: [name] });
  }
  return { status: 200, resource: { resourceType: 'Parameters', parameter: [{ name: 'outcome', valueCode: subsumption(index, a.code, b.code) }] } };
}
