// Cognito-group mode (DESIGN.md: Auth; issue 5): each `cognito:groups` entry maps to rules of the
// access-policy config; a principal gets the union of its groups' rules.
import type { Principal } from '../request';
import type { AccessPolicyConfig, AccessRule } from './access-policy-config';
import { FINANCIAL_RESOURCE_TYPES } from './financial-resource-types';
import type { Grant } from './grant-policy';
import { TYPE_INTERACTIONS, type TypeInteraction } from './interactions';

function expandTypes(rule: AccessRule, sets: Readonly<Record<string, readonly string[]>>): '*' | ReadonlySet<string> {
  if (rule.resourceTypes.includes('*')) return '*';
  const types = new Set<string>();
  for (const ref of rule.resourceTypes) {
    if (ref.startsWith('@')) for (const type of sets[ref.slice(1)] ?? []) types.add(type);
    else types.add(ref);
  }
  return types;
}

/** Builds the grants function of group mode from a validated config. */
export function groupGrants(config: AccessPolicyConfig): (principal: Principal) => readonly Grant[] {
  const sets: Readonly<Record<string, readonly string[]>> = { financial: FINANCIAL_RESOURCE_TYPES, ...config.resourceTypeSets };
  const byGroup = new Map<string, readonly Grant[]>();
  for (const [group, rules] of Object.entries(config.groups)) {
    byGroup.set(
      group,
      rules.map((rule) => ({
        resourceTypes: expandTypes(rule, sets),
        interactions: new Set<TypeInteraction>(rule.interactions.includes('*') ? TYPE_INTERACTIONS : rule.interactions.filter((i) => i !== '*')),
      })),
    );
  }
  return (principal) => principal.groups.flatMap((group) => byGroup.get(group) ?? []);
}

export function describeGroups(principal: Principal): string {
  return principal.groups.length === 0 ? 'A caller with no group' : `Groups [${principal.groups.join(', ')}]`;
}
