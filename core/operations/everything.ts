import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { Bundle, BundleEntry } from '../fhir-types';
import { read } from '../interactions/read';
import type { InteractionResult } from '../interactions/result';
import type { RequestContext } from '../request';

/** Parameters of Patient/$everything that map onto the compartment search. */
const PASSED_ON = new Set(['_count', '_cursor', '_since', '_type', '_elements', '_summary']);

/**
 * Patient/[id]/$everything (https://hl7.org/fhir/R4/patient-operation-everything.html): the
 * patient and every resource of its compartment the caller may read, as a searchset. Access
 * is the read of the patient plus the compartment search's own per-type checks, so nothing
 * the caller may not read appears.
 */
export async function everythingOperation(deps: CoreDeps, ctx: RequestContext, id: string | undefined, query: readonly (readonly [string, string])[]): Promise<InteractionResult> {
  if (id === undefined) throw new FhirError('NOT_IMPLEMENTED', 'Patient/$everything is supported on one patient: [base]/Patient/[id]/$everything');
  const patient = await read(deps, ctx, 'Patient', id);
  const params: [string, string][] = [];
  let types: string[] | undefined;
  for (const [name, value] of query) {
    if (name === '_type') types = value.split(',').map((t) => t.trim()).filter((t) => t !== '');
    else if (name === '_since') params.push(['_lastUpdated', `ge${value}`]);
    else if (PASSED_ON.has(name)) params.push([name, value]);
  }
  const firstPage = !query.some(([name]) => name === '_cursor');
  const bundles: Bundle[] = [];
  for (const type of types ?? [undefined]) {
    bundles.push(await deps.search.search(ctx, { ...(type !== undefined ? { resourceType: type } : {}), compartment: { resourceType: 'Patient', id } }, params, { strict: false }));
  }
  const entries: BundleEntry[] = bundles.flatMap((b) => (b.entry ?? []).filter((e) => e.resource?.resourceType !== 'Patient' || e.resource.id !== id));
  if (firstPage && patient.resource) {
    entries.unshift({ fullUrl: `${ctx.baseUrl}/Patient/${id}`, resource: patient.resource, search: { mode: 'match' } });
  }
  const next = bundles.length === 1 ? bundles[0]?.link?.find((l) => l.relation === 'next') : undefined;
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [{ relation: 'self', url: `${ctx.baseUrl}/Patient/${id}/$everything` }, ...(next ? [next] : [])],
    // json.html: no empty arrays (a Bundle with nothing in it has no entry element).
    ...(entries.length > 0 ? { entry: entries } : {}),
  };
  return { status: 200, resource: bundle };
}
