#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the tests (installing Debian's postgresql when it is missing)
# and print the SQLAlchemy URL to use. Usage: eval "$(scripts/test_postgres.sh start)"; ... ; scripts/test_postgres.sh stop
set -euo pipefail
DIR=${HARMLEDGER_PG_DIR:-/tmp/harmledger-test-pg}
PORT=${HARMLEDGER_PG_PORT:-54329}
pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
case "${1:-start}" in
  start)
    if [ -z "$(pgbin)" ] || [ ! -x "$(pgbin)/postgres" ]; then
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2
    fi
    BIN=$(pgbin)
    if [ -f "$DIR/postmaster.pid" ]; then as_pg "$BIN/pg_ctl -D $DIR stop -m immediate" >&2 || true; fi
    rm -rf "$DIR"; mkdir -p "$DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; fi
    as_pg "$BIN/initdb -D $DIR -A trust -U postgres -E UTF8" >/dev/null
    as_pg "$BIN/pg_ctl -D $DIR -o '-p $PORT -k $DIR -c listen_addresses=127.0.0.1' -l $DIR/server.log -w start" >&2
    echo "export HARMLEDGER_TEST_PG=postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    BIN=$(pgbin)
    as_pg "$BIN/pg_ctl -D $DIR stop -m fast" >&2 || true
    ;;
esac
