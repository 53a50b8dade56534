#!/usr/bin/env bash
# Runs the platform on this machine: installs the toolchain, PostgreSQL and Redis when missing, the
# Docker engine when missing, the dependencies, then starts the API (with the dashboard) on http://localhost:8080
# and a worker (migrations apply at start).
# Configuration comes from the environment (README.md, "Configuration").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/toolchain.sh
source scripts/env.sh
bash scripts/ensure-services.sh
bash scripts/ensure-docker.sh --engine-only
pnpm install --frozen-lockfile
exec pnpm start
