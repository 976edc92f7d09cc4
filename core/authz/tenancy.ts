// Tenancy rule of issue 5: with multi-tenancy on, the token's tenant must equal the URL's tenant,
// and a token without a tenant is refused (403: the caller is known but not allowed here).
import { FhirError } from '../errors/fhir-error';
import type { Principal } from '../request';

/** Whether the principal may act in `urlTenant`. The explicit no-auth mode may act everywhere. */
export function isTenantAllowed(principal: Principal, urlTenant: string, multiTenancy: boolean): boolean {
  if (!multiTenancy || principal.unauthenticated === true) return true;
  return principal.tenant !== undefined && principal.tenant === urlTenant;
}

/** Throws FhirError FORBIDDEN when the principal may not act in `urlTenant`. */
export function assertTenant(principal: Principal, urlTenant: string, multiTenancy: boolean): void {
  if (isTenantAllowed(principal, urlTenant, multiTenancy)) return;
  if (principal.tenant === undefined) {
    throw new FhirError('FORBIDDEN', 'The token carries no tenant, and this server is multi-tenant');
  }
  throw new FhirError('FORBIDDEN', `The token's tenant may not access tenant "${urlTenant}"`);
}
