import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { JsonObject, Resource } from '../fhir-types';
import type { InteractionResult } from '../interactions/result';
import type { RequestContext } from '../request';
import { conceptIndex, findConcept } from '../terminology/code-systems';
import { EXTERNAL_CODE_SYSTEMS, notAvailable } from '../terminology/terminology';
import { OperationParameters } from './operation-parameters';
import { instanceOf, terminologyFor } from './terminology-context';

/** system + code from `system`/`code` or a `coding` parameter. */
export function codeAndSystem(params: OperationParameters, codeName = 'code', codingName = 'coding', systemName = 'system'): { system: string | undefined; code: string } {
  const coding = params.object(codingName);
  if (coding && typeof coding['code'] === 'string') return { system: typeof coding['system'] === 'string' ? coding['system'] : undefined, code: coding['code'] };
  return { system: params.string(systemName), code: params.required(codeName) };
}

/** The CodeSystem named by `system` (or the instance), or a clear error. */
export async function codeSystemFor(deps: CoreDeps, ctx: RequestContext, id: string | undefined, system: string | undefined): Promise<Resource> {
  if (id !== undefined) return instanceOf(deps, ctx, 'CodeSystem', id);
  if (system === undefined) throw new FhirError('INVALID_REQUEST', 'The parameter system is required', { expression: ['system'] });
  if (EXTERNAL_CODE_SYSTEMS[system] !== undefined) throw notAvailable(system);
  const cs = await terminologyFor(deps, ctx).codeSystem(system);
  if (cs === undefined) throw notAvailable(system);
  return cs;
}

/** CodeSystem/$lookup (https://hl7.org/fhir/R4/codesystem-operation-lookup.html). */
export async function codeSystemLookup(deps: CoreDeps, ctx: RequestContext, id: string | undefined, query: readonly (readonly [string, string])[], body: unknown): Promise<InteractionResult> {
  deps.access.assertAllowed(ctx, 'operation', 'CodeSystem');
  const params = new OperationParameters(query, body);
  const { system, code } = codeAndSystem(params);
  const cs = await codeSystemFor(deps, ctx, id, system);
  const concept = findConcept(conceptIndex(cs), code);
  if (concept === undefined) throw new FhirError('NOT_FOUND', `The code '${code}' is not in the code system ${String(cs['url'] ?? system)}`, { expression: ['code'] });
  const parameter: JsonObject[] = [{ name: 'name', valueString: String(cs['name'] ?? cs['title'] ?? cs['url'] ?? '') }];
  if (typeof cs['version'] === 'string') parameter.push({ name: 'version', valueString: cs['version'] });
  if (concept.display !== undefined) parameter.push({ name: 'display', valueString: concept.display });
  if (concept.definition !== undefined) parameter.push({ name: 'definition', valueString: concept.definition });
  for (const p of concept.parents) parameter.push({ name: 'property', part: [{ name: 'code', valueCode: 'parent' }, { name: 'value', valueCode: p }] });
  for (const c of concept.children) parameter.push({ name: 'property', part: [{ name: 'code', valueCode: 'child' }, { name: 'value', valueCode: c }] });
  return { status: 200, resource: { resourceType: 'Parameters', parameter } };
}
