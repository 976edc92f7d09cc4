// Building audit records from what a request was and how it ended (issue 13). Shared by REST
// (core/http/front-door.ts), GraphQL root fields and WebSocket subscription starts.
import type { AuditOutcome, AuditRecord } from '../ports/audit-sink';
import type { Principal } from '../request';

/** Query parameters that may carry a credential are never logged, whatever their value. */
const SECRET_PARAMETER = /^(access_token|id_token|refresh_token|token|code|client_secret|password|authorization|header)$/i;

export function outcomeOf(status: number): AuditOutcome {
  return status >= 500 ? 'error' : status >= 400 ? 'failure' : 'success';
}

export function whoOf(principal: Principal | undefined, tenant: string | undefined): AuditRecord['who'] {
  return {
    ...(principal !== undefined ? { subject: principal.subject } : {}),
    ...(principal?.username !== undefined ? { username: principal.username } : {}),
    ...(principal !== undefined && principal.groups.length > 0 ? { groups: principal.groups } : {}),
    ...(principal !== undefined && principal.scopes.length > 0 ? { scopes: principal.scopes } : {}),
    ...(tenant !== undefined ? { tenant } : {}),
    ...(principal?.clientId !== undefined ? { clientId: principal.clientId } : {}),
    ...(principal?.fhirUser !== undefined ? { fhirUser: principal.fhirUser } : {}),
  };
}

/** The query as `a=b&c=d`, without credential-carrying parameters; undefined when empty. */
export function loggableQuery(pairs: readonly (readonly [string, string])[]): string | undefined {
  const kept = pairs.filter(([name]) => !SECRET_PARAMETER.test(name)).map(([k, v]): [string, string] => [k, v]);
  return kept.length === 0 ? undefined : new URLSearchParams(kept).toString();
}

/** Drops undefined members so that JSON lines stay small and regular. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
