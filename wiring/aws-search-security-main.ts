// The search domain's security configuration Lambda (infra/constructs/search-security.ts): a
// CloudFormation custom resource that maps the FHIR Lambdas' roles and turns on audit logging
// through the security plugin's API (adapters/aws/opensearch-security.ts), running as the
// domain's master-user role. Its settings come from its environment and the resource's
// properties, parsed here once.
import { z } from 'zod';
import { answerCustomResource, type CustomResourceEvent } from '../adapters/aws/custom-resource';
import { applySearchSecurity } from '../adapters/aws/opensearch-security';

const environmentSchema = z.object({
  AWS_REGION: z.string().min(1),
  FHIR_OPENSEARCH_ENDPOINT: z.url(),
  /** Off only for a local node in tests; the Lambda always signs. */
  FHIR_OPENSEARCH_SIGV4: z.enum(['true', 'false']).default('true'),
  // The Lambda runtime's credentials of the function's role (the master user).
  AWS_ACCESS_KEY_ID: z.string().min(1),
  AWS_SECRET_ACCESS_KEY: z.string().min(1),
  AWS_SESSION_TOKEN: z.string().optional(),
});

const propertiesSchema = z.object({
  IndexPrefix: z.string().regex(/^[a-z][a-z0-9-]*$/),
  BackendRoles: z.array(z.string().startsWith('arn:')).min(1),
});

export async function handler(event: CustomResourceEvent): Promise<void> {
  const environment = environmentSchema.parse(process.env);
  await answerCustomResource(event, `search-security-${String(event.ResourceProperties['IndexPrefix'])}`, async () => {
    const properties = propertiesSchema.parse(event.ResourceProperties);
    await applySearchSecurity(
      { indexPrefix: properties.IndexPrefix, backendRoles: properties.BackendRoles },
      {
        endpoint: environment.FHIR_OPENSEARCH_ENDPOINT,
        region: environment.AWS_REGION,
        ...(environment.FHIR_OPENSEARCH_SIGV4 === 'true'
          ? { credentials: { accessKeyId: environment.AWS_ACCESS_KEY_ID, secretAccessKey: environment.AWS_SECRET_ACCESS_KEY, sessionToken: environment.AWS_SESSION_TOKEN } }
          : {}),
      },
    );
  });
}
