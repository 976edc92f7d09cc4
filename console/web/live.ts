// Live changes through the GraphQL subscription (graphql-ws protocol on /graphql).
import { createClient, type Client } from 'graphql-ws';
import { h, render } from './dom';
import { authorizationHeader, loadSession, pageConfig } from './session';

interface ResourceChange {
  readonly action: string;
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: string;
  readonly lastUpdated: string;
}

const SUBSCRIPTION = 'subscription Live($tenant: String) { onResourceChange(tenant: $tenant) { action resourceType id versionId lastUpdated } }';

let client: Client | undefined;
let unsubscribe: (() => void) | undefined;

/** Stops the subscription when the user leaves the page. */
export function stopLive(): void {
  unsubscribe?.();
  unsubscribe = undefined;
  void client?.dispose();
  client = undefined;
}

export function livePage(main: HTMLElement): void {
  stopLive();
  const status = h('p', { class: 'status', role: 'status' }, 'Connecting…');
  const list = h('tbody', {});
  render(main, h('h1', {}, 'Live changes'), h('p', {}, 'Creates, updates and deletes you may read, as they are committed (GraphQL subscription onResourceChange).'), status,
    h('table', { class: 'results' }, h('thead', {}, h('tr', {}, h('th', {}, 'time'), h('th', {}, 'action'), h('th', {}, 'resource'), h('th', {}, 'version'))), list));
  const tenant = loadSession()?.tenant;
  client = createClient({ url: pageConfig().subscriptionsUrl, connectionParams: () => authorizationHeader(), retryAttempts: 3, on: { connected: () => { status.textContent = 'Listening for changes.'; } } });
  unsubscribe = client.subscribe<{ onResourceChange: ResourceChange }>(
    { query: SUBSCRIPTION, variables: tenant === undefined ? {} : { tenant } },
    {
      next: (message) => {
        const change = message.data?.onResourceChange;
        if (change === undefined) return;
        const target = `${change.resourceType}/${change.id}`;
        list.prepend(h('tr', { class: 'change' }, h('td', {}, change.lastUpdated), h('td', {}, change.action), h('td', {}, change.action === 'delete' ? target : h('a', { href: `#/${target}` }, target)), h('td', {}, change.versionId)));
      },
      error: (error) => {
        status.textContent = `The subscription failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`;
      },
      complete: () => {
        status.textContent = 'The subscription ended.';
      },
    },
  );
}
