#!/usr/bin/env bash
# Time from `pnpm start` on a database that does not exist yet to the API answering /readyz, with Node's compile
# cache cold (an empty NODE_COMPILE_CACHE directory: first start after install or upgrade) and warm (the cache
# the previous start filled). Prints each sample and the medians. Results: bench/README.md, "start-time".
# Usage: bench/start-time.sh [ROUNDS=5]   Needs PostgreSQL and Redis (DATABASE_URL's server, REDIS_URL), a
# Docker engine (the worker checks it at start), and `source scripts/env.sh`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds="${1:-5}"
server="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
port="${PORT:-18553}"
warm_cache="$(mktemp -d)"
trap 'rm -rf "$warm_cache" "$warm_cache.setup-token"' EXIT
node scripts/ensure-web-build.mjs >/dev/null

ms() { echo $(($(date +%s%N) / 1000000)); }

# One start: a fresh database name, the given cache directory; prints milliseconds to ready.
start_once() {
  local cache="$1" db="oz_bench_start_$RANDOM$RANDOM" started
  local url="${server%/*}/$db"
  started=$(ms)
  DATABASE_URL="$url" PORT="$port" HOST=127.0.0.1 NODE_COMPILE_CACHE="$cache" OZ_LOG_LEVEL=warn \
    OZ_QUEUE_PREFIX="oz-bench-start" OZ_WORKER_ID="bench-start" OZ_MASTER_KEY="$(openssl rand -hex 32)" \
    OZ_SETUP_TOKEN_FILE="$warm_cache.setup-token" \
    setsid pnpm start >/dev/null 2>&1 &
  local group=$!
  until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.05; done
  echo $(($(ms) - started))
  kill -TERM -- -"$group" 2>/dev/null || true
  while kill -0 -- -"$group" 2>/dev/null; do sleep 0.1; done # every process of the start, not just pnpm
  wait "$group" 2>/dev/null || true
  psql "${server%/*}/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

cold=() warm=()
start_once "$warm_cache" >/dev/null # fills the warm cache
for _ in $(seq 1 "$rounds"); do
  cold_cache="$(mktemp -d)"
  cold+=("$(start_once "$cold_cache")")
  rm -rf "$cold_cache"
  warm+=("$(start_once "$warm_cache")")
done
echo "cold compile cache: ${cold[*]} ms  → median $(printf '%s\n' "${cold[@]}" | median) ms"
echo "warm compile cache: ${warm[*]} ms  → median $(printf '%s\n' "${warm[@]}" | median) ms"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
