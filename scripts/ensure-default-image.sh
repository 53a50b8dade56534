#!/usr/bin/env bash
# Makes sure the sandbox image of runs without an environment exists, and prints its name on stdout (messages go
# to stderr). scripts/run.sh exports what it prints as OZ_DEFAULT_IMAGE, so a newcomer's first run works even on a
# machine no registry answers.
#
#   OZ_DEFAULT_IMAGE set:   that image, pulled when missing; when it cannot be had, a warning (runs without an
#                           environment will fail saying so) and the name unchanged — your choice is kept.
#   OZ_DEFAULT_IMAGE unset: debian:bookworm-slim, pulled when missing; when no registry answers, an equivalent
#                           Debian bookworm image built offline from Debian's packages (git, ca-certificates, user
#                           `agent`, /workspace; about a minute the first time) and tagged oz-local/debian:bookworm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

REGISTRY_DEFAULT=debian:bookworm-slim
OFFLINE_DEFAULT=oz-local/debian:bookworm
wanted="${OZ_DEFAULT_IMAGE:-$REGISTRY_DEFAULT}"

log() { echo "ensure-default-image: $*" >&2; }
present() { docker image inspect "$1" >/dev/null 2>&1; }

if present "$wanted"; then
  echo "$wanted"
  exit 0
fi
log "pulling $wanted"
if docker pull "$wanted" >/dev/null 2>&1; then
  echo "$wanted"
  exit 0
fi
if [ -n "${OZ_DEFAULT_IMAGE:-}" ]; then
  log "WARNING: OZ_DEFAULT_IMAGE=$wanted is not on this Docker engine and cannot be pulled:" \
    "runs without an environment will fail until it is (docker pull / docker load it, or unset OZ_DEFAULT_IMAGE)"
  echo "$wanted"
  exit 0
fi
if ! present "$OFFLINE_DEFAULT"; then
  log "no registry answers: building $OFFLINE_DEFAULT from Debian's packages instead of $REGISTRY_DEFAULT"
  bash scripts/build-test-images.sh debian >&2
  docker tag oz-test/debian:bookworm "$OFFLINE_DEFAULT"
fi
log "runs without an environment use $OFFLINE_DEFAULT ($REGISTRY_DEFAULT cannot be pulled here)"
echo "$OFFLINE_DEFAULT"
