#!/usr/bin/env bash
# Builds the image, brings docker-compose.yml up as an operator would (no bootstrap variables needed, but the
# smoke sets them to get an API key), runs one `command`-harness run to SUCCEEDED through the API, checks
# its transcript, then takes the stack down with its volumes. Heavy (an image build): not part of CI.
# Usage: scripts/compose-smoke.sh [--keep]   (--keep leaves the stack up; `docker-compose -p ozsmoke down -v`)
# Base images: node:24-bookworm-slim, postgres:16 and redis:7 when a registry serves them, else local ones
# from scripts/build-compose-images.sh. Uses `docker compose` (v2) or `docker-compose`, installing Debian's
# docker-compose when neither exists.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

keep=0
[ "${1:-}" = "--keep" ] && keep=1
log() { echo "compose-smoke: $*"; }
project=ozsmoke

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  if ! command -v docker-compose >/dev/null; then
    source scripts/lib/apt.sh
    apt_install docker-compose
  fi
  compose=(docker-compose)
fi
dc() { "${compose[@]}" -p "$project" "$@"; }

# Base images: the registry's when it answers, else the offline ones.
pulled() { docker image inspect "$1" >/dev/null 2>&1 || docker pull -q "$1" >/dev/null 2>&1; }
if pulled node:24-bookworm-slim && pulled postgres:16 && pulled redis:7; then
  log "using node:24-bookworm-slim, postgres:16 and redis:7"
else
  log "no registry serves the base images: building local ones"
  bash scripts/build-compose-images.sh
  export OZ_NODE_IMAGE=oz-local/node:24 OZ_POSTGRES_IMAGE=oz-local/postgres:15 OZ_REDIS_IMAGE=oz-local/redis:7
fi

export OZ_IMAGE=oz-selfhost-smoke
started=$SECONDS
log "building $OZ_IMAGE"
DOCKER_BUILDKIT=0 docker build -q --build-arg "NODE_IMAGE=${OZ_NODE_IMAGE:-node:24-bookworm-slim}" -t "$OZ_IMAGE" . >/dev/null
log "built in $((SECONDS - started))s: $(docker image inspect -f '{{.Size}}' "$OZ_IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"

# Settings as an operator's .env would hold them.
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# Free ports: this host may run its own PostgreSQL and Redis on 5432 / 6379 (the worker reaches the stack's on
# the ports they publish on 127.0.0.1, since it runs on the host network).
OZ_PORT="${OZ_PORT:-$(free_port)}" OZ_POSTGRES_PORT="${OZ_POSTGRES_PORT:-$(free_port)}" OZ_REDIS_PORT="${OZ_REDIS_PORT:-$(free_port)}"
export OZ_PORT OZ_POSTGRES_PORT OZ_REDIS_PORT
export OZ_MASTER_KEY="$(openssl rand -base64 32)"
export OZ_BOOTSTRAP_ADMIN_EMAIL=smoke@example.com OZ_BOOTSTRAP_ADMIN_PASSWORD="$(openssl rand -hex 12)"
export OZ_BOOTSTRAP_API_KEY="wk-smoke-$(openssl rand -hex 12)"
# The run's sandbox: an image this Docker host has (scripts/build-test-images.sh), as no registry may answer.
export OZ_DEFAULT_IMAGE="${OZ_DEFAULT_IMAGE:-oz-test/busybox:latest}"
docker image inspect "$OZ_DEFAULT_IMAGE" >/dev/null 2>&1 || bash scripts/build-test-images.sh busybox

cleanup() {
  if [ "$keep" -eq 1 ]; then
    log "left up: http://localhost:$OZ_PORT (${compose[*]} -p $project down -v)"
  else
    dc down -v --remove-orphans >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

up_started=$SECONDS
dc up -d --no-build
api="http://localhost:$OZ_PORT"
for _ in $(seq 1 180); do
  curl -fsS "$api/readyz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "$api/readyz" >/dev/null || {
  dc logs --tail 80
  log "the API did not become ready"
  exit 1
}
log "API ready $((SECONDS - up_started))s after 'up'"

auth=(-H "authorization: Bearer $OZ_BOOTSTRAP_API_KEY" -H "content-type: application/json")
run_id=$(curl -fsS "${auth[@]}" "$api/api/v1/agent/runs" \
  -d '{"prompt":"smoke","config":{"harness":{"type":"command","command":"echo hello from compose"}}}' |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).run_id))')
log "run $run_id created"
state=""
for _ in $(seq 1 120); do
  state=$(curl -fsS "${auth[@]}" "$api/api/v1/agent/runs/$run_id" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).state))')
  case "$state" in SUCCEEDED | FAILED | ERROR | CANCELLED) break ;; esac
  sleep 1
done
events=$(curl -fsS "${auth[@]}" "$api/api/v1/agent/runs/$run_id/events?limit=1000")
if [ "$state" != SUCCEEDED ] || ! grep -q "hello from compose" <<<"$events"; then
  dc logs --tail 80
  log "run $run_id ended $state; transcript: $events"
  exit 1
fi
if dc logs api | grep -q '"url":"/readyz"'; then
  log "health checks are logged: they should not be"
  exit 1
fi
log "run $run_id SUCCEEDED with its output in the transcript; stack up to run done in $((SECONDS - up_started))s"
