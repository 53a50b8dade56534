#!/usr/bin/env bash
# Makes sure a Docker engine answers (runs execute in containers): installs Debian's docker.io when dockerd is
# missing, starts dockerd in the background when `docker info` fails, then builds the images tests use.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$repo/scripts/lib/apt.sh"

if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null; then
    echo "ensure-docker: installing docker.io"
    apt_install docker.io
  fi
  if ! docker info >/dev/null 2>&1; then
    echo "ensure-docker: starting dockerd"
    mkdir -p /var/log
    # setsid + nohup: the engine outlives this script (and CI's shell).
    setsid nohup dockerd >/var/log/dockerd-oz.log 2>&1 </dev/null &
    for _ in $(seq 1 120); do
      docker info >/dev/null 2>&1 && break
      sleep 0.5
    done
    if ! docker info >/dev/null 2>&1; then
      echo "ensure-docker: dockerd did not come up; its log:" >&2
      tail -n 30 /var/log/dockerd-oz.log >&2 || true
      exit 1
    fi
  fi
fi
echo "ensure-docker: Docker engine $(docker version --format '{{.Server.Version}}' 2>/dev/null) answers"

# `--engine-only` (scripts/run.sh): the platform needs the engine, not the test images.
if [[ "${1:-}" != "--engine-only" ]]; then
  bash "$repo/scripts/build-test-images.sh"
fi
