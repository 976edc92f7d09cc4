import type { Interaction } from './access-policy';

/**
 * Interactions on one resource type (https://hl7.org/fhir/R4/http.html): the ones an access rule
 * or a SMART scope grants per type. System-level interactions are derived from them (see
 * rule-grants.ts).
 */
export const TYPE_INTERACTIONS = [
  'read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type', 'operation',
] as const satisfies readonly Interaction[];

export type TypeInteraction = (typeof TYPE_INTERACTIONS)[number];

export function isTypeInteraction(interaction: Interaction): interaction is TypeInteraction {
  return (TYPE_INTERACTIONS as readonly Interaction[]).includes(interaction);
}

/** Interactions that change content: the ones canWrite stands for. */
export const WRITE_INTERACTIONS: readonly TypeInteraction[] = ['create', 'update', 'patch', 'delete'];
