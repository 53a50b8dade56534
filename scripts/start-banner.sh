#!/usr/bin/env bash
# Prints what a newcomer needs once the platform answers: its URL, how to sign in, a first run.
# Usage: scripts/start-banner.sh PUBLIC_URL (scripts/run.sh calls it). Reads OZ_SETUP_TOKEN_FILE
# (.data/setup-token), where the API keeps the setup link on a first start without OZ_BOOTSTRAP_* variables.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
url="${1%/}"
token_file="${OZ_SETUP_TOKEN_FILE:-.data/setup-token}"

if [ -s "$token_file" ]; then
  link="$(tr -d '[:space:]' <"$token_file")" # the setup link (a bare token is made into one)
  case "$link" in http*) ;; *) link="$url/setup?token=$link" ;; esac
  sign_in="open $link to create your team and admin (one time)"
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
