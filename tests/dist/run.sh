#!/usr/bin/env bash
# Distribution: scaffold as a Python wheel (maturin, bin bindings), its
# pre-commit hooks, and the CI recipe and pre-commit config that
# `scaffold init` writes, each used the way a team would use it.
#
#   1. `pip wheel .` builds a platform wheel holding only the binary;
#      `maturin sdist` holds templates/ and no examples/, and builds by itself;
#      `pip install .` and `uvx --from .` give a working scaffold.
#   2. The wheel installs and runs in a venv with no cargo on PATH.
#   3. `pre-commit try-repo <repo> scaffold-check --all-files` passes on a clean
#      backend and fails with the diff after a spec change; the generated
#      .pre-commit-config.yaml, unchanged but for ruff's repo (GitHub is not
#      reachable here), installs scaffold by its pin with no cargo on PATH
#      (pip finds the wheel built above), regenerates and fails because it
#      changed files, then passes.
#   4. The generated .github/workflows/ci.yml is valid YAML with the promised
#      recipe, and its `run:` steps pass in order, unchanged, locally, in a
#      fresh venv without cargo (the pin resolved to the wheel built above),
#      against a PostgreSQL this script starts.
#
# Needs: python3 (venv, pip), git, cargo, PostgreSQL's server binaries (see
# tests/e2e/postgres.sh) and psql, and PyPI and crates.io.
#
# Every build (wheel, sdist, each pre-commit hook environment) uses one target
# directory of its own, so that dependencies compile once. Beware: cargo
# treats a crate built from another checkout at the same relative paths as
# fresh, so before each build scaffold's own artifacts are cleaned
# (`cargo clean -p scaffold`): each build really compiles its own sources.
#
# Env: DIST_VENV (default target/dist-venv) holds maturin, pre-commit, PyYAML
#      and uv; DIST_CARGO_TARGET_DIR (default target/dist-cargo);
#      DIST_PG_PORT (default 55433); DIST_KEEP=1 keeps the work dir.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
E2E_PG_PORT=${DIST_PG_PORT:-55433}
source tests/e2e/postgres.sh

export CARGO_TARGET_DIR=${DIST_CARGO_TARGET_DIR:-$ROOT/target/dist-cargo}
WORK=$(mktemp -d /tmp/scaffold-dist.XXXXXX)
chmod 755 "$WORK"  # the postgres user must reach its data directory
VENV=${DIST_VENV:-$ROOT/target/dist-venv}
PASSED=0
FAILED=0
FAILURES=()
STARTED=$SECONDS
# Git identity for the throw-away repositories, whatever the machine has.
export GIT_AUTHOR_NAME=dist GIT_AUTHOR_EMAIL=dist@example.invalid
export GIT_COMMITTER_NAME=dist GIT_COMMITTER_EMAIL=dist@example.invalid
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export PRE_COMMIT_COLOR=never NO_COLOR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

cleanup() {
    pg_stop
    [ "${DIST_KEEP:-0}" = 1 ] && echo "work directory kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# step NAME CMD...: runs CMD, prints its output only when it fails.
step() {
    local name=$1
    shift
    local log="$WORK/step-$((PASSED + FAILED)).log" t=$SECONDS
    if "$@" >"$log" 2>&1; then
        PASSED=$((PASSED + 1))
        echo "  ok    $name ($((SECONDS - t))s)"
    else
        FAILED=$((FAILED + 1))
        FAILURES+=("$name")
        echo "  FAIL  $name ($((SECONDS - t))s)"
        sed 's/^/        /' "$log" | tail -n 80
    fi
}

finish() {
    echo
    if [ "$FAILED" -gt 0 ]; then
        printf 'failed steps:\n'
        printf '  %s\n' "${FAILURES[@]}"
    fi
    echo "($((SECONDS - STARTED))s)"
    echo "dist: $PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit
}

# fail_now WHAT: a step the rest depends on failed; count it and stop.
fail_now() {
    FAILED=$((FAILED + 1))
    FAILURES+=("$*")
    echo "  FAIL  $* (the remaining steps depend on it)"
    finish
}

# forget_scaffold_build: the next build compiles scaffold itself again.
forget_scaffold_build() {
    cargo clean -q -p scaffold --release --manifest-path "$ROOT/Cargo.toml" 2>/dev/null || true
}

# compiled LOG: the verbose pip log shows that cargo compiled scaffold.
compiled() {
    grep -E "Compiling scaffold v$VERSION|Finished .release" "$1" || true
    grep -qF "Compiling scaffold v$VERSION" "$1" || { echo "cargo did not compile scaffold (a stale binary?)"; return 1; }
}

# expect_fail LOG CMD...: CMD must fail; its output goes to LOG.
expect_fail() {
    local log=$1
    shift
    if "$@" >"$log" 2>&1; then
        cat "$log"
        echo "expected a failure, got exit status 0"
        return 1
    fi
    cat "$log"
}

VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ -n "$VERSION" ] || fail_now "read the version from Cargo.toml"
echo "==> scaffold $VERSION; work directory $WORK; CARGO_TARGET_DIR=$CARGO_TARGET_DIR"

echo "==> tools venv ($VENV): maturin, pre-commit, PyYAML, uv from PyPI"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" || fail_now "python3 -m venv $VENV"
fi
"$VENV/bin/pip" install -q "maturin>=1.5,<2" pre-commit pyyaml uv >"$WORK/tools.log" 2>&1 \
    || { cat "$WORK/tools.log"; fail_now "pip install maturin pre-commit pyyaml uv"; }
PY="$VENV/bin/python"
command -v cargo >/dev/null || fail_now "cargo is not on PATH (building the wheel needs Rust)"

# ---------------------------------------------------------------------------
echo "==> 1. building: pip wheel ., pip install ., uvx --from ., maturin sdist"
WHEEL_DIR="$WORK/wheel"
build_wheel() {
    forget_scaffold_build
    "$VENV/bin/pip" wheel -v . -w "$WHEEL_DIR" >"$WORK/wheel.log" 2>&1 || { tail -n 60 "$WORK/wheel.log"; return 1; }
    compiled "$WORK/wheel.log" || return 1
    local wheels=("$WHEEL_DIR"/*.whl)
    [ "${#wheels[@]}" = 1 ] && [ -f "${wheels[0]}" ] || { echo "expected one wheel: ${wheels[*]}"; return 1; }
    echo "${wheels[0]}"
}
step "pip wheel . -w <tmp>" build_wheel
WHEEL=$(ls "$WHEEL_DIR"/*.whl 2>/dev/null | head -n 1)
[ -n "$WHEEL" ] || fail_now "no wheel was built"

wheel_is_a_platform_wheel_with_only_the_binary() {
    "$PY" - "$WHEEL" "$VERSION" <<'EOF'
import sys, zipfile
path, version = sys.argv[1], sys.argv[2]
name = path.rsplit("/", 1)[-1]
print(name)
dist, ver, py, abi, plat = name[:-4].split("-")
assert (dist, ver) == ("scaffold_domains", version), f"name/version {dist} {ver}, expected scaffold_domains {version}"
assert (py, abi) == ("py3", "none"), f"tags {py}-{abi}: a bin wheel works on any Python 3"
assert plat != "any", "a wheel holding a binary must carry a platform tag"
names = zipfile.ZipFile(path).namelist()
for n in names:
    print("  ", n)
stem = f"scaffold_domains-{version}"
assert f"{stem}.data/scripts/scaffold" in names, "the scaffold executable is missing"
extra = [n for n in names if not n.startswith((f"{stem}.data/scripts/", f"{stem}.dist-info/"))]
assert not extra, f"files besides the binary and metadata (python-source picked something up?): {extra}"
meta = zipfile.ZipFile(path).read(f"{stem}.dist-info/METADATA").decode()
assert f"Version: {version}" in meta, "dynamic version not taken from Cargo.toml"
EOF
}
step "the wheel is py3-none-<platform>, version $VERSION, holds only bin/scaffold" wheel_is_a_platform_wheel_with_only_the_binary

pip_install_from_source() {
    python3 -m venv "$WORK/src-venv" || return 1
    "$WORK/src-venv/bin/pip" install -q . || return 1
    "$WORK/src-venv/bin/scaffold" --version | tee /dev/stderr | grep -qxF "scaffold $VERSION"
}
step "pip install . (with Rust) puts scaffold on PATH" pip_install_from_source

uvx_from_source() {
    UV_CACHE_DIR="$WORK/uv-cache" UV_TOOL_DIR="$WORK/uv-tools" \
        "$VENV/bin/uvx" --python "$PY" --from . scaffold --version | tee /dev/stderr | grep -qxF "scaffold $VERSION"
}
step "uvx --from . scaffold --version" uvx_from_source

SDIST_DIR="$WORK/sdist"
sdist_has_templates_and_no_examples() {
    "$VENV/bin/maturin" sdist -o "$SDIST_DIR" || return 1
    local sdist
    sdist=$(ls "$SDIST_DIR"/*.tar.gz) || return 1
    tar tzf "$sdist" | sed 's|^[^/]*/||' | sort >"$WORK/sdist.list"
    local missing=0 f
    # Every template, committed or not (askama needs all of them to compile).
    while IFS= read -r f; do
        grep -qxF "$f" "$WORK/sdist.list" || { echo "missing from the sdist: $f"; missing=1; }
    done < <(find templates -type f | sort)
    for f in Cargo.toml Cargo.lock pyproject.toml README.md src/main.rs src/lib.rs; do
        grep -qxF "$f" "$WORK/sdist.list" || { echo "missing from the sdist: $f"; missing=1; }
    done
    if grep -q '^examples/' "$WORK/sdist.list"; then
        echo "examples/ is in the sdist:"
        grep '^examples/' "$WORK/sdist.list" | head
        missing=1
    fi
    echo "$(wc -l <"$WORK/sdist.list") files in $(basename "$sdist")"
    [ "$missing" = 0 ]
}
step "maturin sdist: every templates/ file in, examples/ out" sdist_has_templates_and_no_examples

sdist_builds_a_wheel_on_its_own() {
    forget_scaffold_build
    "$VENV/bin/pip" wheel -v "$SDIST_DIR"/*.tar.gz -w "$WORK/sdist-wheel" >"$WORK/sdist-wheel.log" 2>&1 \
        || { tail -n 60 "$WORK/sdist-wheel.log"; return 1; }
    compiled "$WORK/sdist-wheel.log" || return 1
    ls "$WORK/sdist-wheel/scaffold_domains-$VERSION"-*.whl
}
step "the crate compiles from the sdist alone (pip wheel <sdist>)" sdist_builds_a_wheel_on_its_own

# ---------------------------------------------------------------------------
echo "==> 2. the wheel without Rust"
WV="$WORK/wheel-venv"
NORUST_PATH="$WV/bin:/usr/bin:/bin"
python3 -m venv "$WV" || fail_now "python3 -m venv $WV"
if env PATH="$NORUST_PATH" sh -c 'command -v cargo' >/dev/null 2>&1; then
    echo "  note: $(env PATH="$NORUST_PATH" sh -c 'command -v cargo') is on the restricted PATH;" \
        "the install below still cannot build (--no-index, a .whl)"
fi
step "pip install <wheel> --no-index, PATH=<venv>/bin:/usr/bin:/bin" \
    env PATH="$NORUST_PATH" "$WV/bin/pip" install --no-index "$WHEEL"
SCAFFOLD="$WV/bin/scaffold"
[ -x "$SCAFFOLD" ] || fail_now "the wheel installed no $SCAFFOLD"
step "scaffold --version is 'scaffold $VERSION'" \
    bash -c '[ "$(env PATH="$1" scaffold --version)" = "scaffold $2" ]' _ "$NORUST_PATH" "$VERSION"
init_from_the_wheel() {
    env PATH="$NORUST_PATH" scaffold init "$WORK/p" || return 1
    for f in .github/workflows/ci.yml .pre-commit-config.yaml scaffold.toml pyproject.toml backend/main.py; do
        [ -f "$WORK/p/$f" ] || { echo "init did not write $f"; return 1; }
    done
}
step "scaffold init <tmp>/p writes a backend with ci.yml and .pre-commit-config.yaml" init_from_the_wheel

# ---------------------------------------------------------------------------
echo "==> 3. pre-commit hooks"
# try-repo clones HEAD plus changes to tracked files only; snapshot the whole
# working tree (committed or not, minus ignored files) into a temporary repo.
HOOKS_REPO="$WORK/scaffold-repo"
snapshot_repo() {
    mkdir -p "$HOOKS_REPO" || return 1
    git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
        | tar -cf - --null -T - | tar -xf - -C "$HOOKS_REPO" || return 1
    (
        cd "$HOOKS_REPO" || exit 1
        git init -q && git add -A && git commit -q -m "scaffold working tree" && git tag "v$VERSION" || exit 1
        "$VENV/bin/pre-commit" validate-manifest .pre-commit-hooks.yaml
    )
}
step "snapshot this working tree as a git repo (tag v$VERSION); validate .pre-commit-hooks.yaml" snapshot_repo

B="$WORK/backend"
backend_repo() {
    env PATH="$NORUST_PATH" scaffold init "$B" -q || return 1
    (
        cd "$B" || exit 1
        env PATH="$NORUST_PATH" scaffold new-domain artist name:str:unique || exit 1
        git init -q && git add -A && git commit -q -m "backend with artist" || exit 1
    )
}
step "backend: init, new-domain artist name:str:unique, git commit" backend_repo

try_check_clean() {
    local log="$WORK/try-clean.log"
    forget_scaffold_build
    (cd "$B" && "$VENV/bin/pre-commit" try-repo "$HOOKS_REPO" scaffold-check --all-files) >"$log" 2>&1
    local status=$?
    cat "$log"
    [ "$status" = 0 ] && grep -qE '^scaffold check\.+Passed' "$log"
}
step "try-repo scaffold-check --all-files passes on a clean backend" try_check_clean

add_field() {
    printf '\n[fields.bio]\ntype = "text"\noptional = true\n' >>"$B/domains/artist.toml"
}
try_check_stale() {
    local log="$WORK/try-stale.log"
    add_field || return 1
    forget_scaffold_build
    (cd "$B" && expect_fail "$log" "$VENV/bin/pre-commit" try-repo "$HOOKS_REPO" scaffold-check --all-files) || return 1
    grep -qE '^scaffold check\.+Failed' "$log" || { echo "the hook did not report Failed"; return 1; }
    grep -qF -- '--- a/backend/domain/artist/model.py' "$log" || { echo "no diff of model.py shown"; return 1; }
    grep -qE '^\+.*\bbio\b' "$log" || { echo "the diff does not add bio"; return 1; }
    grep -q 'stale' "$log" || { echo "no summary line"; return 1; }
}
step "after a spec change (domains/artist.toml + bio) it fails and shows the diff" try_check_stale

# The generated config as it is, but for ruff's repo, which is dropped (GitHub
# is not reachable from here) and only checked for shape.
PC_CONFIG="$WORK/pre-commit-config.yaml"
REQUIREMENT="scaffold-domains==$VERSION"
generated_config() {
    "$VENV/bin/pre-commit" validate-config "$B/.pre-commit-config.yaml" || return 1
    "$PY" - "$B/.pre-commit-config.yaml" "$ROOT/.pre-commit-hooks.yaml" "$REQUIREMENT" "$PC_CONFIG" <<'EOF' || return 1
import sys, yaml
config_path, manifest_path, requirement, out = sys.argv[1:]
config = yaml.safe_load(open(config_path))
manifest = {h["id"]: h for h in yaml.safe_load(open(manifest_path))}
repos = config["repos"]
scaffold = [r for r in repos if any(h["id"] in manifest for h in r["hooks"])]
assert len(scaffold) == 1, f"one repo should carry scaffold's hooks: {repos}"
scaffold = scaffold[0]
assert scaffold["repo"] == "local", f"scaffold's hooks should install from the package index, not {scaffold['repo']}"
for hook in scaffold["hooks"]:
    ours = manifest[hook["id"]]
    for key in ("entry", "language", "pass_filenames"):
        assert hook[key] == ours[key], f"{hook['id']}: {key} is {hook[key]!r}, the manifest says {ours[key]!r}"
    assert hook["additional_dependencies"] == [requirement], f"{hook['id']} installs {hook['additional_dependencies']}"
ruff = [r for r in repos if r["repo"] == "https://github.com/astral-sh/ruff-pre-commit"]
assert ruff, "ruff's hooks are missing"
ids = [h["id"] for h in ruff[0]["hooks"]]
assert ids == ["ruff-check", "ruff-format"], ids
assert str(ruff[0]["rev"]).startswith("v0."), ruff[0]["rev"]
assert len(repos) == 2, f"unexpected repos: {[r['repo'] for r in repos]}"
print("scaffold:", [(h["id"], h["additional_dependencies"]) for h in scaffold["hooks"]])
print("ruff:", ruff[0]["rev"], ids)
config["repos"] = [scaffold]
yaml.safe_dump(config, open(out, "w"), sort_keys=False)
EOF
    cat "$PC_CONFIG"
}
step "generated .pre-commit-config.yaml: valid, scaffold from the index at $REQUIREMENT, ruff-check + ruff-format" generated_config

generated_config_regenerates() {
    local log="$WORK/pc-run.log"
    # As on a developer's machine without Rust: pip resolves the pin to the
    # wheel built above (PyPI is still asked, and has no such release).
    local env=(env PATH="$VENV/bin:/usr/bin:/bin" PRE_COMMIT_HOME="$WORK/pre-commit-home"
        PIP_FIND_LINKS="$WHEEL_DIR")
    (cd "$B" && expect_fail "$log" "${env[@]}" pre-commit run --all-files -c "$PC_CONFIG") || return 1
    grep -qE '^scaffold generate\.+Failed' "$log" || { echo "scaffold-generate did not fail"; return 1; }
    grep -q 'files were modified by this hook' "$log" || { echo "pre-commit did not see modified files"; return 1; }
    grep -q 'bio' "$B/backend/domain/artist/model.py" || { echo "model.py was not regenerated"; return 1; }
    # The database follows the spec with a revision; then check is clean.
    env PATH="$NORUST_PATH" scaffold -C "$B" migrate -m "add bio to artists" -q || return 1
    env PATH="$NORUST_PATH" scaffold -C "$B" check || return 1
    (cd "$B" && git add -A && "${env[@]}" pre-commit run --all-files -c "$PC_CONFIG") || { echo "second run should pass"; return 1; }
    local installed
    installed=$(find "$WORK/pre-commit-home" -path '*/bin/scaffold' | head -n 1)
    [ -n "$installed" ] || { echo "no scaffold in pre-commit's environments"; return 1; }
    [ "$("$installed" --version)" = "scaffold $VERSION" ] || { echo "pre-commit installed another scaffold"; return 1; }
}
step "its scaffold-generate hook installs $REQUIREMENT without Rust, regenerates, fails as files changed, then passes" \
    generated_config_regenerates

# ---------------------------------------------------------------------------
echo "==> 4. the generated CI workflow, run locally"
CI_YML="$B/.github/workflows/ci.yml"
step "ci.yml is valid YAML with the promised recipe, scaffold pinned to $REQUIREMENT" \
    "$PY" tests/dist/workflow.py check "$CI_YML" --requirement "$REQUIREMENT"

broken_recipes_are_caught() {
    local bad="$WORK/bad-ci.yml"
    sed 's/postgres:15/postgres:16/' "$CI_YML" >"$bad"
    ! "$PY" tests/dist/workflow.py check "$bad" || { echo "a postgres:16 image passed"; return 1; }
    sed '/run: mypy/d; /name: mypy/d' "$CI_YML" >"$bad"
    ! "$PY" tests/dist/workflow.py check "$bad" || { echo "a recipe without mypy passed"; return 1; }
    printf 'jobs: [\n' >"$bad"
    ! "$PY" tests/dist/workflow.py check "$bad" || { echo "invalid YAML passed"; return 1; }
    sed 's/SCAFFOLD: .*/SCAFFOLD: scaffold-domains/' "$CI_YML" >"$bad"
    ! "$PY" tests/dist/workflow.py check "$bad" --requirement "$REQUIREMENT" || { echo "an unpinned SCAFFOLD passed"; return 1; }
    true
}
step "the checker rejects a wrong image, a missing step, invalid YAML and an unpinned scaffold" broken_recipes_are_caught

pg_start "$WORK/pg" >"$WORK/pg.log" 2>&1 || { cat "$WORK/pg.log"; fail_now "PostgreSQL could not start"; }
pg_fresh_db test >/dev/null 2>&1 || fail_now "CREATE DATABASE test"
CI_VENV="$WORK/ci-venv"
python3 -m venv "$CI_VENV" || fail_now "python3 -m venv $CI_VENV"
# As on a runner: SCAFFOLD pins what to install (pip finds it among the wheel
# built above; the package index has no such release), the PostgreSQL service
# is ours, and cargo is not on PATH.
step "ci.yml steps in order (install, scaffold check, ruff, mypy, pytest on PostgreSQL 15 and SQLite)" \
    "$PY" tests/dist/workflow.py run "$CI_YML" --workdir "$B" --venv "$CI_VENV" \
    --set "PIP_FIND_LINKS=$WHEEL_DIR" --replace "@localhost:5432/=@127.0.0.1:$E2E_PG_PORT/"

pytest_reached_postgres() {
    local tables
    tables=$(psql -h 127.0.0.1 -p "$E2E_PG_PORT" -U postgres -d test -Atc \
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1") || return 1
    echo "tables in database test: $tables"
    grep -qx artists <<<"$tables"
}
step "pytest on PostgreSQL really used it (database test holds the artists table)" pytest_reached_postgres

ci_fails_on_stale_code() {
    # The same recipe must fail when a spec changed and the code did not.
    local copy="$WORK/backend-stale"
    cp -r "$B" "$copy" || return 1
    printf '\n[fields.born]\ntype = "date"\noptional = true\n' >>"$copy/domains/artist.toml"
    local log="$WORK/ci-stale.log"
    expect_fail "$log" "$PY" tests/dist/workflow.py run "$CI_YML" --workdir "$copy" --venv "$CI_VENV" \
        --set "PIP_FIND_LINKS=$WHEEL_DIR" --replace "@localhost:5432/=@127.0.0.1:$E2E_PG_PORT/" || return 1
    grep -qE '\] scaffold check.*: FAIL' "$log" || { echo "it did not fail at scaffold check"; return 1; }
}
step "the same steps fail at scaffold check when a spec changed without generate" ci_fails_on_stale_code

finish
