#!/usr/bin/env bash
# End-to-end: scaffold real projects into a temp dir, install them, and
# run ruff, mypy --strict, pytest (SQLite and PostgreSQL), alembic and a
# real uvicorn server against them. Every step must pass; none is skipped.
#
# Env: E2E_VENV (default target/e2e/venv) reuses a venv between runs;
#      E2E_KEEP=1 keeps the work directory for inspection.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
source tests/e2e/postgres.sh

WORK=$(mktemp -d /tmp/scaffold-e2e.XXXXXX)
chmod 755 "$WORK"  # the postgres user must reach its data directory
VENV=${E2E_VENV:-$ROOT/target/e2e/venv}
PASSED=0
FAILED=0
FAILURES=()

cleanup() {
    pg_stop
    jobs -p | xargs -r kill 2>/dev/null
    [ "${E2E_KEEP:-0}" = 1 ] && echo "work directory kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# step NAME CMD...: runs CMD, prints its output only when it fails.
step() {
    local name=$1
    shift
    local log="$WORK/step-$((PASSED + FAILED)).log"
    if "$@" >"$log" 2>&1; then
        PASSED=$((PASSED + 1))
        echo "  ok    $name"
    else
        FAILED=$((FAILED + 1))
        FAILURES+=("$name")
        echo "  FAIL  $name"
        sed 's/^/        /' "$log" | tail -n 60
    fi
}

fail_now() {
    echo "FAIL: $*" >&2
    echo "e2e: $PASSED passed, $((FAILED + 1)) failed"
    exit 1
}

echo "==> building scaffold"
cargo build --quiet || fail_now "cargo build"
SCAFFOLD="$ROOT/target/debug/scaffold"

echo "==> Python venv ($VENV)"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" || fail_now "python3 -m venv"
fi
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip >/dev/null || fail_now "pip upgrade"

echo "==> PostgreSQL"
pg_start "$WORK/pg" || fail_now "PostgreSQL could not start"

# The static checks a strict reviewer runs on a generated project.
static_checks() {
    local dir=$1
    (
        cd "$dir" || exit 1
        "$VENV/bin/ruff" check . || exit 1
        "$VENV/bin/ruff" format --check . || exit 1
        for n in 79 88 100 120; do
            "$VENV/bin/ruff" format --check --line-length "$n" . || { echo "not a fixed point of ruff format at line length $n"; exit 1; }
        done
        local copy
        copy=$(mktemp -d)
        cp -r . "$copy/p"
        (cd "$copy/p" && "$VENV/bin/ruff" check --fix -q . >/dev/null 2>&1; true)
        diff -r -x '.ruff_cache' -x '__pycache__' -x '*.egg-info' -x '.mypy_cache' . "$copy/p" || { echo "ruff check --fix changed files"; exit 1; }
        rm -rf "$copy"
        "$VENV/bin/mypy" --strict || exit 1
    )
}

pytest_sqlite() { (cd "$1" && "$VENV/bin/pytest" -q -p no:cacheprovider); }

pytest_postgres() {
    local url
    url=$(pg_fresh_db "$2") || return 1
    (cd "$1" && TEST_DATABASE_URL="$url" "$VENV/bin/pytest" -q -p no:cacheprovider)
}

alembic_postgres() {
    local url
    url=$(pg_fresh_db "$2") || return 1
    (
        cd "$1" || exit 1
        export DATABASE_URL="$url"
        if [ "${3:-}" = autogenerate ]; then
            "$VENV/bin/alembic" revision --autogenerate -m "initial schema" || exit 1
        fi
        "$VENV/bin/alembic" upgrade head || exit 1
        "$VENV/bin/alembic" check || exit 1
    )
}

# serve DIR PORT [DATABASE_URL]: starts uvicorn in the background.
serve() {
    local dir=$1 port=$2 url=${3:-}
    (
        cd "$dir" || exit 1
        if [ -n "$url" ]; then export DATABASE_URL="$url"; fi
        exec "$VENV/bin/uvicorn" "$PACKAGE.main:app" --host 127.0.0.1 --port "$port" >"$WORK/uvicorn-$port.log" 2>&1
    ) &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    cat "$WORK/uvicorn-$port.log"
    return 1
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    true
}

probe_basics() {
    local port=$1
    curl -sf "http://127.0.0.1:$port/health" | grep -q '"status":"ok"' || { echo "/health"; return 1; }
    curl -sf "http://127.0.0.1:$port/openapi.json" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); assert "/health" in d["paths"], d["paths"]' || { echo "/openapi.json"; return 1; }
    curl -sf "http://127.0.0.1:$port/docs" | grep -qi 'swagger' || { echo "/docs"; return 1; }
    local code
    code=$(curl -s -o "$WORK/404.json" -w '%{http_code}' "http://127.0.0.1:$port/no/such/route")
    [ "$code" = 404 ] && grep -q '"code":"not_found"' "$WORK/404.json" || { echo "unknown route: $code $(cat "$WORK/404.json")"; return 1; }
}

tree_digest() { (cd "$1" && find . -type f -not -path './.git/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum); }

init_twice_writes_nothing() {
    local dir=$1 before after
    before=$(tree_digest "$dir")
    "$SCAFFOLD" init "$dir" || return 1
    after=$(tree_digest "$dir")
    [ "$before" = "$after" ] || { echo "second init changed the tree"; return 1; }
}

# ---------------------------------------------------------------------------
echo "==> scaffold init: a backend that runs at once"
P="$WORK/p"
PACKAGE=backend
step "scaffold init" "$SCAFFOLD" init "$P"
step "pip install -e '.[dev]'" "$VENV/bin/pip" install -q -e "$P[dev]"
step "ruff, ruff format (79/88/100/120), ruff --fix, mypy --strict" static_checks "$P"
step "pytest on SQLite" pytest_sqlite "$P"
step "pytest on PostgreSQL" pytest_postgres "$P" e2e_init_tests
step "alembic upgrade head + check on PostgreSQL" alembic_postgres "$P" e2e_init_alembic
if serve "$P" 18001; then
    step "uvicorn on SQLite: /health, /openapi.json, /docs, 404 envelope" probe_basics 18001
    stop_server
else
    step "uvicorn starts" false
fi
step "second scaffold init writes nothing" init_twice_writes_nothing "$P"

# ---------------------------------------------------------------------------
echo
if [ "$FAILED" -gt 0 ]; then
    printf 'failed steps:\n'
    printf '  %s\n' "${FAILURES[@]}"
fi
echo "e2e: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
