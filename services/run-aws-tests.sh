#!/usr/bin/env bash
# `npm run test:aws`: starts moto and OpenSearch (services/start.sh), runs the AWS adapter
# suites under test/aws with the engines required (a missing engine fails instead of
# skipping), then the HTTP-level suites against the AWS home (`npm run start:aws`, issue 9:
# the HAPI client + validator suite, the conformance corpus, the authorization matrix and
# newman; `npm test` runs the same suites against the local home), stops the services it
# started, and exits non-zero if any jest run failed.
# Extra arguments go to the first jest run, e.g. `npm run test:aws -- -t 'history'`.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/with-engines.sh" "test:aws"

FHIR_AWS_TESTS=required AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
  npx jest --runInBand test/aws "$@"
rc=$?
echo "[test:aws] jest exit code $rc (AWS adapter suites)" >&2

# FHIR_AWS_HOME_SUITES=skip leaves them out (.ci/node24: the Node 24 stage proves the Lambda code
# on its runtime; the HTTP suites exercise the same code once more through the same handlers).
if [[ "${FHIR_AWS_HOME_SUITES:-run}" == "skip" ]]; then
  echo "[test:aws] HTTP suites on the AWS home skipped (FHIR_AWS_HOME_SUITES=skip)" >&2
  exit $rc
fi
start=$SECONDS
FHIR_TEST_HOME=aws AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
  npx jest --runInBand test/hapi test/conformance test/auth/authorization-matrix.test.ts test/postman
home_rc=$?
echo "[test:aws] jest exit code $home_rc (HTTP suites on the AWS home, $(( SECONDS - start ))s)" >&2
(( rc != 0 )) && exit $rc
exit $home_rc
