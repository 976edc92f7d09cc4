#!/usr/bin/env bash
# `npm run test:aws`: starts moto and OpenSearch (services/start.sh), runs the AWS adapter
# suites under test/aws with the engines required (a missing engine fails instead of
# skipping), stops the services it started, and exits with jest's exit code.
# Extra arguments go to jest, e.g. `npm run test:aws -- -t 'history'`.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/with-engines.sh" "test:aws"

FHIR_AWS_TESTS=required AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
  npx jest --runInBand test/aws "$@"
rc=$?
echo "[test:aws] jest exit code $rc" >&2
exit $rc
