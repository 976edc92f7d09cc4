// The CDK app's settings, parsed once from CDK context (`-c key=value` or cdk.json) with zod,
// then passed down as props (STYLE.md: config is parsed once; no environment-flag branches in
// constructs). infra/README.md lists every key.
import { z } from 'zod';

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
const positiveInt = z.coerce.number().int().positive();

/** A comma-separated list (from `-c graphqlTypes=Patient,Observation`) or a JSON array. */
const typeList = z
  .union([z.array(z.string()), z.string()])
  .transform((value) => (Array.isArray(value) ? value : value === 'all' ? [] : value.split(',')).map((name) => name.trim()).filter((name) => name !== ''))
  .pipe(z.array(z.string().regex(/^[A-Z][A-Za-z]+$/, 'an R4 resource type name')));

export const infraContextSchema = z
  .object({
    /** Names every resource and the API stage; lowercase so it is valid in every AWS name. */
    stage: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lowercase letters, digits and -, starting with a letter').default('dev'),
    /** Deletion protection and RETAIN on data stores; on by default for the stage `prod`. */
    retainData: flag.optional(),
    multiTenancy: flag.default(false),
    /** cognito (groups, the default) or smart (SMART on FHIR scopes); read by wiring/aws.ts. */
    authMode: z.enum(['cognito', 'smart']).default('cognito'),
    /** The OpenSearch domain (and the VPC it lives in). Off = no search index on AWS. */
    search: flag.default(true),
    searchInstanceType: z.string().regex(/^[a-z0-9]+\.[a-z0-9]+\.search$/).optional(),
    searchDataNodes: positiveInt.optional(),
    /** Resource types in the AppSync schema; empty (or `all`) = every R4 type. */
    graphqlTypes: typeList.default([]),
    apiRateLimit: positiveInt.default(100),
    apiBurstLimit: positiveInt.default(200),
    /** TOTP MFA for every user (`required`, the default in prod) or at the user's choice. */
    mfa: z.enum(['required', 'optional']).optional(),
    /** Requests per 5 minutes from one IP before WAF blocks it (REST and GraphQL). */
    wafRateLimit: positiveInt.default(2000),
    /** Executions reserved for the stream processor (indexing and notifications). */
    streamConcurrency: positiveInt.default(10),
  })
  .transform((context) => {
    const production = context.stage === 'prod';
    return {
      stage: context.stage,
      retainData: context.retainData ?? production,
      multiTenancy: context.multiTenancy,
      authMode: context.authMode,
      search: context.search
        ? {
            // t3.small.search lacks encryption at rest, so the smallest default is t3.medium.
            instanceType: context.searchInstanceType ?? (production ? 'r7g.large.search' : 't3.medium.search'),
            dataNodes: context.searchDataNodes ?? (production ? 2 : 1),
          }
        : undefined,
      graphqlTypes: context.graphqlTypes,
      apiThrottling: { rateLimit: context.apiRateLimit, burstLimit: context.apiBurstLimit },
      production,
      mfaRequired: (context.mfa ?? (production ? 'required' : 'optional')) === 'required',
      wafRateLimit: context.wafRateLimit,
      streamConcurrency: context.streamConcurrency,
    };
  });

export type InfraConfig = z.output<typeof infraContextSchema>;
export type SearchConfig = NonNullable<InfraConfig['search']>;

export class InfraConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfraConfigError';
  }
}

/** The keys of `infraContextSchema`, read from a CDK node's context. */
export const INFRA_CONTEXT_KEYS = [
  'stage',
  'retainData',
  'multiTenancy',
  'authMode',
  'search',
  'searchInstanceType',
  'searchDataNodes',
  'graphqlTypes',
  'apiRateLimit',
  'apiBurstLimit',
  'mfa',
  'wafRateLimit',
  'streamConcurrency',
] as const;

export function parseInfraConfig(context: Readonly<Record<string, unknown>>): InfraConfig {
  const result = infraContextSchema.safeParse(context);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new InfraConfigError(`Invalid CDK context:\n${problems}`);
  }
  return result.data;
}
