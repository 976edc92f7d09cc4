// The decision engine shared by the Cognito-group and SMART policies: a principal is turned into
// grants (interactions on resource types, possibly limited to one Patient compartment), and every
// AccessPolicy question is answered from them. Anything not granted is forbidden.
import { FhirError } from '../errors/fhir-error';
import type { Resource } from '../fhir-types';
import type { Principal, RequestContext } from '../request';
import type { AccessPolicy, Interaction, SearchRestriction } from './access-policy';
import { isTypeInteraction, WRITE_INTERACTIONS, type TypeInteraction } from './interactions';
import { isInPatientCompartment, isPatientCompartmentType } from './patient-compartment';
import { PATIENT_COMPARTMENT } from './patient-compartment-table';
import { grantsAudience, type ReadAudience } from './read-audience';
import { assertTenant, isTenantAllowed } from './tenancy';

export interface Grant {
  readonly resourceTypes: '*' | ReadonlySet<string>;
  readonly interactions: ReadonlySet<TypeInteraction>;
  /** Only resources in the compartment of Patient/<id> (SMART patient/ scopes, or a Patient fhirUser). */
  readonly patientCompartment?: string;
  /** What a compartment-limited grant gives on types outside the Patient compartment. */
  readonly outsideCompartment?: 'deny' | 'allow';
}

export interface GrantPolicyOptions {
  readonly multiTenancy: boolean;
  /** Who the caller is, for 403 messages (e.g. `groups [auditor]`). */
  readonly describe: (principal: Principal) => string;
}

/** The result of matching grants for a type: unrestricted, or limited to some compartments, or nothing. */
interface Access {
  readonly unrestricted: boolean;
  readonly compartments: readonly string[];
}

const NO_ACCESS: Access = { unrestricted: false, compartments: [] };

/** System-level interactions are answered by their type-level counterpart (http.html#search, #history). */
const SYSTEM_TO_TYPE: Partial<Record<Interaction, TypeInteraction>> = {
  'search-system': 'search-type',
  'history-system': 'history-type',
};

function matches(grant: Grant, resourceType: string): boolean {
  return grant.resourceTypes === '*' || grant.resourceTypes.has(resourceType);
}

function accessTo(grants: readonly Grant[], resourceType: string, interactions: readonly TypeInteraction[]): Access {
  let unrestricted = false;
  const compartments: string[] = [];
  for (const grant of grants) {
    if (!matches(grant, resourceType) || !interactions.some((i) => grant.interactions.has(i))) continue;
    if (grant.patientCompartment === undefined) {
      unrestricted = true;
    } else if (isPatientCompartmentType(resourceType)) {
      if (!compartments.includes(grant.patientCompartment)) compartments.push(grant.patientCompartment);
    } else if (grant.outsideCompartment === 'allow') {
      unrestricted = true;
    }
  }
  return unrestricted || compartments.length > 0 ? { unrestricted, compartments } : NO_ACCESS;
}

function granted(access: Access): boolean {
  return access.unrestricted || access.compartments.length > 0;
}

const COMPARTMENT_TYPES: readonly string[] = ['Patient', ...Object.keys(PATIENT_COMPARTMENT).filter((t) => t !== 'Patient')];

/** An AccessPolicy over the grants that `grantsOf` derives from a principal. */
export class GrantPolicy implements AccessPolicy {
  private readonly cache = new WeakMap<Principal, readonly Grant[]>();

  constructor(
    private readonly grantsOf: (principal: Principal) => readonly Grant[],
    private readonly options: GrantPolicyOptions,
  ) {}

  private grants(principal: Principal): readonly Grant[] {
    if (principal.unauthenticated === true) return [];
    let grants = this.cache.get(principal);
    if (grants === undefined) {
      grants = this.grantsOf(principal);
      this.cache.set(principal, grants);
    }
    return grants;
  }

  private forbidden(ctx: RequestContext, interaction: Interaction, resourceType: string | undefined): FhirError {
    const target = resourceType === undefined ? '' : ` on ${resourceType}`;
    return new FhirError('FORBIDDEN', `${this.options.describe(ctx.principal)} may not perform ${interaction}${target}`);
  }

  assertAllowed(ctx: RequestContext, interaction: Interaction, resourceType: string | undefined): void {
    assertTenant(ctx.principal, ctx.tenant, this.options.multiTenancy);
    if (interaction === 'capabilities') return; // http.html#capabilities: the CapabilityStatement is for everyone.
    const grants = this.grants(ctx.principal);
    // A batch or transaction is a container: each entry is checked as its own interaction.
    if (interaction === 'batch' || interaction === 'transaction') {
      if (grants.length > 0) return;
      throw this.forbidden(ctx, interaction, resourceType);
    }
    const typeInteraction = SYSTEM_TO_TYPE[interaction] ?? (isTypeInteraction(interaction) ? interaction : undefined);
    if (typeInteraction === undefined) throw this.forbidden(ctx, interaction, resourceType);
    if (resourceType === undefined) {
      // search-system / history-system: allowed when some type is; results keep to allowedResourceTypes.
      if (interaction in SYSTEM_TO_TYPE && this.typesWith(grants, typeInteraction).length > 0) return;
      // A system-level $operation (e.g. $export) may touch every type: only unlimited full access allows it.
      if (interaction === 'operation' && grants.some((g) => g.resourceTypes === '*' && g.interactions.has('operation') && g.patientCompartment === undefined)) return;
      throw this.forbidden(ctx, interaction, resourceType);
    }
    if (!granted(accessTo(grants, resourceType, [typeInteraction]))) throw this.forbidden(ctx, interaction, resourceType);
  }

  canRead(ctx: RequestContext, resource: Resource): boolean {
    return this.can(ctx, resource, ['read']);
  }

  canReadType(ctx: RequestContext, resourceType: string): boolean {
    if (!isTenantAllowed(ctx.principal, ctx.tenant, this.options.multiTenancy)) return false;
    return accessTo(this.grants(ctx.principal), resourceType, ['read']).unrestricted;
  }

  canWrite(ctx: RequestContext, resource: Resource): boolean {
    return this.can(ctx, resource, WRITE_INTERACTIONS);
  }

  private can(ctx: RequestContext, resource: Resource, interactions: readonly TypeInteraction[]): boolean {
    if (!isTenantAllowed(ctx.principal, ctx.tenant, this.options.multiTenancy)) return false;
    const access = accessTo(this.grants(ctx.principal), resource.resourceType, interactions);
    return access.unrestricted || access.compartments.some((patient) => isInPatientCompartment(resource, patient));
  }

  unrestrictedRead(ctx: RequestContext, resourceType: string): boolean {
    if (!isTenantAllowed(ctx.principal, ctx.tenant, this.options.multiTenancy)) return false;
    return accessTo(this.grants(ctx.principal), resourceType, ['read']).unrestricted;
  }

  searchRestriction(ctx: RequestContext, resourceType: string): SearchRestriction | undefined {
    if (!isTenantAllowed(ctx.principal, ctx.tenant, this.options.multiTenancy)) return { none: true };
    const access = accessTo(this.grants(ctx.principal), resourceType, ['search-type']);
    if (access.unrestricted) return undefined;
    // With two different compartments (launch patient and a Patient fhirUser) only the first is
    // searched: fewer results, never a leak.
    const first = access.compartments[0];
    return first === undefined ? { none: true } : { patientCompartment: first };
  }

  allowedResourceTypes(ctx: RequestContext, interaction: Interaction): '*' | readonly string[] {
    if (!isTenantAllowed(ctx.principal, ctx.tenant, this.options.multiTenancy)) return [];
    const typeInteraction = SYSTEM_TO_TYPE[interaction] ?? (isTypeInteraction(interaction) ? interaction : undefined);
    if (typeInteraction === undefined) return [];
    const grants = this.grants(ctx.principal);
    const unlimited = grants.some(
      (g) => g.resourceTypes === '*' && g.interactions.has(typeInteraction) && (g.patientCompartment === undefined || g.outsideCompartment === 'allow'),
    );
    return unlimited ? '*' : this.typesWith(grants, typeInteraction);
  }

  readAudience(ctx: RequestContext): ReadAudience {
    if (!isTenantAllowed(ctx.principal, ctx.tenant, this.options.multiTenancy)) return [];
    return grantsAudience(this.grants(ctx.principal));
  }

  private typesWith(grants: readonly Grant[], interaction: TypeInteraction): readonly string[] {
    const types = new Set<string>();
    for (const grant of grants) {
      if (!grant.interactions.has(interaction)) continue;
      const candidates = grant.resourceTypes === '*' ? COMPARTMENT_TYPES : [...grant.resourceTypes];
      for (const type of candidates) {
        if (granted(accessTo([grant], type, [interaction]))) types.add(type);
      }
    }
    return [...types].sort();
  }
}
