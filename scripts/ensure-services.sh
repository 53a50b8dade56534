#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer on 127.0.0.1:5432 and :6379, installing them from Debian's packages
# and starting them the Debian way (no systemd) when they do not. Cheap when both already answer.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  local name="$1" port="$2"
  for _ in $(seq 1 60); do
    answers "$port" && return 0
    sleep 0.5
  done
  echo "ensure-services: $name does not answer on 127.0.0.1:$port" >&2
  return 1
}

ensure_postgres() {
  answers 5432 && return 0
  local fresh=false
  if ! command -v pg_ctlcluster >/dev/null || [[ -z "$(ls /etc/postgresql 2>/dev/null)" ]]; then
    echo "ensure-services: installing PostgreSQL"
    apt_install postgresql
    fresh=true
  fi
  local version
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  if $fresh; then
    # Local development and CI connect as `postgres` without a password over loopback.
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "/etc/postgresql/$version/main/pg_hba.conf"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload 2>/dev/null || true
  fi
  echo "ensure-services: starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || answers 5432
  wait_for PostgreSQL 5432
}

ensure_redis() {
  answers 6379 && return 0
  if ! command -v redis-server >/dev/null; then
    echo "ensure-services: installing Redis"
    apt_install redis-server
  fi
  echo "ensure-services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  # Nothing is persisted: Redis holds only the job queue, which Postgres can rebuild (ARCHITECTURE.md).
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/oz.log
  wait_for Redis 6379
}

ensure_postgres
ensure_redis
echo "ensure-services: PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 answer"
