#!/usr/bin/env bash
# Builds the sandbox images the third-party harness tests run the real agent CLIs in. Offline apart from the
# npm registry: each image is oz-test/debian-node:bookworm (oz-test/debian:bookworm plus this machine's Node)
# with one CLI that `npm install -g` fetched on the host, so `docker build` itself needs no network:
#   oz-test/claude:latest  — @anthropic-ai/claude-code   (`claude`)
#   oz-test/codex:latest   — @openai/codex               (`codex`)
#   oz-test/gemini:latest  — @google/gemini-cli          (`gemini`)
# The versions are pinned below: the recorded streams in packages/harness/fixtures come from them.
#
# Usage: scripts/build-harness-images.sh [--force] [claude] [codex] [gemini]   (no names = all three)
# An image is left alone when it exists and carries the pinned version (its oz.cli.version label), unless
# --force is given. Needs a running dockerd, node and npm.
set -euo pipefail

declare -A PACKAGES=(
  [claude]="@anthropic-ai/claude-code@2.1.330"
  [codex]="@openai/codex@0.169.0"
  [gemini]="@google/gemini-cli@0.61.0"
)

force=0
wanted=()
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    claude | codex | gemini) wanted+=("$arg") ;;
    -h | --help)
      sed -n '2,12p' "$0"
      exit 0
      ;;
    *)
      echo "unknown argument: $arg (expected --force, claude, codex or gemini)" >&2
      exit 2
      ;;
  esac
done
[ ${#wanted[@]} -gt 0 ] || wanted=(claude codex gemini)

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The base of every CLI image (scripts/build-test-images.sh debian-node).
NODE_IMAGE=oz-test/debian-node:bookworm

log() { echo "build-harness-images: $*"; }

SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

# shellcheck source=lib/docker-images.sh
source "$repo/scripts/lib/docker-images.sh"

build_cli() {
  local name="$1" spec="${PACKAGES[$1]}" tag="oz-test/$1:latest"
  local version="${spec##*@}"
  if [ "$force" -eq 0 ] && [ "$(image_label "$tag" oz.cli.version)" = "$version" ]; then
    log "$tag ($spec) already present (use --force to rebuild)"
    return 0
  fi
  bash "$repo/scripts/build-test-images.sh" debian-node
  local started=$SECONDS context="$SCRATCH/$name-context"
  mkdir -p "$context/prefix"
  # A global install into a prefix: bin/<cli> and lib/node_modules/..., laid out as /usr/local expects.
  npm install --global --prefix "$context/prefix" --no-audit --no-fund --loglevel=error "$spec" >&2
  # One archive, so hard links (Claude Code's native binary is linked twice) stay one file in the image.
  tar -C "$context/prefix" -cf "$context/cli.tar" .
  rm -rf "$context/prefix"
  cat >"$context/Dockerfile" <<EOF
FROM $NODE_IMAGE
ADD cli.tar /usr/local/
LABEL oz.cli.package="${spec%@*}" oz.cli.version="$version"
EOF
  local previous
  previous="$(image_id "$tag")"
  build_image "$tag" "$context"
  remove_replaced "$tag" "$previous"
  log "built $tag ($spec) in $((SECONDS - started))s"
}

docker info >/dev/null 2>&1 || {
  echo "build-harness-images: the Docker daemon is not reachable" >&2
  exit 1
}
for name in "${wanted[@]}"; do
  build_cli "$name"
done
