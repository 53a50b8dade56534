#!/usr/bin/env bash
# Builds the container images the tests use, offline (no registry needed), from Debian packages:
#   oz-test/busybox:latest  — a busybox-static rootfs (seconds), the default sandbox test image
#   oz-test/debian:bookworm — a debootstrap minbase rootfs plus git and ca-certificates (about a minute)
#   oz-test/debian-node:bookworm — oz-test/debian plus this machine's Node binary ($NODE_BINARY, default the
#     `node` on PATH), for tests that run Node inside the sandbox (MCP stdio servers, the agent CLIs)
#   oz-test/debian-curl:bookworm — oz-test/debian plus curl, for tests where a sandbox calls the platform's API
# All have a non-root user `agent` (uid 1000) and a /workspace it owns, like the images runs use.
#
# Usage: scripts/build-test-images.sh [--force] [busybox] [debian] [debian-node] [debian-curl]
#   (no names = busybox, debian)
# An image that already exists is left alone unless --force is given. Needs a running dockerd, and
# installs busybox-static / debootstrap with apt-get when they are missing.
set -euo pipefail

force=0
wanted=()
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    busybox | debian | debian-node | debian-curl) wanted+=("$arg") ;;
    -h | --help)
      sed -n '2,13p' "$0"
      exit 0
      ;;
    *)
      echo "unknown argument: $arg (expected --force, busybox, debian, debian-node or debian-curl)" >&2
      exit 2
      ;;
  esac
done
[ ${#wanted[@]} -gt 0 ] || wanted=(busybox debian)

BUSYBOX_IMAGE=oz-test/busybox:latest
DEBIAN_IMAGE=oz-test/debian:bookworm
DEBIAN_BASE_IMAGE=oz-test/debian-base:bookworm
NODE_IMAGE=oz-test/debian-node:bookworm
CURL_IMAGE=oz-test/debian-curl:bookworm
# The debootstrap rootfs is kept here; delete it to bootstrap afresh (--force rebuilds images from it).
CACHE_DIR="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/oz-images"

log() { echo "build-test-images: $*"; }

# One scratch directory for rootfs trees and build contexts, removed however the script ends.
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

# shellcheck source=lib/docker-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/docker-images.sh"

# Installs Debian packages the build needs when they are missing (root, or sudo when available).
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Imports a rootfs directory as an image; tar keeps numeric owners so /workspace stays uid 1000.
import_rootfs() {
  local rootfs="$1" tag="$2"
  shift 2
  tar --numeric-owner -C "$rootfs" -c . | docker import "$@" - "$tag" >/dev/null
}

build_busybox() {
  if [ "$force" -eq 0 ] && image_exists "$BUSYBOX_IMAGE"; then
    log "$BUSYBOX_IMAGE already present (use --force to rebuild)"
    return 0
  fi
  ensure_packages busybox-static
  local started=$SECONDS
  local rootfs="$SCRATCH/busybox-rootfs"
  rm -rf "$rootfs"

  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,home/agent,workspace,proc,sys,dev}
  cp /bin/busybox "$rootfs/bin/busybox"
  # One symlink per applet at its usual path (bin/sh, usr/bin/env, ...), so plain `sh`, `true`, `sleep` work.
  local applet
  while read -r applet; do
    [ "$applet" = "bin/busybox" ] || ln -sf /bin/busybox "$rootfs/$applet"
  done < <("$rootfs/bin/busybox" --list-full)

  cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
agent:x:1000:1000:agent:/home/agent:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
agent:x:1000:
nogroup:x:65534:
EOF
  chmod 1777 "$rootfs/tmp"
  chmod 700 "$rootfs/root"
  chown -R 1000:1000 "$rootfs/home/agent" "$rootfs/workspace"

  local previous
  previous="$(image_id "$BUSYBOX_IMAGE")"
  import_rootfs "$rootfs" "$BUSYBOX_IMAGE" \
    --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'WORKDIR /workspace' \
    --change 'CMD ["/bin/sh"]'
  remove_replaced "$BUSYBOX_IMAGE" "$previous"
  log "built $BUSYBOX_IMAGE from busybox-static $(dpkg-query -W -f='${Version}' busybox-static) in $((SECONDS - started))s"
}

# The debootstrap rootfs is cached as a tarball, so a rebuild (or a fresh Docker) does not bootstrap again.
debian_rootfs_tarball() {
  local tarball="$CACHE_DIR/debian-bookworm-minbase.tar"
  if [ -s "$tarball" ]; then
    log "using cached rootfs $tarball" >&2
    echo "$tarball"
    return 0
  fi
  ensure_packages debootstrap >&2
  mkdir -p "$CACHE_DIR"
  local rootfs="$SCRATCH/debian-rootfs"
  log "debootstrap --variant=minbase bookworm (about a minute)" >&2
  if ! debootstrap --variant=minbase bookworm "$rootfs" >"$CACHE_DIR/debootstrap.log" 2>&1; then
    echo "debootstrap failed; see $CACHE_DIR/debootstrap.log" >&2
    return 1
  fi
  # Apt's package lists and caches only make the image bigger; `apt-get update` refetches them.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar --numeric-owner -C "$rootfs" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf "$rootfs"
  echo "$tarball"
}

build_debian() {
  if [ "$force" -eq 0 ] && image_exists "$DEBIAN_IMAGE"; then
    log "$DEBIAN_IMAGE already present (use --force to rebuild)"
    return 0
  fi
  local started=$SECONDS
  if [ "$force" -eq 1 ] || ! image_exists "$DEBIAN_BASE_IMAGE"; then
    local tarball previous_base
    tarball="$(debian_rootfs_tarball)"
    previous_base="$(image_id "$DEBIAN_BASE_IMAGE")"
    docker import --change 'CMD ["/bin/bash"]' "$tarball" "$DEBIAN_BASE_IMAGE" >/dev/null
    log "imported $DEBIAN_BASE_IMAGE"
  fi

  local context="$SCRATCH/debian-context"
  mkdir -p "$context"
  cat >"$context/Dockerfile" <<EOF
FROM $DEBIAN_BASE_IMAGE
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update \\
 && apt-get install -y --no-install-recommends git ca-certificates \\
 && rm -rf /var/lib/apt/lists/* \\
 && useradd --uid 1000 --user-group --create-home --shell /bin/bash agent \\
 && mkdir /workspace && chown agent:agent /workspace
WORKDIR /workspace
CMD ["/bin/bash"]
EOF
  local previous
  previous="$(image_id "$DEBIAN_IMAGE")"
  build_image "$DEBIAN_IMAGE" "$context"
  remove_replaced "$DEBIAN_IMAGE" "$previous"
  [ -z "${previous_base:-}" ] || remove_replaced "$DEBIAN_BASE_IMAGE" "$previous_base"
  log "built $DEBIAN_IMAGE (git, ca-certificates, user agent) in $((SECONDS - started))s"
}

build_debian-node() {
  if [ "$force" -eq 0 ] && image_exists "$NODE_IMAGE"; then
    log "$NODE_IMAGE already present (use --force to rebuild)"
    return 0
  fi
  # --force rebuilds this image, not the Debian one under it.
  force=0 build_debian
  local node="${NODE_BINARY:-$(command -v node)}"
  local context="$SCRATCH/node-context"
  mkdir -p "$context"
  cp "$node" "$context/node"
  printf 'FROM %s\nCOPY node /usr/local/bin/node\n' "$DEBIAN_IMAGE" >"$context/Dockerfile"
  local previous
  previous="$(image_id "$NODE_IMAGE")"
  build_image "$NODE_IMAGE" "$context"
  remove_replaced "$NODE_IMAGE" "$previous"
  log "built $NODE_IMAGE (node $("$node" --version))"
}

build_debian-curl() {
  if [ "$force" -eq 0 ] && image_exists "$CURL_IMAGE"; then
    log "$CURL_IMAGE already present (use --force to rebuild)"
    return 0
  fi
  # --force rebuilds this image, not the Debian one under it.
  force=0 build_debian
  local context="$SCRATCH/curl-context"
  mkdir -p "$context"
  printf 'FROM %s\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n' \
    "$DEBIAN_IMAGE" >"$context/Dockerfile"
  local previous
  previous="$(image_id "$CURL_IMAGE")"
  build_image "$CURL_IMAGE" "$context"
  remove_replaced "$CURL_IMAGE" "$previous"
  log "built $CURL_IMAGE (curl)"
}

docker info >/dev/null 2>&1 || {
  echo "build-test-images: the Docker daemon is not reachable" >&2
  exit 1
}
for name in "${wanted[@]}"; do
  "build_$name"
done
