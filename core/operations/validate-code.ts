import type { CoreDeps } from '../core-deps';
import { isJsonObject, type JsonObject } from '../fhir-types';
import type { InteractionResult } from '../interactions/result';
import type { RequestContext } from '../request';
import { conceptIndex, findConcept } from '../terminology/code-systems';
import { EXTERNAL_CODE_SYSTEMS, expandValueSet, notAvailable } from '../terminology/terminology';
import { codeSystemFor } from './code-system-lookup';
import { OperationParameters } from './operation-parameters';
import { terminologyFor } from './terminology-context';
import { valueSetFor } from './value-set-expand';

interface Candidate { readonly system: string | undefined; readonly code: string; readonly display: string | undefined }

function candidates(params: OperationParameters): Candidate[] {
  const concept = params.object('codeableConcept');
  const codings = concept ? (Array.isArray(concept['coding']) ? concept['coding'].filter(isJsonObject) : []) : params.object('coding') ? [params.object('coding') as JsonObject] : [];
  if (codings.length > 0) {
    return codings.filter((c) => typeof c['code'] === 'string').map((c) => ({ system: typeof c['system'] === 'string' ? c['system'] : undefined, code: String(c['code']), display: typeof c['display'] === 'string' ? c['display'] : undefined }));
  }
  return [{ system: params.string('system'), code: params.required('code'), display: params.string('display') }];
}

function result(ok: boolean, message: string | undefined, display: string | undefined): InteractionResult {
  const parameter: JsonObject[] = [{ name: 'result', valueBoolean: ok }];
  if (message !== undefined) parameter.push({ name: 'message', valueString: message });
  if (display !== undefined) parameter.push({ name: 'display', valueString: display });
  return { status: 200, resource: { resourceType: 'Parameters', parameter } };
}

/**
 * ValueSet/$validate-code and CodeSystem/$validate-code (valueset-operation-validate-code.html,
 * codesystem-operation-validate-code.html). A code from a system that is not bundled (SNOMED CT,
 * LOINC, RxNorm) is "not available", never false.
 */
export async function validateCode(deps: CoreDeps, ctx: RequestContext, type: 'ValueSet' | 'CodeSystem', id: string | undefined, query: readonly (readonly [string, string])[], body: unknown): Promise<InteractionResult> {
  deps.access.assertAllowed(ctx, 'operation', type);
  const params = new OperationParameters(query, body);
  const codes = candidates(params);
  for (const c of codes) if (c.system !== undefined && EXTERNAL_CODE_SYSTEMS[c.system] !== undefined) throw notAvailable(c.system);
  if (type === 'CodeSystem') {
    const index = conceptIndex(await codeSystemFor(deps, ctx, id, params.string('url') ?? codes[0]?.system));
    const found = codes.map((c) => findConcept(index, c.code)).find((c) => c !== undefined);
    return found ? result(true, undefined, found.display) : result(false, `${codes.map((c) => c.code).join(', ')} is not in the code system ${index.url}`, undefined);
  }
  const vs = await valueSetFor(deps, ctx, id, params);
  const items = await expandValueSet(terminologyFor(deps, ctx), vs);
  const match = items.find((i) => codes.some((c) => c.code === i.code && (c.system === undefined || c.system === i.system)));
  if (match === undefined) return result(false, `${codes.map((c) => `${c.system ?? ''}|${c.code}`).join(', ')} is not in the value set ${String(vs['url'] ?? id ?? '')}`, undefined);
  const given = codes.find((c) => c.code === match.code)?.display;
  if (given !== undefined && match.display !== undefined && given !== match.display) return result(true, `The display '${given}' differs from '${match.display}'`, match.display);
  return result(true, undefined, match.display);
}
