#!/usr/bin/env bash
# `npm run test:aws`: starts moto and OpenSearch (services/start.sh), runs the AWS adapter
# suites under test/aws with the engines required (a missing engine fails instead of
# skipping), stops the services it started, and exits with jest's exit code.
# Extra arguments go to jest, e.g. `npm run test:aws -- -t 'history'`.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

# When both engines were already running they are left so; otherwise they are stopped at the end.
already_running=1
for service in moto opensearch; do
  pid_file=".services/$service.pid"
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null || already_running=0
done
cleanup() { (( already_running )) || services/stop.sh; }
trap cleanup EXIT

services/start.sh || { echo "[test:aws] the engines did not come up; no AWS suite ran" >&2; exit 1; }

FHIR_AWS_TESTS=required AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
  npx jest --runInBand test/aws "$@"
rc=$?
echo "[test:aws] jest exit code $rc" >&2
exit $rc
