#!/usr/bin/env bash
# A MySQL server for the integration suite on a machine that has only MariaDB (Debian 12 ships no MySQL): Debian
# unstable's mysql-server-core (MySQL 9.7) installed into a debootstrapped root of its own, run with chroot. It shares
# the machine's network, so tests reach it on 127.0.0.1 like any server. Needs root (debootstrap, chroot) and
# Debian's package mirror.
#
#   scripts/mysql-server.sh prepare   the root, once (about 1 min; kept in $MYSQL_ROOT)
#   scripts/mysql-server.sh start     prepare if needed, then a server on 127.0.0.1:$MYSQL_PORT (data kept in the root)
#   scripts/mysql-server.sh stop
#   scripts/mysql-server.sh run CMD…  start, then CMD with DATABASE_URL and TEST_MYSQL_ROOT set for the suite
#
# test/support/private-database-server.ts starts servers of its own from the same root (TEST_MYSQL_ROOT).
set -euo pipefail

MYSQL_ROOT=${MYSQL_ROOT:-/var/cache/customerflow/mysql-root}
MYSQL_PORT=${MYSQL_PORT:-3307}
DATA=/var/lib/customerflow-it # inside the root
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

prepare() {
  if [ -x "$MYSQL_ROOT/usr/sbin/mysqld" ]; then return 0; fi
  if ! command -v debootstrap >/dev/null; then
    echo "mysql-server: installing debootstrap"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  echo "mysql-server: debootstrapping Debian unstable into $MYSQL_ROOT"
  rm -rf "$MYSQL_ROOT"
  mkdir -p "$(dirname "$MYSQL_ROOT")"
  debootstrap --variant=minbase sid "$MYSQL_ROOT" "$MIRROR" >/dev/null
  echo "mysql-server: installing mysql-server-core"
  chroot "$MYSQL_ROOT" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mysql-server-core mysql-client-core >/dev/null'
  chroot "$MYSQL_ROOT" mysqld --version
}

ping() {
  chroot "$MYSQL_ROOT" mysqladmin --no-defaults -uroot -h127.0.0.1 "-P$MYSQL_PORT" ping >/dev/null 2>&1
}

start() {
  prepare
  if ping; then echo "mysql-server: up on 127.0.0.1:$MYSQL_PORT"; return 0; fi
  if [ ! -d "$MYSQL_ROOT$DATA/data" ]; then
    mkdir -p "$MYSQL_ROOT$DATA"
    chroot "$MYSQL_ROOT" mysqld --no-defaults --initialize-insecure "--datadir=$DATA/data" --user=root >/dev/null 2>&1
  fi
  # The server's own defaults otherwise (binary log on, caching_sha2_password, REPEATABLE READ), as a stock install.
  chroot "$MYSQL_ROOT" mysqld --no-defaults "--datadir=$DATA/data" --user=root "--port=$MYSQL_PORT" \
    --bind-address=127.0.0.1 "--socket=$DATA/mysqld.sock" "--pid-file=$DATA/mysqld.pid" --mysqlx=OFF \
    --secure-file-priv= --innodb-buffer-pool-size=256M --max-connections=500 >"$MYSQL_ROOT$DATA/mysqld.log" 2>&1 &
  for _ in $(seq 1 60); do
    if ping; then
      echo "mysql-server: $(chroot "$MYSQL_ROOT" mysqld --version | sed 's/^.*Ver /MySQL /') up on 127.0.0.1:$MYSQL_PORT"
      return 0
    fi
    sleep 1
  done
  tail -20 "$MYSQL_ROOT$DATA/mysqld.log" >&2
  echo "mysql-server: did not come up" >&2
  return 1
}

stop() {
  if ping; then chroot "$MYSQL_ROOT" mysqladmin --no-defaults -uroot -h127.0.0.1 "-P$MYSQL_PORT" shutdown; fi
}

case "${1:-}" in
  run)
    shift
    start
    DATABASE_URL="mysql://root@127.0.0.1:$MYSQL_PORT/customerflow_it" TEST_MYSQL_ROOT="$MYSQL_ROOT" "$@"
    ;;
  prepare) prepare ;;
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 prepare|start|stop|run CMD…" >&2
    exit 2
    ;;
esac
