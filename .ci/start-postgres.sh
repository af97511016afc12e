#!/usr/bin/env bash
# Start a throw-away PostgreSQL 15 for the test suite and CI, and print its URL on stdout.
#
#   export OPSMANUAL_TEST_PG_URL="$(bash .ci/start-postgres.sh)"
#   bash .ci/start-postgres.sh stop
#
# Idempotent: a running server is reused and the database is created only when missing.
# PostgreSQL refuses to run as root, so as root the server runs as the system user
# "opsmanual-pg" (created when missing); as any other user it runs as that user.
# The cluster trades durability for speed (fsync off): it holds test data only.
# Logs go to stderr and to $PG_BASE/server.log; stdout carries only the URL.
set -euo pipefail

PG_PORT="${OPSMANUAL_PG_PORT:-54329}"
PG_DB="${OPSMANUAL_PG_DB:-opsmanual_test}"
PG_ROLE=postgres
PG_USER=opsmanual-pg
if [[ $(id -u) -ne 0 ]]; then
    PG_USER="$(id -un)"
fi
# One base directory per OS user, so a root run and a non-root run never fight over ownership.
if [[ $PG_USER == opsmanual-pg ]]; then
    PG_BASE="${OPSMANUAL_PG_BASE:-/tmp/opsmanual-pg}"
else
    PG_BASE="${OPSMANUAL_PG_BASE:-/tmp/opsmanual-pg-$PG_USER}"
fi
PG_DATA="$PG_BASE/data"
PG_LOG="$PG_BASE/server.log"

log() { echo "start-postgres: $*" >&2; }

find_bindir() {
    local candidate
    if candidate="$(command -v initdb 2>/dev/null)"; then
        dirname "$(readlink -f "$candidate")"
        return
    fi
    for candidate in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [[ -x $candidate/initdb ]]; then
            echo "$candidate"
            return
        fi
    done
    log "no initdb on PATH or in /usr/lib/postgresql/*/bin; install PostgreSQL 15"
    exit 1
}
PG_BIN="$(find_bindir)"

as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        # cd first: the server user may not be allowed to read the caller's working directory.
        (cd / && runuser -u "$PG_USER" -- "$@")
    else
        "$@"
    fi
}

psql_cmd() {
    as_pg "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" "$@"
}

if [[ ${1:-start} == stop ]]; then
    if [[ -f $PG_DATA/PG_VERSION ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >&2 || true
    fi
    exit 0
fi

if [[ $(id -u) -eq 0 ]] && ! id -u "$PG_USER" >/dev/null 2>&1; then
    log "creating system user $PG_USER"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER"
fi

mkdir -p "$PG_BASE"
if [[ $(id -u) -eq 0 ]]; then
    chown "$PG_USER": "$PG_BASE"
fi
chmod 700 "$PG_BASE"

init_cluster() {
    log "initialising $PG_DATA with $PG_BIN/initdb"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_ROLE" --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 --no-sync >&2
    as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null <<EOF
# opsmanual test cluster: local only, fast, not durable
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_BASE'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

if [[ -f $PG_DATA/PG_VERSION ]] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "server already running ($PG_DATA)"
elif "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    # Another user's test cluster already owns the port; trust auth lets us share it.
    log "reusing the PostgreSQL already listening on 127.0.0.1:$PG_PORT"
else
    [[ -f $PG_DATA/PG_VERSION ]] || init_cluster
    # The port is given on the command line, not in postgresql.conf, so OPSMANUAL_PG_PORT
    # always wins, even for a cluster initialised by an earlier run.
    log "starting server on 127.0.0.1:$PG_PORT"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -o "-p $PG_PORT" -w -t 60 start >&2 || {
        log "pg_ctl start failed; last lines of $PG_LOG:"
        tail -n 20 "$PG_LOG" >&2 || true
        exit 1
    }
fi

exists="$(psql_cmd -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")"
if [[ $exists != 1 ]]; then
    log "creating database $PG_DB"
    psql_cmd -d postgres -c "CREATE DATABASE \"$PG_DB\"" >&2
fi

echo "postgresql+psycopg://$PG_ROLE@127.0.0.1:$PG_PORT/$PG_DB"
