#!/usr/bin/env bash
# Starts a throw-away PostgreSQL on a temp data directory, as an unprivileged
# user, on 127.0.0.1:$E2E_PG_PORT. Sourced by run.sh; `pg_stop` ends it.
# Installs Debian's postgresql package when it is missing and we are root.

E2E_PG_PORT=${E2E_PG_PORT:-55432}

pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    return 1
}

pg_start() {
    local data=$1 bin
    if ! bin=$(pg_bin); then
        if [ "$(id -u)" = 0 ]; then
            echo "PostgreSQL is not installed: installing Debian's postgresql package"
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
            bin=$(pg_bin) || { echo "FAIL: PostgreSQL could not be installed" >&2; return 1; }
        else
            echo "FAIL: PostgreSQL is not installed (apt-get install postgresql)" >&2
            return 1
        fi
    fi
    rm -rf "$data"
    mkdir -p "$data"
    local as=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$data"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$bin/initdb" -D "$data/db" -A trust -U postgres >"$data/initdb.log" 2>&1 \
        || { cat "$data/initdb.log" >&2; echo "FAIL: initdb" >&2; return 1; }
    "${as[@]}" "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 \
        -o "-p $E2E_PG_PORT -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
        || { cat "$data/server.log" >&2; echo "FAIL: PostgreSQL did not start" >&2; return 1; }
    PG_DATA=$data
    PG_AS=("${as[@]}")
    PG_BIN=$bin
    export PG_URL_BASE="postgresql+asyncpg://postgres@127.0.0.1:$E2E_PG_PORT"
}

# Creates an empty database and prints its SQLAlchemy URL.
pg_fresh_db() {
    local name=$1
    psql -q -h 127.0.0.1 -p "$E2E_PG_PORT" -U postgres -d postgres \
        -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
    echo "$PG_URL_BASE/$name"
}

pg_stop() {
    [ -n "${PG_DATA:-}" ] || return 0
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA/db" -m fast -w stop >/dev/null 2>&1 || true
}
