#!/usr/bin/env bash
# Stops what services/start.sh started, by the PIDs it recorded (never by name). Idempotent:
# a missing or stale PID file is not an error. Removes the env file so test/aws sees the
# engines as absent again.
#
# Usage: services/stop.sh [moto] [opensearch]     (no argument: both)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.services"
ENV_FILE="$STATE/env"

log() { printf '[services] %s\n' "$*" >&2; }

stop_one() {
  local name="$1" pidfile="$STATE/$1.pid" pid
  if [[ ! -f "$pidfile" ]]; then
    log "$name: not running (no pid file)"
    return
  fi
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) ignored SIGTERM for 30s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "$name stopped (pid $pid)"
  else
    log "$name: pid $pid was not running"
  fi
  rm -f "$pidfile"
}

drop_env() {
  [[ -f "$ENV_FILE" ]] || return 0
  local tmp
  tmp="$(mktemp "$STATE/env.XXXXXX")"
  grep -v -E "^($1)=" "$ENV_FILE" > "$tmp" || true
  if [[ -s "$tmp" ]]; then mv "$tmp" "$ENV_FILE"; else rm -f "$tmp" "$ENV_FILE"; fi
}

services=("$@")
(( ${#services[@]} > 0 )) || services=(moto opensearch)
for s in "${services[@]}"; do
  case "$s" in
    moto) stop_one moto; drop_env 'MOTO_PORT|MOTO_ENDPOINT' ;;
    opensearch) stop_one opensearch; drop_env 'OPENSEARCH_PORT|OPENSEARCH_URL' ;;
    *) log "unknown service '$s' (expected moto or opensearch)"; exit 1 ;;
  esac
done
