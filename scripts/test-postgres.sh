#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: its own folder, 127.0.0.1 only, trust auth, a free port.
#
#   scripts/test-postgres.sh start        start it (or find it running); prints `export LOKET_TEST_DATABASE_URL=…`
#   scripts/test-postgres.sh url          print the URL of the running cluster
#   scripts/test-postgres.sh stop         stop it and delete its folder
#   scripts/test-postgres.sh run CMD…     start, run CMD with LOKET_TEST_DATABASE_URL set, stop (if this call
#                                         started it) whatever CMD did; exits with CMD's status
#
# Settings: LOKET_PG_DIR (default $TMPDIR/loket-test-pg), LOKET_PG_PORT (first port tried, default 55432).
# As root the server runs as the `postgres` user (initdb refuses root). Never use this cluster for real data:
# fsync is off because it only ever holds test databases.

set -euo pipefail

DIR="${LOKET_PG_DIR:-${TMPDIR:-/tmp}/loket-test-pg}"
FIRST_PORT="${LOKET_PG_PORT:-55432}"

bindir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$found" ] && command -v pg_config >/dev/null; then found=$(pg_config --bindir); fi
  if [ -z "$found" ] || [ ! -x "$found/initdb" ]; then
    echo "PostgreSQL server binaries not found (Debian: apt-get install postgresql)" >&2
    exit 1
  fi
  echo "$found"
}

# Runs a server binary as an ordinary user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { [ -f "$DIR/data/postmaster.pid" ] && as_pg "$(bindir)/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; }

url() { echo "postgres://postgres@127.0.0.1:$(cat "$DIR/port")/postgres"; }

start() {
  if running; then
    echo "export LOKET_TEST_DATABASE_URL=$(url)"
    return 0
  fi
  local bin port
  bin=$(bindir)
  rm -rf "$DIR"
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
  port="$FIRST_PORT"
  while port_in_use "$port"; do
    port=$((port + 1))
    [ "$port" -lt $((FIRST_PORT + 100)) ] || { echo "no free port from $FIRST_PORT" >&2; exit 1; }
  done
  echo "$port" >"$DIR/port"
  as_pg "$bin/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
  as_pg "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-p $port -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
    start >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
  echo "PostgreSQL test cluster on 127.0.0.1:$port ($DIR)" >&2
  echo "export LOKET_TEST_DATABASE_URL=$(url)"
}

stop() {
  if running; then
    as_pg "$(bindir)/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
  fi
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  url) running && url || { echo "not running" >&2; exit 1; } ;;
  stop) stop ;;
  run)
    shift
    [ $# -gt 0 ] || { echo "usage: $0 run CMD…" >&2; exit 2; }
    started=0
    running || started=1
    eval "$(start)"
    export LOKET_TEST_DATABASE_URL
    status=0
    "$@" || status=$?
    [ "$started" = 1 ] && stop
    exit "$status"
    ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
