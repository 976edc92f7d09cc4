import { randomUUID } from 'node:crypto';
import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { Resource } from '../fhir-types';
import type { InteractionResult } from '../interactions/result';
import type { RequestContext } from '../request';
import { expandValueSet } from '../terminology/terminology';
import { OperationParameters } from './operation-parameters';
import { instanceOf, terminologyFor } from './terminology-context';

const MAX_COUNT = 1000;

/** The value set named by `url` (or `valueSet`, or the instance). */
export async function valueSetFor(deps: CoreDeps, ctx: RequestContext, id: string | undefined, params: OperationParameters): Promise<Resource> {
  if (id !== undefined) return instanceOf(deps, ctx, 'ValueSet', id);
  const inline = params.object('valueSet');
  if (inline && inline['resourceType'] === 'ValueSet') return inline as Resource;
  const url = params.required('url');
  const vs = await terminologyFor(deps, ctx).valueSet(url);
  if (vs === undefined) throw new FhirError('NOT_FOUND', `The value set ${url} is not known to this server`, { expression: ['url'] });
  return vs;
}

/** ValueSet/$expand (https://hl7.org/fhir/R4/valueset-operation-expand.html) with filter, count and offset. */
export async function valueSetExpand(deps: CoreDeps, ctx: RequestContext, id: string | undefined, query: readonly (readonly [string, string])[], body: unknown): Promise<InteractionResult> {
  deps.access.assertAllowed(ctx, 'operation', 'ValueSet');
  const params = new OperationParameters(query, body);
  const vs = await valueSetFor(deps, ctx, id, params);
  const filter = params.string('filter')?.toLowerCase();
  const offset = params.integer('offset') ?? 0;
  const count = Math.min(params.integer('count') ?? MAX_COUNT, MAX_COUNT);
  let items = await expandValueSet(terminologyFor(deps, ctx), vs);
  if (filter !== undefined && filter !== '') items = items.filter((i) => i.code.toLowerCase().includes(filter) || (i.display ?? '').toLowerCase().includes(filter));
  const page = items.slice(offset, offset + count);
  const parameter = [
    ...(filter !== undefined ? [{ name: 'filter', valueString: filter }] : []),
    { name: 'offset', valueInteger: offset },
    { name: 'count', valueInteger: count },
  ];
  const { compose: _compose, text: _text, ...rest } = vs;
  return {
    status: 200,
    resource: {
      ...rest,
      expansion: { identifier: `urn:uuid:${randomUUID()}`, timestamp: deps.clock().toISOString(), total: items.length, offset, parameter, contains: page.map((i) => ({ system: i.system, code: i.code, ...(i.display !== undefined ? { display: i.display } : {}) })) },
    },
  };
}
