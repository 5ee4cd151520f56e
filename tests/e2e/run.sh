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
    [ "${TEST_TMP:-$WORK}" != "$WORK" ] && rm -rf "$TEST_TMP"
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
"$PY" -m pip install -q schemathesis >/dev/null || fail_now "pip install schemathesis"

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
        # One cache for every project: the libraries are analysed once.
        "$VENV/bin/mypy" --strict --cache-dir "$WORK/mypy-cache" || exit 1
    )
}

# SQLite test databases on a tmpfs where there is one: a file per test,
# and fsync on disk costs more than the tests themselves.
TEST_TMP=$WORK
if [ -d /dev/shm ] && [ -w /dev/shm ]; then TEST_TMP=$(mktemp -d /dev/shm/scaffold-e2e.XXXXXX); fi
pytest_sqlite() { (cd "$1" && TMPDIR="$TEST_TMP" "$VENV/bin/pytest" -q -p no:cacheprovider); }

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
        "$VENV/bin/alembic" upgrade head || exit 1
        "$VENV/bin/alembic" check || exit 1
        if [ "${3:-}" = roundtrip ]; then
            "$VENV/bin/alembic" downgrade base || exit 1
            "$VENV/bin/alembic" upgrade head || exit 1
            "$VENV/bin/alembic" check || exit 1
        fi
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
schema_is_json() { "$SCAFFOLD" schema | "$PY" -m json.tool >/dev/null; }
step "scaffold schema | python -m json.tool" schema_is_json

# ---------------------------------------------------------------------------
echo "==> scaffold new-domain: two domains with a ref, then the API over HTTP"
P2="$WORK/p2"
new_domains() {
    "$SCAFFOLD" init "$P2" -q || return 1
    (
        cd "$P2" || exit 1
        "$SCAFFOLD" new-domain artist name:str:unique 'bio:text?' || exit 1
        "$SCAFFOLD" new-domain artwork title:str 'year:int?' artist_id:ref:artist || exit 1
    )
}
post_returns_201_with_location() {
    local port=$1 headers body
    headers="$WORK/post-headers"
    body=$(curl -s -D "$headers" -o - -H 'content-type: application/json' \
        -d '{"name": "Ada", "bio": "painter"}' "http://127.0.0.1:$port/api/v1/artists") || return 1
    grep -q '^HTTP/1.1 201' "$headers" || { cat "$headers"; echo "$body"; return 1; }
    local id location
    id=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$body") || return 1
    location=$(grep -i '^location:' "$headers" | tr -d '\r' | cut -d' ' -f2)
    [ "$location" = "/api/v1/artists/$id" ] || { echo "Location: $location"; return 1; }
    curl -sf "http://127.0.0.1:$port$location" | grep -q '"name":"Ada"' || { echo "GET $location"; return 1; }
}
generate_twice_writes_nothing() {
    local before after
    before=$(tree_digest "$1")
    "$SCAFFOLD" -C "$1" generate -q || return 1
    after=$(tree_digest "$1")
    [ "$before" = "$after" ] || { echo "second generate changed the tree"; return 1; }
}
step "init + new-domain artist + new-domain artwork" new_domains
"$VENV/bin/pip" uninstall -y -q p >/dev/null 2>&1
step "pip install -e '.[dev]'" "$VENV/bin/pip" install -q -e "$P2[dev]"
step "ruff, ruff format (79/88/100/120), ruff --fix, mypy --strict" static_checks "$P2"
step "pytest on SQLite" pytest_sqlite "$P2"
step "pytest on PostgreSQL" pytest_postgres "$P2" e2e_story_tests
if serve "$P2" 18002; then
    step "uvicorn: POST /api/v1/artists is 201 with Location" post_returns_201_with_location 18002
    stop_server
else
    step "uvicorn starts" false
fi
step "generate again writes nothing" generate_twice_writes_nothing "$P2"
format_on_save_is_no_drift() {
    (
        cd "$P2" || exit 1
        "$PY" "$ROOT/tests/e2e/fill_sections.py" . backend || exit 1
        local before after
        before=$(grep -r CUSTOM-CODE-MARKER --include='*.py' . | wc -l)
        for n in 79 88 100 120; do "$VENV/bin/ruff" format -q --line-length "$n" . || exit 1; done
        "$VENV/bin/ruff" check --fix -q . || exit 1
        "$VENV/bin/ruff" format -q . || exit 1
        after=$(grep -r CUSTOM-CODE-MARKER --include='*.py' . | wc -l)
        [ "$before" = "$after" ] || { echo "custom code lost: $before lines before, $after after"; exit 1; }
        "$SCAFFOLD" check || exit 1
        # One cache for every project: the libraries are analysed once.
        "$VENV/bin/mypy" --strict --cache-dir "$WORK/mypy-cache" || exit 1
        "$VENV/bin/pytest" -q -p no:cacheprovider || exit 1
    )
}
step "code in every custom section and main.py, ruff format 79/88/100/120 + ruff --fix: check clean, pytest" format_on_save_is_no_drift

# ---------------------------------------------------------------------------
echo "==> adopting scaffold: a hand-written main.py and an app factory"
adopt() {
    local variant=$1 dir="$WORK/adopt-$1"
    "$SCAFFOLD" init "$dir" -q || return 1
    cp "$ROOT/tests/fixtures/main/$variant.py" "$dir/backend/main.py"
    (
        cd "$dir" || exit 1
        "$SCAFFOLD" new-domain artist name:str:unique 'bio:text?' -q || exit 1
        "$SCAFFOLD" new-domain artwork title:str artist_id:ref:artist -q || exit 1
        grep -q "include_router(artwork_router.router)" backend/main.py || exit 1
    ) || return 1
    static_checks "$dir" && pytest_sqlite "$dir"
}
step "marker-less main.py: blocks inserted, ruff, mypy, pytest" adopt plain
step "app-factory main.py: blocks inserted, ruff, mypy, pytest" adopt factory

# ---------------------------------------------------------------------------
echo "==> long names: domains and fields of 30 characters, every type"
# Lines too long for 79 columns take layouts ruff keeps at every length, and
# a PostgreSQL enum type name over 63 characters is shortened with a hash.
L="$WORK/long"
long_names() {
    "$SCAFFOLD" init "$L" -q || return 1
    cp "$ROOT"/tests/fixtures/long_names/*.toml "$L/domains/" || return 1
    cp "$ROOT/tests/fixtures/long_names/deps.py" "$L/backend/api/deps.py" || return 1
    "$SCAFFOLD" -C "$L" generate -q || return 1
    static_checks "$L"
}
step "generate; ruff, ruff format (79/88/100/120), ruff --fix, mypy --strict" long_names
step "pytest on SQLite" pytest_sqlite "$L"
step "pytest on PostgreSQL" pytest_postgres "$L" e2e_long_tests
long_migrate() { "$SCAFFOLD" -C "$L" migrate -m "initial schema" -q; }
step "scaffold migrate (names over 63 characters)" long_migrate
step "alembic upgrade head, check, downgrade base, upgrade head (PostgreSQL)" alembic_postgres "$L" e2e_long_alembic roundtrip

# ---------------------------------------------------------------------------
echo "==> failure classes the spec fuzzer found: one fixture project each"
# tests/fixtures/classes/<class>/: specs (and a deps.py where the class
# needs one) that once gave a project failing its own checks.
# scaffold's first revision builds what the models describe, and undoes it.
migrate_sqlite() {
    (
        cd "$1" || exit 1
        export DATABASE_URL="sqlite+aiosqlite:///$1/migrated.db"
        "$SCAFFOLD" migrate -m "initial schema" -q || exit 1
        "$VENV/bin/alembic" upgrade head || exit 1
        "$VENV/bin/alembic" check || exit 1
        "$VENV/bin/alembic" downgrade base || exit 1
        "$VENV/bin/alembic" upgrade head || exit 1
    )
}
fixture_class() {
    local class=$1 dir="$WORK/class-$1"
    "$SCAFFOLD" init "$dir" -q || return 1
    cp "$ROOT/tests/fixtures/classes/$class"/*.toml "$dir/domains/" || return 1
    if [ -f "$ROOT/tests/fixtures/classes/$class/deps.py" ]; then
        cp "$ROOT/tests/fixtures/classes/$class/deps.py" "$dir/backend/api/deps.py" || return 1
    fi
    "$SCAFFOLD" -C "$dir" generate -q || return 1
    static_checks "$dir"
}
for class_dir in "$ROOT"/tests/fixtures/classes/*/; do
    class=$(basename "$class_dir")
    step "$class: generate; ruff, ruff format (79/88/100/120), ruff --fix, mypy --strict" fixture_class "$class"
    step "$class: pytest on SQLite" pytest_sqlite "$WORK/class-$class"
    step "$class: pytest on PostgreSQL" pytest_postgres "$WORK/class-$class" "e2e_class_$class"
    step "$class: scaffold migrate; alembic upgrade, check, downgrade, upgrade (SQLite)" migrate_sqlite "$WORK/class-$class"
done

# ---------------------------------------------------------------------------
echo "==> specs that change: scaffold migrate against seeded databases"
# Each change a spec can make, in turn, on a database with rows in every
# table: values kept, renames kept, alembic check clean, round trips.
migrate_scenario() {
    local dir="$WORK/migrate-$1" url=$2
    mkdir -p "$dir"
    "$PY" "$ROOT/tests/e2e/migrate_scenario.py" "$SCAFFOLD" "$VENV" "$dir" "$url" >"$dir.log" 2>&1
}
# Both databases at once (each step waits on alembic's start-up, not on
# the CPU); each step's report follows.
migrate_scenarios() {
    local url status=0
    url=$(pg_fresh_db e2e_migrate) || return 1
    migrate_scenario sqlite "sqlite+aiosqlite:///$WORK/migrate-sqlite/app.db" &
    local sqlite=$!
    migrate_scenario postgres "$url" &
    local postgres=$!
    wait "$sqlite" || status=1
    wait "$postgres" || status=1
    cat "$WORK/migrate-sqlite.log" "$WORK/migrate-postgres.log"
    return $status
}
step "33 spec changes and a failing revision, on SQLite and on PostgreSQL" migrate_scenarios
tail -n 1 "$WORK/migrate-sqlite.log"
tail -n 1 "$WORK/migrate-postgres.log"

# The story of a new user: add a field, generate, migrate, restart; the
# new field is served, and nothing answers 500.
N="$WORK/newfield"
new_field_story() {
    "$SCAFFOLD" init "$N" -q || return 1
    (
        cd "$N" || exit 1
        "$SCAFFOLD" new-domain exhibition title:str 'opens_on:date?' -q || exit 1
        ls migrations/versions/*_add_exhibition.py >/dev/null || { echo "new-domain wrote no revision"; exit 1; }
    ) || return 1
    serve "$N" 18005 || return 1
    curl -sf -H 'content-type: application/json' -d '{"title": "Before"}' http://127.0.0.1:18005/api/v1/exhibitions >/dev/null || { stop_server; echo "POST before"; return 1; }
    stop_server
    printf '\n[fields.curator]\ntype = "str"\noptional = true\n' >>"$N/domains/exhibition.toml"
    "$SCAFFOLD" -C "$N" generate -q || return 1
    if "$SCAFFOLD" -C "$N" check -q >"$WORK/newfield-check.log"; then echo "check passed before migrate"; return 1; fi
    grep -q "scaffold migrate" "$WORK/newfield-check.log" || { cat "$WORK/newfield-check.log"; return 1; }
    "$SCAFFOLD" -C "$N" migrate -m "add curator to exhibitions" -q || return 1
    "$SCAFFOLD" -C "$N" check -q || return 1
    serve "$N" 18005 || return 1
    local body code
    body=$(curl -s -H 'content-type: application/json' -d '{"title": "After", "curator": "Ann"}' http://127.0.0.1:18005/api/v1/exhibitions)
    code=$(curl -s -o "$WORK/newfield-list.json" -w '%{http_code}' http://127.0.0.1:18005/api/v1/exhibitions)
    stop_server
    echo "$body" | grep -q '"curator":"Ann"' || { echo "POST after: $body"; return 1; }
    [ "$code" = 200 ] || { echo "GET list: $code"; cat "$WORK/newfield-list.json"; return 1; }
    grep -q '"title":"Before"' "$WORK/newfield-list.json" || { echo "the old row is gone"; return 1; }
}
step "new field: generate, migrate, restart: served, old rows kept, no 500" new_field_story

# ---------------------------------------------------------------------------
echo "==> spec fuzzer: random valid projects through the whole pipeline"
# Seeds differ from commit to commit (and stay the same for one commit), so
# CI keeps covering new specs; FUZZ_SEEDS and FUZZ_START override.
fuzz_start=${FUZZ_START:-$(( 16#$(git -C "$ROOT" rev-parse --short=6 HEAD 2>/dev/null || echo 0) % 1000000 ))}
spec_fuzzer() {
    "$PY" "$ROOT/scripts/fuzz-specs" "${FUZZ_SEEDS:-12}" --start "$fuzz_start" -j 2 \
        --scaffold "$SCAFFOLD" --venv "$VENV" --pg "$PG_URL_BASE" --pg-every 3 \
        --work "$WORK/fuzz" | tee "$WORK/fuzz.log"
}
step "spec fuzzer: ${FUZZ_SEEDS:-12} projects from seed $fuzz_start (every 3rd also on PostgreSQL)" spec_fuzzer
# The whole report: each failing seed with its specs and how to reproduce it.
grep -q FAIL "$WORK/fuzz.log" && sed 's/^/        /' "$WORK/fuzz.log"
tail -n 1 "$WORK/fuzz.log"

# ---------------------------------------------------------------------------
echo "==> examples/qwarty: committed code, every type, SQLite and PostgreSQL"
Q="$WORK/qwarty"
cp -r "$ROOT/examples/qwarty" "$Q"
rm -rf "$Q"/*.egg-info "$Q"/app.db
step "scaffold check (committed code is what the specs produce)" "$SCAFFOLD" -C "$ROOT/examples/qwarty" check
"$VENV/bin/pip" uninstall -y -q p2 >/dev/null 2>&1
step "pip install -e '.[dev]'" "$VENV/bin/pip" install -q -e "$Q[dev]"
step "ruff, ruff format (79/88/100/120), ruff --fix, mypy --strict" static_checks "$Q"
step "pytest on SQLite" pytest_sqlite "$Q"
step "pytest on PostgreSQL" pytest_postgres "$Q" e2e_qwarty_tests
step "alembic upgrade head (the committed revisions), check, round trip (PostgreSQL)" alembic_postgres "$Q" e2e_qwarty_alembic roundtrip

schemathesis_run() {
    local port=$1 name=$2
    (cd "$WORK" && "$VENV/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --max-examples 25 --seed 20261126 --no-shrink \
        --report junit --report-junit-path "$WORK/schemathesis-$name.xml") || return 1
    ! grep -q 'Traceback' "$WORK/uvicorn-$port.log" || { grep -B2 -A20 Traceback "$WORK/uvicorn-$port.log" | head -60; return 1; }
}
if serve "$Q" 18003; then
    step "schemathesis on SQLite: zero failures" schemathesis_run 18003 sqlite
    stop_server
else
    step "uvicorn starts on SQLite" false
fi
# The alembic step left its database at head: serve it.
if serve "$Q" 18004 "$PG_URL_BASE/e2e_qwarty_alembic"; then
    step "schemathesis on PostgreSQL: zero failures" schemathesis_run 18004 postgres
    stop_server
else
    step "uvicorn starts on PostgreSQL" false
fi

# ---------------------------------------------------------------------------
echo
if [ "$FAILED" -gt 0 ]; then
    printf 'failed steps:\n'
    printf '  %s\n' "${FAILURES[@]}"
fi
echo "e2e: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
