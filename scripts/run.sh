#!/usr/bin/env bash
# Runs the platform on this machine: installs the toolchain, PostgreSQL and Redis when missing, the
# Docker engine when missing, the dependencies, then starts the API (with the dashboard) on http://localhost:8080
# and a worker (they create and migrate the database at start), and prints a banner once the API answers:
# where it is, how to sign in, a first run. Ctrl-C stops both.
# Configuration comes from the environment (docs/configuration.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/toolchain.sh
source scripts/env.sh
bash scripts/ensure-services.sh
bash scripts/ensure-docker.sh --engine-only
# The sandbox image of runs without an environment: pulled, or built offline where no registry answers.
OZ_DEFAULT_IMAGE="$(bash scripts/ensure-default-image.sh)"
export OZ_DEFAULT_IMAGE
pnpm install --frozen-lockfile

pnpm start &
platform=$!
trap 'kill -TERM "$platform" 2>/dev/null || true; wait "$platform"' INT TERM

url="${OZ_PUBLIC_URL:-http://localhost:${PORT:-8080}}"
ready="http://127.0.0.1:${PORT:-8080}/readyz"
until node -e "fetch('$ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; do
  kill -0 "$platform" 2>/dev/null || exit 1 # it stopped: its own messages say why
  sleep 0.5
done
bash scripts/start-banner.sh "$url"
wait "$platform"
