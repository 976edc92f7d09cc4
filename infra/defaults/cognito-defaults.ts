import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';

/** The groups of the default access policy (DESIGN.md: Auth; config/access-policy.json). */
export const USER_GROUPS = ['practitioner', 'non-practitioner', 'auditor'] as const;

/** The custom attribute the tenant comes from (`custom:tenantId` in ID tokens). */
export const TENANT_ATTRIBUTE = 'tenantId';

/**
 * Users are created by an administrator (no self sign-up: a user must not pick a tenant or a
 * group), sign in by email, need a 12+ character password with all character classes, may use
 * TOTP MFA (required in prod, issue 10), and are watched by Cognito threat protection (blocking in a stage that keeps data,
 * audit-only otherwise). The tenant attribute is immutable once set.
 */
export function userPoolDefaults(retainData: boolean, removalPolicy: RemovalPolicy, mfaRequired: boolean): cognito.UserPoolProps {
  return {
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    autoVerify: { email: true },
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    mfa: mfaRequired ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
    mfaSecondFactor: { otp: true, sms: false },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    customAttributes: { [TENANT_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: false }) },
    featurePlan: cognito.FeaturePlan.PLUS,
    standardThreatProtectionMode: retainData ? cognito.StandardThreatProtectionMode.FULL_FUNCTION : cognito.StandardThreatProtectionMode.AUDIT_ONLY,
    deletionProtection: retainData,
    removalPolicy,
  };
}

/** OAuth scopes of hosted sign-in: an ID token with the user's name and email, nothing more. */
export const HOSTED_UI_SCOPES = ['openid', 'email', 'profile'] as const;

/**
 * The public client for web and mobile apps: no secret (it could not be kept), SRP sign-in
 * (native apps; `USER_SRP_AUTH`), no OAuth flow unless the stack turns on hosted sign-in
 * (constructs/hosted-sign-in.ts; CDK's default would allow the implicit grant and redirect to
 * https://example.com), revocable refresh tokens, no user-existence oracle, and users cannot write their own
 * tenant (write attributes exclude custom:tenantId).
 */
export function appClientDefaults(): cognito.UserPoolClientOptions {
  return {
    generateSecret: false,
    authFlows: { userSrp: true },
    disableOAuth: true,
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    idTokenValidity: Duration.hours(1),
    accessTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.days(30),
    readAttributes: new cognito.ClientAttributes()
      .withStandardAttributes({ email: true, emailVerified: true, givenName: true, familyName: true })
      .withCustomAttributes(TENANT_ATTRIBUTE),
    writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ givenName: true, familyName: true }),
  };
}
