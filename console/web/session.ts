// The signed-in session, shared by the console and the GraphQL IDE through localStorage (issue
// 15: "The token is shared with the GraphQL IDE"). Bearer tokens only, never cookies, so a page
// on another origin cannot make the browser send it.
const KEY = 'fhir-session';

export interface Session {
  readonly token: string;
  /** Who signed in, for the header, e.g. "practitioner @ t1". */
  readonly label: string;
  readonly tenant?: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export function loadSession(now = Date.now()): Session | undefined {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    return parsed !== null && typeof parsed.token === 'string' && parsed.expiresAt > now ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}

export function authorizationHeader(): Record<string, string> {
  const session = loadSession();
  return session === undefined ? {} : { authorization: `Bearer ${session.token}` };
}

/** Settings the server puts on <body data-...> (no inline script: the CSP forbids it). */
export interface PageConfig {
  readonly fhirRoot: string;
  readonly graphqlUrl: string;
  readonly subscriptionsUrl: string;
  readonly authMode: string;
  readonly multiTenancy: boolean;
  readonly devTokens: boolean;
}

export function pageConfig(): PageConfig {
  const data = document.body.dataset;
  return {
    fhirRoot: data['fhirRoot'] ?? '/fhir',
    graphqlUrl: data['graphqlUrl'] ?? '/graphql',
    subscriptionsUrl: data['subscriptionsUrl'] ?? `ws://${location.host}/graphql`,
    authMode: data['authMode'] ?? 'cognito',
    multiTenancy: data['multiTenancy'] === 'true',
    devTokens: data['devTokens'] === 'true',
  };
}
