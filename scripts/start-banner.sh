#!/usr/bin/env bash
# Prints what a newcomer needs once the platform answers: its URL, how to sign in, a first run.
# Usage: scripts/start-banner.sh PUBLIC_URL (scripts/run.sh calls it). Reads .data/setup-token, which the API
# writes on a first start without OZ_BOOTSTRAP_* variables.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
url="${1%/}"
token_file=.data/setup-token

if [ -s "$token_file" ]; then
  sign_in="open $url/setup?token=$(tr -d '[:space:]' <"$token_file") to create your team and admin (one time)"
elif [ -n "${OZ_BOOTSTRAP_ADMIN_EMAIL:-}" ]; then
  sign_in="as $OZ_BOOTSTRAP_ADMIN_EMAIL with OZ_BOOTSTRAP_ADMIN_PASSWORD"
else
  sign_in="with your admin account (no setup link pending: .data/setup-token is gone once used)"
fi
cat <<BANNER

  oz-selfhost is running at $url   (dashboard; API at $url/api/v1, reference at $url/docs)
  Sign in:   $sign_in
  API key:   ${OZ_BOOTSTRAP_API_KEY:+\$OZ_BOOTSTRAP_API_KEY, or }dashboard → API keys → New key; then export WARP_API_KEY=wk-…
  First run: curl -s $url/api/v1/agent/runs -H "Authorization: Bearer \$WARP_API_KEY" -H 'Content-Type: application/json' -d '{"prompt":"hi","config":{"harness":{"type":"command","command":"echo hello"}}}'
  Stop:      Ctrl-C

BANNER
