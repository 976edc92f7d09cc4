// The access-policy config file (config/access-policy.json): validated with zod once, in wiring,
// and passed to createAccessPolicy (STYLE.md: config parsed once).
import { z } from 'zod';
import { TYPE_INTERACTIONS } from './interactions';

const resourceTypeName = z.string().regex(/^[A-Z][A-Za-z]+$/, 'must be a FHIR resource type name such as "Patient"');
const resourceTypeRef = z
  .string()
  .regex(/^(\*|@[a-z][a-z0-9-]*|[A-Z][A-Za-z]+)$/, 'must be "*", a resource type name or a set reference such as "@financial"');

const ruleSchema = z
  .object({
    interactions: z.array(z.enum([...TYPE_INTERACTIONS, '*'])).min(1),
    resourceTypes: z.array(resourceTypeRef).min(1),
  })
  .strict();

const smartSchema = z
  .object({
    /** SMART App Launch: user/ scopes speak for a user, so a token without fhirUser gets nothing from them. */
    requireFhirUserForUserScopes: z.boolean().default(true),
    /**
     * What patient/ scopes grant on types outside the Patient compartment (Medication, Practitioner...):
     * SMART leaves it to the server; `deny` is the safe default.
     */
    patientScopesOutsideCompartment: z.enum(['deny', 'allow']).default('deny'),
    /** Published in [base]/.well-known/smart-configuration. */
    issuer: z.url().optional(),
    jwksUri: z.url().optional(),
    authorizationEndpoint: z.url().optional(),
    tokenEndpoint: z.url().optional(),
    capabilities: z.array(z.string().min(1)).optional(),
    scopesSupported: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const accessPolicyConfigSchema = z
  .object({
    /** `cognito-groups` (the default, DESIGN.md: Auth) or `smart` (SMART on FHIR scopes). */
    mode: z.enum(['cognito-groups', 'smart']),
    /** Named resource type lists, referenced from rules as `@name`; `@financial` is built in. */
    resourceTypeSets: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.array(resourceTypeName)).default({}),
    /** Cognito group name -> rules; a principal gets the union of its groups' rules. */
    groups: z.record(z.string().min(1), z.array(ruleSchema)).default({}),
    smart: smartSchema.default({ requireFhirUserForUserScopes: true, patientScopesOutsideCompartment: 'deny' }),
  })
  .strict()
  .superRefine((config, ctx) => {
    const known = new Set(['financial', ...Object.keys(config.resourceTypeSets)]);
    for (const [group, rules] of Object.entries(config.groups)) {
      rules.forEach((rule, index) => {
        rule.resourceTypes.forEach((ref, refIndex) => {
          if (ref.startsWith('@') && !known.has(ref.slice(1))) {
            ctx.addIssue({
              code: 'custom',
              path: ['groups', group, index, 'resourceTypes', refIndex],
              message: `unknown resource type set "${ref}" (known: ${[...known].map((k) => `@${k}`).join(', ')})`,
            });
          }
        });
      });
    }
  });

export type AccessPolicyConfig = z.output<typeof accessPolicyConfigSchema>;
export type AccessRule = AccessPolicyConfig['groups'][string][number];

/** The access-policy config is invalid; the message lists every problem with its JSON path. */
export class AccessPolicyConfigError extends Error {
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super(`Invalid access-policy config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AccessPolicyConfigError';
    this.problems = problems;
  }
}

/**
 * Validates parsed JSON as an access-policy config. `source` names the file in the error.
 * Throws AccessPolicyConfigError listing every problem (e.g. `groups.auditor[0].interactions[0]: ...`).
 */
export function parseAccessPolicyConfig(json: unknown, source = '(inline)'): AccessPolicyConfig {
  const result = accessPolicyConfigSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path
      .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
      .join('');
    return `${path === '' ? '(root)' : path}: ${issue.message}`;
  });
  throw new AccessPolicyConfigError(source, problems);
}
