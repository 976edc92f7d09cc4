#!/usr/bin/env bash
# `npm run bench:aws`: starts moto and OpenSearch, prints create/read/search figures of the AWS
# adapters beside the embedded ones (test/aws/bench-aws.ts) and the Lambda cold start of the
# bundles as deployed (test/aws/bench-cold-start.ts), stops the services it started.
# Arguments: requests per operation (default 500), OpenSearch refresh interval (default 1s).
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/with-engines.sh" "bench:aws"
AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true npx tsx test/aws/bench-aws.ts "${1:-500}" "${2:-1s}" || exit 1
echo
AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true npx tsx test/aws/bench-cold-start.ts
