// AppSync has already verified the caller (Cognito user pool, IAM, OIDC or a Lambda
// authorizer); its `identity` becomes the core's Principal (DESIGN.md: Auth, Cognito claims).
import type { AppSyncIdentity } from 'aws-lambda';
import type { Principal } from '../../core/request';

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string' && value.length > 0) return value.split(/[\s,]+/).filter((item) => item.length > 0);
  return [];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function fromClaims(subject: string, claims: Readonly<Record<string, unknown>>, groups: unknown): Principal {
  const tenant = optionalString(claims['custom:tenantId']);
  const fhirUser = optionalString(claims['fhirUser']) ?? optionalString(claims['custom:fhirUser']);
  const patient = optionalString(claims['patient']);
  return {
    subject,
    groups: stringList(groups ?? claims['cognito:groups']),
    scopes: stringList(claims['scope']),
    ...(tenant === undefined ? {} : { tenant }),
    ...(fhirUser === undefined ? {} : { fhirUser }),
    ...(patient === undefined ? {} : { patient }),
  };
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * Cognito: sub, `cognito:groups`, `custom:tenantId`, `scope`. IAM: the caller's ARN, no groups
 * (the publisher). Lambda authorizer: its resolverContext, read like claims. No identity: an
 * anonymous principal with no groups, which every policy except allow-all refuses.
 */
export function principalFromIdentity(identity: AppSyncIdentity): Principal {
  const fields = record(identity);
  if ('claims' in fields && typeof fields['sub'] === 'string') return fromClaims(fields['sub'], record(fields['claims']), fields['groups'] ?? undefined);
  if (typeof fields['userArn'] === 'string') return { subject: fields['userArn'], groups: [], scopes: [] };
  if ('resolverContext' in fields) {
    const context = record(fields['resolverContext']);
    return fromClaims(optionalString(context['sub']) ?? 'lambda-authorized', context, context['groups']);
  }
  return { subject: 'anonymous', groups: [], scopes: [] };
}
