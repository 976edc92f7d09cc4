// The resource types of the CapabilityStatement with their counts.
import { fhir, fhirBase, type Bundle, type Resource } from './api';
import { h, render } from './dom';
import { loadSession } from './session';

export interface SearchParam {
  readonly name: string;
  readonly type: string;
  readonly documentation?: string;
}

export interface Operation {
  readonly name: string;
  readonly definition?: string;
}

export interface RestResource {
  readonly type: string;
  readonly searchParam?: readonly SearchParam[];
  readonly interaction?: readonly { readonly code: string }[];
  readonly operation?: readonly Operation[];
}

interface RestCapabilities {
  readonly resource?: readonly RestResource[];
  readonly operation?: readonly Operation[];
}

let capabilities: Promise<RestCapabilities> | undefined;

/** CapabilityStatement.rest[0] of the server, read once per page load. */
function restCapabilities(): Promise<RestCapabilities> {
  capabilities ??= fhir<Resource & { rest?: RestCapabilities[] }>(`${fhirBase(loadSession()?.tenant)}/metadata`).then(
    (statement) => statement.rest?.[0] ?? {},
    (error: unknown) => {
      capabilities = undefined;
      throw error;
    },
  );
  return capabilities;
}

export async function restResources(): Promise<readonly RestResource[]> {
  return (await restCapabilities()).resource ?? [];
}

/**
 * The Bulk Data exports the server advertises (Bulk Data Access IG v2.0.0, export.html): `system`
 * when rest.operation has `export`, and the types whose resource.operation has it (Patient, Group).
 */
export async function advertisedExports(): Promise<{ readonly system: boolean; readonly types: readonly string[] }> {
  const rest = await restCapabilities();
  const exports = (operations: readonly Operation[] | undefined): boolean => (operations ?? []).some((operation) => operation.name === 'export');
  return { system: exports(rest.operation), types: (rest.resource ?? []).filter((resource) => exports(resource.operation)).map((resource) => resource.type) };
}

const PARALLEL_COUNTS = 6;

export async function resourceTypesPage(main: HTMLElement): Promise<void> {
  const resources = await restResources();
  const base = fhirBase(loadSession()?.tenant);
  const filter = h('input', { type: 'search', id: 'type-filter', placeholder: 'Filter types', 'aria-label': 'Filter resource types' });
  const cells = new Map<string, HTMLElement>();
  const rows = resources.map((resource) => {
    const count = h('td', { class: 'count' }, '…');
    cells.set(resource.type, count);
    return h('tr', { 'data-type': resource.type }, h('td', {}, h('a', { href: `#/${resource.type}` }, resource.type)), count);
  });
  // Most of R4's 146 types are empty on most servers: a laptop screen shows the rest at once.
  const nonEmpty = h('input', { type: 'checkbox', id: 'non-empty' });
  const apply = (): void => {
    const text = filter.value.toLowerCase();
    for (const row of rows) row.hidden = !(row.dataset['type'] ?? '').toLowerCase().includes(text) || (nonEmpty.checked && row.querySelector('td.count')?.textContent === '0');
  };
  filter.addEventListener('input', apply);
  nonEmpty.addEventListener('change', apply);
  const exports = await advertisedExports();
  render(main, h('h1', {}, 'Resource types'), exports.system || exports.types.length > 0 ? h('p', {}, h('a', { href: '#/export' }, 'Bulk export jobs')) : null,
    h('div', { class: 'type-controls' }, filter, h('label', { class: 'field inline' }, nonEmpty, h('span', {}, 'Only types with resources'))),
    h('table', { class: 'results types' }, h('thead', {}, h('tr', {}, h('th', {}, 'type'), h('th', { class: 'count' }, 'count'))), h('tbody', {}, rows)));
  // Counts in a few parallel requests (`_summary=count`, search.html#summary); a type the
  // signed-in user may not search shows why instead of a number.
  const queue = [...cells.entries()];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [type, cell] = next;
      try {
        const bundle = await fhir<Bundle>(`${base}/${type}?_summary=count`);
        cell.textContent = String(bundle.total ?? '?');
      } catch (error) {
        cell.textContent = error instanceof Error && error.message.startsWith('403') ? 'forbidden' : 'error';
        cell.classList.add('muted');
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_COUNTS }, worker));
}
