// The web console (issue 15): a hash-routed single page over the FHIR REST API and the GraphQL
// subscription. Routes: #/ types, #/sign-in, #/live, #/export, #/Type?query, #/Type/id, #/Type/id/edit,
// #/Type/_new.
import './console.css';
import { UNAUTHORIZED_EVENT } from './api';
import { h, render } from './dom';
import { editPage } from './edit-page';
import { exportPage, stopExportPolling } from './export-page';
import { livePage, stopLive } from './live';
import { resourcePage } from './resource-page';
import { resourceTypesPage } from './resource-types';
import { searchPage } from './search-page';
import { clearSession, loadSession, pageConfig } from './session';
import { signInPage } from './sign-in';
import { completeHostedSignIn, hostedSignInConfig, hostedSignOutUrl } from './hosted-sign-in';

const TYPE = /^[A-Z][A-Za-z]+$/;

function showSession(): void {
  const element = document.getElementById('session');
  if (element === null) return;
  const session = loadSession();
  if (session === undefined) {
    render(element, h('a', { href: '#/sign-in' }, 'Sign in'));
    return;
  }
  const out = h('button', { type: 'button', class: 'link' }, 'Sign out');
  out.addEventListener('click', () => {
    clearSession();
    // With hosted sign-in, Cognito's session ends too (its /logout), when the stack allows a logout URL.
    void hostedSignInConfig().then((hosted) => {
      const logout = hosted === undefined ? undefined : hostedSignOutUrl(hosted);
      if (logout === undefined) location.hash = '#/sign-in';
      else location.assign(logout);
    });
  });
  render(element, `Signed in as ${session.label} `, out);
}

async function route(main: HTMLElement, problem?: string): Promise<void> {
  stopLive();
  stopExportPolling();
  showSession();
  const hash = decodeURI(location.hash.replace(/^#\/?/, ''));
  const [path = '', search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter((part) => part !== '').map(decodeURIComponent);
  const needsToken = pageConfig().authMode !== 'none' && loadSession() === undefined;
  if (parts[0] === 'sign-in' || (needsToken && hash !== 'sign-in')) {
    return signInPage(main, () => {
      location.hash = '#/';
    }, problem);
  }
  const [type, id, action] = parts;
  if (type === undefined) return resourceTypesPage(main);
  if (type === 'live') return livePage(main);
  if (type === 'export') return exportPage(main);
  if (!TYPE.test(type)) {
    render(main, h('h1', {}, 'Not found'), h('p', {}, `Nothing at #/${path}`));
    return;
  }
  if (id === undefined) return searchPage(main, type, new URLSearchParams(search));
  if (id === '_new') return editPage(main, type, undefined);
  if (action === 'edit') return editPage(main, type, id);
  return resourcePage(main, type, id);
}

function start(): void {
  const main = document.getElementById('app');
  if (main === null) return;
  const go = (problem?: string): void => {
    route(main, problem)
      // Keyboard users start at the new page; a page that focused its first control keeps it.
      .then(() => {
        if (!main.contains(document.activeElement) || document.activeElement === main) main.focus({ preventScroll: true });
      })
      .catch((error: unknown) => render(main, h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error))));
  };
  window.addEventListener('hashchange', () => go());
  // A token the server no longer accepts (expired, revoked, another pool), on any page: sign in again.
  window.addEventListener(UNAUTHORIZED_EVENT, (event) => {
    if (loadSession() === undefined) return;
    clearSession();
    go(`The server no longer accepts your sign-in (${(event as CustomEvent<string>).detail}); sign in again.`);
  });
  // Back from Cognito's hosted UI with ?code=: finish the sign-in before the first page.
  completeHostedSignIn()
    .then(() => go())
    .catch((error: unknown) => go(error instanceof Error ? error.message : String(error)));
}

start();
