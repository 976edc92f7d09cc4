import { CustomResource, Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDA_ENV } from '../lambda-entries';
import { FhirFunction, type FunctionSettings } from './fhir-function';
import type { SearchDomain } from './search-domain';

export interface SearchSecurityProps {
  readonly settings: FunctionSettings;
  readonly entry: string;
  readonly search: SearchDomain;
}

/**
 * Fine-grained access control of the search domain, applied at deploy time (issue 10): a
 * custom resource whose Lambda runs as the domain's master user and, through the security
 * plugin's API, maps the roles given index access (SearchDomain.grantIndexAccess) to one
 * OpenSearch role limited to this stage's indexes, and turns on audit logging by metadata only
 * (adapters/aws/opensearch-security.ts). Every deploy that changes the roles re-applies it.
 * Add it after every grantIndexAccess call: the role list is read when it is created.
 */
export class SearchSecurity extends Construct {
  constructor(scope: Construct, id: string, props: SearchSecurityProps) {
    super(scope, id);
    const { search } = props;
    const handler = new FhirFunction(this, 'Handler', {
      ...props.settings,
      environment: { [LAMBDA_ENV.openSearchEndpoint]: search.endpoint },
      entry: props.entry,
      description: 'FHIR: search domain role mapping and audit config (CloudFormation custom resource)',
      memorySize: 256,
      timeout: Duration.minutes(2),
      reservedConcurrency: 1,
      role: search.securityAdmin,
    }).function;
    const mapping = new CustomResource(this, 'Mapping', {
      serviceToken: handler.functionArn,
      resourceType: 'Custom::SearchSecurity',
      properties: { IndexPrefix: search.indexPrefix, BackendRoles: search.indexRoles.map((role) => role.roleArn) },
    });
    // The master user's policy (its es: grant) must exist before the function first calls the domain.
    mapping.node.addDependency(search.securityAdmin);
  }
}
