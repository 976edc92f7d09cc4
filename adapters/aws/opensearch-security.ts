// Fine-grained access control of the search domain (issue 10), applied at deploy time by the
// CloudFormation custom resource of infra/constructs/search-security.ts through the security
// plugin's REST API, signed as the domain's master user (an IAM role):
// https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html#fgac-mapping
// https://opensearch.org/docs/2.19/security/access-control/api/
// The three FHIR Lambdas' roles are mapped (as backend roles) to one OpenSearch role that may
// read and write this stage's indexes and nothing else; audit logging records who did what, by
// metadata only: no request bodies, no document contents (they are PHI).
import { signRequest, type AwsCredentials } from './sigv4';

export interface SearchSecurityPlan {
  /** The stage's index prefix (fhir-<stage>); the role covers `<prefix>*`. */
  readonly indexPrefix: string;
  /** IAM role ARNs of the Lambdas that index and search. */
  readonly backendRoles: readonly string[];
}

export interface SecurityRequest {
  readonly method: 'PUT';
  readonly path: string;
  readonly body: unknown;
}

/** The OpenSearch role of the FHIR Lambdas, named after the stage's indexes. */
export function searchRoleName(indexPrefix: string): string {
  return `${indexPrefix}-lambdas`;
}

/**
 * What the adapters do (adapters/aws/opensearch-*.ts): create an index with its alias and
 * mapping on first write, index and bulk-write documents, check that an alias exists, search.
 */
const INDEX_ACTIONS = ['crud', 'create_index', 'indices:admin/aliases', 'indices:admin/aliases/get', 'indices:admin/get', 'indices:admin/mapping/put'];
/** _bulk and _msearch are cluster-level actions in OpenSearch's model. */
const CLUSTER_ACTIONS = ['indices:data/write/bulk', 'indices:data/read/msearch'];

export function searchSecurityRequests(plan: SearchSecurityPlan): SecurityRequest[] {
  const role = searchRoleName(plan.indexPrefix);
  return [
    {
      method: 'PUT',
      path: `/_plugins/_security/api/roles/${role}`,
      body: { description: 'FHIR Lambdas: this stage\'s indexes only', cluster_permissions: CLUSTER_ACTIONS, index_permissions: [{ index_patterns: [`${plan.indexPrefix}*`], allowed_actions: INDEX_ACTIONS }] },
    },
    { method: 'PUT', path: `/_plugins/_security/api/rolesmapping/${role}`, body: { backend_roles: [...plan.backendRoles], users: [], hosts: [] } },
    {
      method: 'PUT',
      path: '/_plugins/_security/api/audit/config',
      body: {
        enabled: true,
        audit: {
          enable_rest: true,
          enable_transport: false,
          disabled_rest_categories: ['AUTHENTICATED', 'GRANTED_PRIVILEGES'],
          disabled_transport_categories: ['AUTHENTICATED', 'GRANTED_PRIVILEGES'],
          resolve_indices: true,
          resolve_bulk_requests: false,
          log_request_body: false,
          exclude_sensitive_headers: true,
          ignore_users: [],
          ignore_requests: [],
        },
        compliance: {
          enabled: true,
          internal_config: true,
          external_config: false,
          read_metadata_only: true,
          read_watched_fields: {},
          read_ignore_users: [],
          write_metadata_only: true,
          write_log_diffs: false,
          write_watched_indices: [],
          write_ignore_users: [],
        },
      },
    },
  ];
}

export interface ApplyOptions {
  /** https://domain endpoint. */
  readonly endpoint: string;
  readonly region: string;
  /** Signs as the master user; absent for a node without SigV4 (tests). */
  readonly credentials?: AwsCredentials;
}

/** Sends the requests in order; the first refusal stops and is reported with its status and body. */
export async function applySearchSecurity(plan: SearchSecurityPlan, options: ApplyOptions): Promise<void> {
  for (const request of searchSecurityRequests(plan)) {
    const url = new URL(request.path, options.endpoint);
    const body = JSON.stringify(request.body);
    const base = { 'content-type': 'application/json' };
    const headers = options.credentials ? signRequest({ method: request.method, url, headers: base, body }, options.credentials, options.region, 'es') : base;
    const response = await fetch(url, { method: request.method, headers, body });
    if (!response.ok) throw new Error(`${request.method} ${request.path}: ${response.status} ${(await response.text()).slice(0, 500)}`);
  }
}
