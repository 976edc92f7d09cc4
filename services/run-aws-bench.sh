#!/usr/bin/env bash
# `npm run bench:aws`: starts moto and OpenSearch, prints create/read/search figures of the AWS
# adapters beside the embedded ones (test/aws/bench-aws.ts), stops the services it started.
# Arguments: requests per operation (default 500), OpenSearch refresh interval (default 1s).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

already_running=1
for service in moto opensearch; do
  pid_file=".services/$service.pid"
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null || already_running=0
done
cleanup() { (( already_running )) || services/stop.sh; }
trap cleanup EXIT

services/start.sh || { echo "[bench:aws] the engines did not come up" >&2; exit 1; }
AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true npx tsx test/aws/bench-aws.ts "${1:-500}" "${2:-1s}"
