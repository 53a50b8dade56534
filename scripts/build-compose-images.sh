#!/usr/bin/env bash
# Builds, offline, the base images docker-compose.yml needs when no registry serves node, postgres and redis:
#   oz-local/node:24        — Debian bookworm + this machine's Node 24, pnpm (.toolchain/) and trusted CAs, user `node` (uid 1000)
#   oz-local/postgres:15    — Debian's PostgreSQL 15, initialised from POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB
#   oz-local/redis:7        — Debian's redis-server
# Use them with OZ_NODE_IMAGE / OZ_POSTGRES_IMAGE / OZ_REDIS_IMAGE (scripts/compose-smoke.sh does).
# Usage: scripts/build-compose-images.sh [--force]. Starts from oz-test/debian-base:bookworm
# (scripts/build-test-images.sh debian makes it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

force=0
[ "${1:-}" = "--force" ] && force=1
BASE=oz-test/debian-base:bookworm
log() { echo "build-compose-images: $*"; }
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
# shellcheck source=lib/docker-images.sh
source scripts/lib/docker-images.sh

image_exists "$BASE" || bash scripts/build-test-images.sh debian

wanted() {
  if [ "$force" -eq 0 ] && image_exists "$1"; then
    log "$1 already present (use --force to rebuild)"
    return 1
  fi
  log "building $1"
}

if wanted oz-local/node:24; then
  bash scripts/toolchain.sh >/dev/null
  ctx="$SCRATCH/node"
  mkdir -p "$ctx"
  cp "$(readlink -f .toolchain/node_modules/.bin/node)" "$ctx/node"
  cp -r .toolchain/node_modules/pnpm "$ctx/pnpm"
  # The CAs this machine trusts, so that the image build reaches the npm registry through the same (possibly
  # TLS-intercepting) proxy this machine uses.
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/host-ca.crt"
  cat >"$ctx/Dockerfile" <<EOF
FROM $BASE
COPY node /usr/local/bin/node
COPY pnpm /usr/local/lib/pnpm
COPY host-ca.crt /usr/local/share/oz-host-ca.crt
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/oz-host-ca.crt
RUN ln -s /usr/local/lib/pnpm/bin/pnpm.cjs /usr/local/bin/pnpm \
  && groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/bash node
CMD ["node"]
EOF
  build_image oz-local/node:24 "$ctx"
fi

if wanted oz-local/postgres:15; then
  ctx="$SCRATCH/postgres"
  mkdir -p "$ctx"
  # What the official image's entrypoint does that compose relies on: a first start initialises the data
  # directory with the given superuser, password and database and accepts password logins from the network.
  cat >"$ctx/entrypoint.sh" <<'EOF'
#!/bin/sh
set -eu
bin=/usr/lib/postgresql/15/bin
export PGDATA=/var/lib/postgresql/data
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  printf '%s\n' "$POSTGRES_PASSWORD" >/tmp/pw
  "$bin/initdb" -U "$POSTGRES_USER" --pwfile=/tmp/pw --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm /tmp/pw
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  "$bin/pg_ctl" -w -o "-c listen_addresses=''" start >/dev/null
  [ "$POSTGRES_DB" = postgres ] || "$bin/psql" -U "$POSTGRES_USER" -d postgres -qc "CREATE DATABASE \"$POSTGRES_DB\""
  "$bin/pg_ctl" -w stop >/dev/null
fi
exec "$bin/postgres" -c listen_addresses='*'
EOF
  cat >"$ctx/Dockerfile" <<EOF
FROM $BASE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
  && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY entrypoint.sh /usr/local/bin/postgres-entrypoint
ENV PATH=/usr/lib/postgresql/15/bin:\$PATH
USER postgres
CMD ["sh", "/usr/local/bin/postgres-entrypoint"]
EOF
  build_image oz-local/postgres:15 "$ctx"
fi

if wanted oz-local/redis:7; then
  ctx="$SCRATCH/redis"
  mkdir -p "$ctx"
  cat >"$ctx/Dockerfile" <<EOF
FROM $BASE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
  && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
USER redis
WORKDIR /data
CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data"]
EOF
  build_image oz-local/redis:7 "$ctx"
fi
log "done: $(docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^oz-local/' | tr '\n' ' ')"
