// Sign-in: locally a token from the dev issuer (POST /console/dev-token, loopback only); on a
// deployed stage Cognito's hosted UI (code + PKCE, hosted-sign-in.ts) when the stack has callback
// URLs, and pasting a token otherwise.
import { h, render } from './dom';
import { hostedSignInConfig, startHostedSignIn } from './hosted-sign-in';
import { pageConfig, saveSession } from './session';

const DEFAULT_SCOPES = 'user/*.cruds';

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), control, hint === undefined ? null : h('small', {}, hint));
}

/** `problem` is why the last sign-in failed, e.g. a refused token exchange. */
export async function signInPage(main: HTMLElement, done: () => void, problem?: string): Promise<void> {
  const config = pageConfig();
  const groups = (document.body.dataset['groups'] ?? '').split(',').filter((group) => group !== '');
  const error = h('p', { class: 'error', role: 'alert' }, problem ?? '');
  if (!config.devTokens) {
    const token = h('textarea', { id: 'token', rows: 4, required: true, 'aria-label': 'Token' });
    const form = h('form', { class: 'sign-in' }, field('Bearer token (an ID token from Cognito, or `npm run token`)', token), h('button', { type: 'submit' }, 'Use this token'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      saveSession({ token: token.value.trim(), label: 'pasted token', expiresAt: Date.now() + 3600_000 });
      done();
    });
    if (config.authMode === 'none') {
      render(main, h('h1', {}, 'Sign in'), h('p', {}, 'Authentication is off on this server: no token is needed.'));
      return;
    }
    const hosted = await hostedSignInConfig();
    if (hosted === undefined) {
      render(main, h('h1', {}, 'Sign in'), error, form);
      return;
    }
    const go = h('button', { type: 'button', id: 'hosted-sign-in' }, 'Sign in with Cognito');
    go.addEventListener('click', () => {
      startHostedSignIn(hosted).catch((failure: unknown) => { error.textContent = `Sign-in failed: ${failure instanceof Error ? failure.message : String(failure)}`; });
    });
    render(main, h('h1', {}, 'Sign in'), h('p', {}, 'Sign in with your user of this stack\'s Cognito user pool. The token is kept in this browser and shared with the GraphQL IDE.'), error, h('p', {}, go),
      h('details', {}, h('summary', {}, 'Or paste a token'), form));
    go.focus();
    return;
  }
  const smart = config.authMode === 'smart';
  const group = h('select', { id: 'group', name: 'group' }, groups.map((name) => h('option', { value: name }, name)));
  const tenant = h('input', { id: 'tenant', name: 'tenant', value: config.multiTenancy ? 't1' : '', pattern: '[A-Za-z0-9_-]{1,64}', required: config.multiTenancy });
  const scopes = h('input', { id: 'scopes', name: 'scopes', value: DEFAULT_SCOPES, size: 40 });
  const patient = h('input', { id: 'patient', name: 'patient' });
  const fhirUser = h('input', { id: 'fhir-user', name: 'fhirUser', placeholder: 'Practitioner/123' });
  const form = h('form', { class: 'sign-in' },
    smart ? null : field('Group', group, 'practitioner: everything; non-practitioner: financial resources; auditor: read Patient'),
    config.multiTenancy ? field('Tenant', tenant) : null,
    smart ? [field('SMART scopes', scopes, 'space separated, e.g. user/*.cruds or patient/Observation.rs'), field('Patient (launch context)', patient), field('fhirUser', fhirUser)] : null,
    error,
    h('button', { type: 'submit' }, 'Get a dev token'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body: Record<string, string> = {};
    if (!smart) body['group'] = group.value;
    if (config.multiTenancy) body['tenant'] = tenant.value;
    if (smart) {
      body['scopes'] = scopes.value;
      if (patient.value !== '') body['patient'] = patient.value;
      if (fhirUser.value !== '') body['fhirUser'] = fhirUser.value;
    }
    void fetch('/console/dev-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(async (response) => {
        const answer = (await response.json()) as { token?: string; expiresIn?: number; issue?: { diagnostics?: string }[] };
        if (!response.ok || answer.token === undefined) throw new Error(answer.issue?.[0]?.diagnostics ?? `HTTP ${response.status}`);
        const who = smart ? scopes.value : group.value;
        saveSession({ token: answer.token, label: config.multiTenancy ? `${who} @ ${tenant.value}` : who, ...(config.multiTenancy ? { tenant: tenant.value } : {}), expiresAt: Date.now() + (answer.expiresIn ?? 3600) * 1000 });
        done();
      })
      .catch((failure: unknown) => {
        error.textContent = `Sign-in failed: ${failure instanceof Error ? failure.message : String(failure)}`;
      });
  });
  render(main, h('h1', {}, 'Sign in'), h('p', {}, 'A token from this server\'s local dev issuer (offered only on loopback). It is kept in this browser and shared with the GraphQL IDE.'), form);
  (smart ? scopes : group).focus();
}
