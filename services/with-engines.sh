# Sourced by run-aws-tests.sh and run-aws-bench.sh: starts moto and OpenSearch unless both are
# already running, and stops them on exit only if this script started them. Usage:
#   source services/with-engines.sh "<label>"   (exits 1, naming <label>, if they do not come up)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

already_running=1
for service in moto opensearch; do
  pid_file=".services/$service.pid"
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null || already_running=0
done
cleanup() { (( already_running )) || services/stop.sh; }
trap cleanup EXIT

services/start.sh || { echo "[$1] the engines did not come up; nothing ran" >&2; exit 1; }
