// A search form per type, built from the CapabilityStatement's search parameters, and a results
// table with paging through the Bundle's next/previous links.
import { fhir, fhirBase, type Bundle, type Resource } from './api';
import { h, render } from './dom';
import { restResources } from './resource-types';
import { loadSession } from './session';

const INPUT_TYPES: Readonly<Record<string, string>> = { date: 'text', number: 'number' };

/** One line saying what a resource is: a name, a code's text, a title, or its status. */
export function summaryOf(resource: Resource): string {
  const name = (resource['name'] as { text?: string; family?: string; given?: string[] }[] | string | undefined);
  if (typeof name === 'string') return name;
  const first = Array.isArray(name) ? name[0] : undefined;
  if (first !== undefined) return first.text ?? [...(first.given ?? []), first.family ?? ''].join(' ').trim();
  const code = resource['code'] as { text?: string; coding?: { display?: string; code?: string }[] } | undefined;
  if (code !== undefined) return code.text ?? code.coding?.[0]?.display ?? code.coding?.[0]?.code ?? '';
  for (const key of ['title', 'description', 'status', 'contentType']) if (typeof resource[key] === 'string') return String(resource[key]);
  return '';
}

export async function searchPage(main: HTMLElement, type: string, query: URLSearchParams): Promise<void> {
  const resource = (await restResources()).find((candidate) => candidate.type === type);
  if (resource === undefined) {
    render(main, h('h1', {}, type), h('p', { class: 'error' }, `${type} is not in this server's CapabilityStatement.`));
    return;
  }
  const params = [...(resource.searchParam ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const inputs = params.map((param) => h('input', { id: `sp-${param.name}`, name: param.name, type: INPUT_TYPES[param.type] ?? 'text', value: query.get(param.name) ?? '', title: param.documentation ?? param.type, placeholder: param.type }));
  const count = h('input', { id: 'sp-_count', name: '_count', type: 'number', min: 1, max: 1000, value: query.get('_count') ?? '20' });
  const form = h('form', { class: 'search-form', role: 'search', 'aria-label': `Search ${type}` },
    h('div', { class: 'grid' }, params.map((param, index) => h('label', { class: 'field' }, h('span', {}, param.name), inputs[index]))),
    h('label', { class: 'field inline' }, h('span', {}, '_count'), count),
    h('button', { type: 'submit' }, 'Search'), ' ', h('a', { class: 'button', href: `#/${type}/_new` }, `New ${type}`));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const input of [...inputs, count]) if (input.value !== '') next.set(input.name, input.value);
    location.hash = `#/${type}?${next.toString()}`;
  });
  const results = h('section', { 'aria-live': 'polite', class: 'results-section' }, h('p', { class: 'status' }, 'Searching…'));
  render(main, h('h1', {}, type), h('details', { open: !query.has('_url') }, h('summary', {}, `Search parameters (${params.length})`), form), results);
  const pageUrl = query.get('_url');
  const url = pageUrl !== null && pageUrl.startsWith(fhirBase(loadSession()?.tenant)) ? pageUrl : `${fhirBase(loadSession()?.tenant)}/${type}?${query.toString()}`;
  try {
    const bundle = await fhir<Bundle>(url);
    renderResults(results, type, bundle);
  } catch (error) {
    render(results, h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
  }
}

function renderResults(section: HTMLElement, type: string, bundle: Bundle): void {
  const entries = (bundle.entry ?? []).filter((entry) => entry.resource !== undefined);
  const page = (relation: string, label: string): HTMLElement | null => {
    const link = bundle.link?.find((candidate) => candidate.relation === relation);
    return link === undefined ? null : h('a', { class: 'button', href: `#/${type}?_url=${encodeURIComponent(link.url)}`, rel: relation }, label);
  };
  render(section,
    h('p', { class: 'status' }, bundle.total === undefined ? `${entries.length} shown` : `${bundle.total} found, ${entries.length} shown`),
    h('table', { class: 'results' },
      h('thead', {}, h('tr', {}, h('th', {}, 'id'), h('th', {}, 'summary'), h('th', {}, 'version'), h('th', {}, 'last updated'))),
      h('tbody', {}, entries.map(({ resource }) => {
        const item = resource as Resource;
        return h('tr', {}, h('td', {}, h('a', { href: `#/${item.resourceType}/${item.id ?? ''}` }, `${item.resourceType}/${item.id ?? ''}`)), h('td', {}, summaryOf(item)), h('td', {}, item.meta?.versionId ?? ''), h('td', {}, item.meta?.lastUpdated ?? ''));
      }))),
    h('nav', { class: 'paging', 'aria-label': 'Pages' }, page('first', 'First'), page('previous', 'Previous'), page('next', 'Next')));
}
