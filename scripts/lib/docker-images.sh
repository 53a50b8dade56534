# Sourced by the build-*-images scripts: inspect, build and replace local Docker images.
# Needs $SCRATCH, a scratch directory the caller removes.

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }
image_label() { docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }

# A rebuild leaves the previous image untagged: remove it, unless something still uses it.
remove_replaced() {
  local tag="$1" previous="$2"
  if [ -n "$previous" ] && [ "$previous" != "$(image_id "$tag")" ]; then
    docker image rm "$previous" >/dev/null 2>&1 || true
  fi
}

# The legacy builder (no buildx here) prints a deprecation notice: keep its output for failures only.
build_image() {
  local tag="$1" context="$2"
  if ! DOCKER_BUILDKIT=0 docker build --force-rm -t "$tag" "$context" >"$SCRATCH/build.log" 2>&1; then
    cat "$SCRATCH/build.log" >&2
    echo "$(basename "$0"): building $tag failed" >&2
    return 1
  fi
}
