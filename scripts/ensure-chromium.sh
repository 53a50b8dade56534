#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing (test tools must never download a
# browser of their own: nothing but the npm registry and Debian's packages is reachable).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

if ! command -v chromium >/dev/null; then
  echo "ensure-chromium: installing chromium"
  apt_install chromium
fi
echo "ensure-chromium: chromium $(dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo present)"
