#!/bin/sh
# Starts one of our programs from its TypeScript entry point: `sh scripts/start-program.sh apps/api/src/main.ts`
# (what `pnpm start:api` / `pnpm start:worker` run). Node strips the types itself: no tsx, no build step.
#
# Node's type stripper is a wasm build of swc that costs a process ~17 MB for its whole life once loaded, and
# it is loaded only for a file whose transpiled form is not in Node's compile cache. So the cache is filled
# first, in a short-lived process that loads every module of the program without running any of them; the
# program then starts with every file in the cache and never loads the stripper.
#
# The rest is there for memory (bench/README.md, "idle-rss", has the measurements; none of it changed request
# latency measurably):
#   --experimental-transform-types  parameter properties and enums, which plain type stripping refuses
#   --max-semi-space-size=1         a 1 MB young generation instead of V8's 16 MB default, which a busy API
#                                   grows into and keeps: 25-55 MB more resident; a request's garbage fits in 1 MB
#   --liftoff-only                  Prisma's wasm query compiler stays on V8's baseline wasm code instead of
#                                   also keeping optimised code for its hot functions
#   MALLOC_ARENA_MAX=2              glibc gives each thread that allocates an arena of its own and keeps what
#                                   was freed in it; node's helper threads do not need their own
set -eu

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
# Per user: it must be writable by the program's user. The fill step below recreates it whenever it is gone.
export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-${TMPDIR:-/tmp}/oz-compile-cache-$(id -u)}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
node_flags="--experimental-transform-types --disable-warning=ExperimentalWarning --max-semi-space-size=1 --liftoff-only"

if [ $# -lt 1 ]; then
  echo "usage: $0 ENTRY.ts [ARGS...]" >&2
  exit 2
fi

# shellcheck disable=SC2086 # node_flags is a list of flags
node $node_flags "$root/scripts/fill-compile-cache.mjs" "$1"
# shellcheck disable=SC2086
exec node $node_flags "$@"
