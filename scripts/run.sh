#!/usr/bin/env bash
# Runs the platform on this machine: installs the toolchain, PostgreSQL and Redis when missing, the
# dependencies, then starts the API on http://localhost:8080 (migrations apply at start).
# Configuration comes from the environment (README.md, "Configuration").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/toolchain.sh
source scripts/env.sh
bash scripts/ensure-services.sh
pnpm install --frozen-lockfile
exec pnpm start
