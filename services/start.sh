#!/usr/bin/env bash
# Starts the real engines the AWS adapter suites run against (issue 6), from registries only:
#   - moto in server mode (PyPI, pinned in services/requirements.txt): DynamoDB with
#     TransactWriteItems and Streams, and S3;
#   - a single-node OpenSearch 2.19 (Maven Central jars, services/opensearch) on Java 17.
# Both bind 127.0.0.1 on free ports. PIDs go to .services/<name>.pid, endpoints to
# .services/env (KEY=VALUE lines, read by test/aws). Idempotent: a service already running and
# healthy is reused. Fails loudly (exit 1, log tail) when a service does not come up in time.
#
# Usage: services/start.sh [moto] [opensearch]     (no argument: both)
# Tunables: MOTO_PORT, OPENSEARCH_PORT, OPENSEARCH_TRANSPORT_PORT, OPENSEARCH_HEAP (768m),
#           SERVICES_START_TIMEOUT (seconds per service, 180).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.services"
ENV_FILE="$STATE/env"
TIMEOUT="${SERVICES_START_TIMEOUT:-180}"
mkdir -p "$STATE"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Replaces (or adds) KEY=VALUE in the env file, keeping the other service's lines.
set_env() {
  local key="$1" value="$2" tmp
  tmp="$(mktemp "$STATE/env.XXXXXX")"
  { [[ -f "$ENV_FILE" ]] && grep -v "^$key=" "$ENV_FILE" || true; echo "$key=$value"; } > "$tmp"
  mv "$tmp" "$ENV_FILE"
}

env_value() { [[ -f "$ENV_FILE" ]] && sed -n "s/^$1=//p" "$ENV_FILE" | tail -n 1; }

# Waits until `check` succeeds, the process dies, or the timeout passes.
wait_for() {
  local name="$1" pidfile="$2" logfile="$3" check="$4" started=$SECONDS
  until eval "$check" >/dev/null 2>&1; do
    if ! alive "$pidfile"; then
      tail -n 40 "$logfile" >&2 || true
      rm -f "$pidfile"
      die "$name exited during start-up (log: $logfile)"
    fi
    if (( SECONDS - started > TIMEOUT )); then
      tail -n 40 "$logfile" >&2 || true
      kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
      die "$name did not become healthy within ${TIMEOUT}s (log: $logfile)"
    fi
    sleep 0.5
  done
  log "$name healthy after $(( SECONDS - started ))s"
}

start_moto() {
  local pidfile="$STATE/moto.pid" logfile="$STATE/moto.log" venv="$STATE/moto-venv"
  local req="$ROOT/services/requirements.txt" stamp="$STATE/moto-venv/.requirements.sha256"
  command -v python3 >/dev/null || die "python3 is required for moto (DynamoDB/S3 emulator)"

  local port
  port="$(env_value MOTO_PORT || true)"
  if alive "$pidfile" && [[ -n "$port" ]] && curl -fsS -m 3 -o /dev/null "http://127.0.0.1:$port/moto-api/"; then
    log "moto already running (pid $(cat "$pidfile"), port $port)"
    return
  fi
  rm -f "$pidfile"

  local want
  want="$(sha256sum "$req" | cut -d' ' -f1)"
  if [[ ! -x "$venv/bin/moto_server" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    log "installing moto into $venv (PyPI, pinned)"
    rm -rf "$venv"
    python3 -m venv "$venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" >"$STATE/pip.log" 2>&1 \
      || { tail -n 40 "$STATE/pip.log" >&2; die "pip install of moto failed"; }
    echo "$want" > "$stamp"
  fi

  port="${MOTO_PORT:-$(free_port)}"
  log "starting moto on 127.0.0.1:$port"
  # setsid: its own process group, so it outlives this script and stop.sh can end it by PID.
  # services/moto_server.py: moto's app with requests serialized (see the file for why).
  setsid "$venv/bin/python" "$ROOT/services/moto_server.py" --host 127.0.0.1 --port "$port" >"$logfile" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  wait_for moto "$pidfile" "$logfile" "curl -fsS -m 3 -o /dev/null http://127.0.0.1:$port/moto-api/"
  set_env MOTO_PORT "$port"
  set_env MOTO_ENDPOINT "http://127.0.0.1:$port"
}

# True when every jar the last build resolved is still in the local Maven repository.
classpath_complete() {
  local entry
  while IFS= read -r -d ':' entry; do
    [[ -f "$entry" ]] || return 1
  done < <(cat "$1"; printf ':')
}

start_opensearch() {
  local pidfile="$STATE/opensearch.pid" logfile="$STATE/opensearch.log"
  local project="$ROOT/services/opensearch" home="$STATE/opensearch"
  command -v java >/dev/null || die "java (17) is required for OpenSearch"
  local java_major
  java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [[ "${java_major%%.*}" =~ ^[0-9]+$ ]] && (( ${java_major%%.*} >= 17 )) \
    || die "OpenSearch 2.19 needs Java 17 or newer; java on PATH is ${java_major:-unknown}"
  command -v mvn >/dev/null || die "mvn is required to build the OpenSearch launcher"

  local port
  port="$(env_value OPENSEARCH_PORT || true)"
  if alive "$pidfile" && [[ -n "$port" ]] && curl -fsS -m 3 -o /dev/null "http://127.0.0.1:$port/_cluster/health"; then
    log "OpenSearch already running (pid $(cat "$pidfile"), port $port)"
    return
  fi
  rm -f "$pidfile"

  local cp="$project/target/classpath.txt"
  if [[ ! -f "$cp" || -n "$(find "$project/pom.xml" "$project/src" -newer "$cp" -print -quit)" ]] || ! classpath_complete "$cp"; then
    log "building the OpenSearch launcher (Maven Central)"
    (cd "$project" && mvn -q -B package >"$STATE/mvn.log" 2>&1) \
      || { tail -n 40 "$STATE/mvn.log" >&2; die "mvn package of services/opensearch failed"; }
  fi

  # A fresh node each start: tests create their own indices and expect no leftovers.
  rm -rf "$home"
  mkdir -p "$home"
  port="${OPENSEARCH_PORT:-$(free_port)}"
  local tport="${OPENSEARCH_TRANSPORT_PORT:-$(free_port)}"
  local heap="${OPENSEARCH_HEAP:-768m}"
  log "starting OpenSearch on 127.0.0.1:$port (heap $heap)"
  setsid java -Xms"$heap" -Xmx"$heap" -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j2.disable.jmx=true -Dlog4j.shutdownHookEnabled=false \
    -cp "$project/target/classes:$(cat "$cp")" org.fhirgateway.opensearch.EmbeddedOpenSearch \
    "$home" "$port" "$tport" >"$logfile" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  wait_for OpenSearch "$pidfile" "$logfile" \
    "curl -fsS -m 3 -o /dev/null 'http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=1s'"
  set_env OPENSEARCH_PORT "$port"
  set_env OPENSEARCH_URL "http://127.0.0.1:$port"
}

services=("$@")
(( ${#services[@]} > 0 )) || services=(moto opensearch)
for s in "${services[@]}"; do
  case "$s" in
    moto) start_moto ;;
    opensearch) start_opensearch ;;
    *) die "unknown service '$s' (expected moto or opensearch)" ;;
  esac
done
log "endpoints in $ENV_FILE:"
sed 's/^/  /' "$ENV_FILE" >&2
