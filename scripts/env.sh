# Puts the project's toolchain (Node 24, pnpm; installed by scripts/toolchain.sh) first on PATH.
# Usage: source scripts/env.sh
export PATH="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)/.toolchain/node_modules/.bin:$PATH"
