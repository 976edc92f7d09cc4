// The audit record of a GraphQL subscription start over WebSocket (issue 13): the root field
// and the resource type it listens to.
import { getOperationAST, Kind, type DocumentNode } from 'graphql';
import { compact } from '../../core/audit/audit-record';
import type { AuditSink } from '../../core/ports/audit-sink';
import type { RequestContext } from '../../core/request';
import { graphqlAuditRecord } from '../graphql-audit';

export function auditSubscriptionStart(audit: AuditSink | undefined, ctx: RequestContext, document: DocumentNode | undefined, variables: Readonly<Record<string, unknown>>, operationName: string | undefined, status: number): void {
  if (audit === undefined) return;
  const operation = document === undefined ? undefined : getOperationAST(document, operationName);
  const field = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  let resourceType: string | undefined;
  const argument = field?.kind === Kind.FIELD ? field.arguments?.find((a) => a.name.value === 'resourceType') : undefined;
  if (argument?.value.kind === Kind.STRING) resourceType = argument.value.value;
  if (argument?.value.kind === Kind.VARIABLE) {
    const value = variables[argument.value.name.value];
    if (typeof value === 'string') resourceType = value;
  }
  audit.record(graphqlAuditRecord(ctx, 'subscribe', field?.kind === Kind.FIELD ? field.name.value : 'unknown', compact({ resourceType }), status, 'websocket'));
}
