#!/usr/bin/env bash
# `npm run start:aws` (issue 9): the AWS home's Lambda handlers on 127.0.0.1 (local/aws-main.ts),
# wired to the engines `npm run services:start` runs (moto and OpenSearch; endpoints in
# .services/env). Start the engines first; this script does not start or stop them.
# Settings: PORT (8080), HOST, FHIR_DATA_DIR (dev issuer keys, ./data), FHIR_TABLE_NAME
# (fhir-local), FHIR_OPENSEARCH_INDEX_PREFIX (fhir), FHIR_BINARY_BUCKET (fhir-local-binaries),
# and every setting of wiring/aws.ts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_FILE="$ROOT/.services/env"
value() { [[ -f "$ENV_FILE" ]] && sed -n "s/^$1=//p" "$ENV_FILE" | tail -n 1; }
moto="$(value MOTO_ENDPOINT || true)"
opensearch="$(value OPENSEARCH_URL || true)"
if [[ -z "$moto" || -z "$opensearch" ]] || ! curl -fsS -m 3 -o /dev/null "$moto/moto-api/" || ! curl -fsS -m 3 -o /dev/null "$opensearch/_cluster/health"; then
  echo "[start:aws] moto and OpenSearch are not running: run \`npm run services:start\` first" >&2
  exit 1
fi
export FHIR_DYNAMODB_ENDPOINT="${FHIR_DYNAMODB_ENDPOINT:-$moto}"
export FHIR_S3_ENDPOINT="${FHIR_S3_ENDPOINT:-$moto}"
export FHIR_OPENSEARCH_ENDPOINT="${FHIR_OPENSEARCH_ENDPOINT:-$opensearch}"
export FHIR_OPENSEARCH_SIGV4="${FHIR_OPENSEARCH_SIGV4:-false}"
export FHIR_TABLE_NAME="${FHIR_TABLE_NAME:-fhir-local}"
# moto accepts any credentials; the SDK needs some.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-testing}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-testing}" AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
cd "$ROOT"
exec node --import tsx local/aws-main.ts
