// The embedded home's audit log (issue 13): JSON lines under the data directory, and optionally
// AuditEvent resources written by the server.
import { join } from 'node:path';
import { JsonlAuditSink } from '../adapters/embedded/jsonl-audit-sink';
import { AuditEventWriter } from '../core/audit/audit-event-writer';
import type { CoreDeps, Logger } from '../core/core-deps';
import { SERVER_INFO } from '../core/create-core-deps';
import type { AuditSink } from '../core/ports/audit-sink';
import type { LocalConfig } from './config';

export function createLocalAudit(config: LocalConfig, dataDir: string, deps: () => CoreDeps, log: Logger): AuditSink | undefined {
  const file = config.FHIR_AUDIT_LOG
    ? new JsonlAuditSink({
      file: config.FHIR_AUDIT_LOG_FILE ?? join(dataDir, 'audit', 'audit.jsonl'),
      maxBytes: config.FHIR_AUDIT_LOG_MAX_BYTES,
      maxFiles: config.FHIR_AUDIT_LOG_MAX_FILES,
      onError: (error) => log.error('writing the audit log failed', { error: String(error) }),
    })
    : undefined;
  return config.FHIR_AUDIT_EVENTS ? new AuditEventWriter(deps, SERVER_INFO.name, file) : file;
}
