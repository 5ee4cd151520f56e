"""Check and run locally the GitHub Actions workflow that `scaffold init` writes.

    python workflow.py check CI_YML [--requirement REQ]
        Validates the YAML and the recipe's shape: triggers, a PostgreSQL 15
        service, an install step that takes scaffold from $SCAFFOLD (equal to
        REQ when given), and the scaffold check / ruff / mypy / pytest
        (PostgreSQL and SQLite) steps.

    python workflow.py run CI_YML --workdir DIR --venv VENV [--set K=V]...
                                  [--replace OLD=NEW]...
        Runs the job's steps in order, the way a runner would: `checkout` is
        DIR itself, `setup-python` is VENV (put first on PATH), each `run:` is
        `bash --noprofile --norc -eo pipefail` with the workflow, job and step
        `env` (then --set overrides; --replace rewrites values, e.g. the
        service's localhost:5432). Stops at the first failing step.

Needs PyYAML. Exit status: 0 all good, 1 a check or a step failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

EXPECTED_TEST_DATABASE_URL = "postgresql+asyncpg://postgres:postgres@localhost:5432/test"


def load(path: Path) -> dict[Any, Any]:
    with path.open(encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict):
        raise SystemExit(f"{path}: not a YAML mapping")
    return doc


def the_job(doc: dict[Any, Any]) -> tuple[str, dict[str, Any]]:
    jobs = doc.get("jobs") or {}
    if len(jobs) != 1:
        raise SystemExit(f"expected one job, found {list(jobs)}")
    return next(iter(jobs.items()))


def check(path: Path, requirement: str | None = None) -> list[str]:
    """The recipe's promises, as a list of what is wrong (empty: fine)."""
    doc = load(path)
    problems: list[str] = []
    # PyYAML reads the bare key `on` as the boolean True.
    triggers = doc.get("on", doc.get(True))
    if not isinstance(triggers, dict) or "push" not in triggers or "pull_request" not in triggers:
        problems.append(f"triggers should include push and pull_request: {triggers!r}")
    name, job = the_job(doc)
    if not str(job.get("runs-on", "")).startswith("ubuntu"):
        problems.append(f"job {name} should run on ubuntu (service containers need Linux)")
    pg = (job.get("services") or {}).get("postgres") or {}
    if pg.get("image") != "postgres:15":
        problems.append(f"services.postgres.image is {pg.get('image')!r}, expected 'postgres:15'")
    pg_env = pg.get("env") or {}
    for key, value in [("POSTGRES_USER", "postgres"), ("POSTGRES_PASSWORD", "postgres"), ("POSTGRES_DB", "test")]:
        if pg_env.get(key) != value:
            problems.append(f"services.postgres.env.{key} should be {value!r}, not {pg_env.get(key)!r}")
    if "5432:5432" not in [str(p) for p in pg.get("ports") or []]:
        problems.append("services.postgres should publish 5432:5432")
    if "health-cmd" not in str(pg.get("options", "")):
        problems.append("services.postgres should have a health check, or steps may start before it is ready")

    steps = job.get("steps") or []
    uses = [str(s.get("uses", "")) for s in steps]
    if not any(u.startswith("actions/checkout@") for u in uses):
        problems.append("no actions/checkout step")
    if not any(u.startswith("actions/setup-python@") for u in uses):
        problems.append("no actions/setup-python step")
    runs = [(i, str(s.get("run", "")), s.get("env") or {}) for i, s in enumerate(steps) if "run" in s]

    def first(pred: Any, what: str) -> int:
        for i, text, env in runs:
            if pred(text, env):
                return i
        problems.append(f"no step runs {what}")
        return -1

    workflow_env = doc.get("env") or {}
    if "SCAFFOLD" not in workflow_env:
        problems.append("the workflow env should say where scaffold comes from (SCAFFOLD)")
    elif not str(workflow_env["SCAFFOLD"]).startswith("scaffold"):
        problems.append(f"SCAFFOLD should name the scaffold distribution: {workflow_env['SCAFFOLD']!r}")
    elif requirement is not None and workflow_env["SCAFFOLD"] != requirement:
        problems.append(f"SCAFFOLD is {workflow_env['SCAFFOLD']!r}, expected the pin {requirement!r}")
    install = first(
        lambda t, e: "pip install" in t and "$SCAFFOLD" in t and ".[dev]" in t, 'pip install "$SCAFFOLD" -e ".[dev]"'
    )
    order = [
        install,
        first(lambda t, e: "scaffold check" in t, "scaffold check"),
        first(lambda t, e: "ruff check" in t, "ruff check"),
        first(lambda t, e: "ruff format --check" in t, "ruff format --check"),
        first(lambda t, e: t.strip().startswith("mypy"), "mypy"),
    ]
    migrations = first(
        lambda t, e: "alembic upgrade head" in t and "alembic check" in t and "postgresql" in str(e.get("DATABASE_URL")),
        "alembic upgrade head + alembic check on PostgreSQL",
    )
    pytest_pg = first(
        lambda t, e: "pytest" in t and e.get("TEST_DATABASE_URL") == EXPECTED_TEST_DATABASE_URL,
        f"pytest with TEST_DATABASE_URL={EXPECTED_TEST_DATABASE_URL}",
    )
    pytest_sqlite = first(
        lambda t, e: "pytest" in t and "TEST_DATABASE_URL" not in e, "pytest on SQLite (no TEST_DATABASE_URL)"
    )
    if -1 not in (order[-1], migrations) and migrations < order[-1]:
        problems.append("the migrations should run after the static checks")
    if -1 not in order and order != sorted(order):
        problems.append("install must come first, then scaffold check, ruff check, ruff format --check, mypy")
    if -1 not in (order[-1], pytest_pg, pytest_sqlite) and min(pytest_pg, pytest_sqlite) < order[-1]:
        problems.append("pytest should run after the static checks")
    for i, text, _ in runs:
        if "${{" in text:
            problems.append(f"step {i} uses ${{{{ }}}} in run:; pass values through env so the recipe runs anywhere")
    return problems


def run(path: Path, workdir: Path, venv: Path, sets: list[str], replaces: list[str]) -> int:
    doc = load(path)
    name, job = the_job(doc)
    overrides = dict(s.split("=", 1) for s in sets)
    rewrites = [tuple(r.split("=", 1)) for r in replaces]

    def rewrite(value: Any) -> str:
        text = str(value)
        for old, new in rewrites:
            text = text.replace(old, new)
        return text

    base = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "VIRTUAL_ENV": str(venv),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "RUNNER_TEMP": os.environ.get("TMPDIR", "/tmp"),
    }
    # Pass through what reaching PyPI may need on this machine.
    for key in (
        "PIP_CERT",
        "PIP_INDEX_URL",
        "PIP_EXTRA_INDEX_URL",
        "PIP_DEFAULT_TIMEOUT",
        "SSL_CERT_FILE",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
    ):
        if key in os.environ:
            base[key] = os.environ[key]
    for scope in (doc.get("env") or {}, job.get("env") or {}):
        base.update({k: rewrite(v) for k, v in scope.items()})

    print(f"job {name}: {len(job.get('steps') or [])} steps in {workdir}")
    for n, step in enumerate(job.get("steps") or [], 1):
        label = step.get("name") or step.get("uses") or step.get("run", "").splitlines()[0]
        if "uses" in step:
            action = str(step["uses"]).split("@")[0]
            if action == "actions/checkout":
                print(f"  [{n}] {label}: the work directory is the checkout")
            elif action == "actions/setup-python":
                wanted = (step.get("with") or {}).get("python-version")
                have = subprocess.run([venv / "bin" / "python", "--version"], capture_output=True, text=True)
                print(f"  [{n}] {label}: {venv} ({have.stdout.strip()}; the workflow asks for {wanted})")
            else:
                print(f"  [{n}] {label}: FAIL, no local stand-in for {action}")
                return 1
            continue
        env = dict(base)
        env.update({k: rewrite(v) for k, v in (step.get("env") or {}).items()})
        env.update(overrides)
        started = time.monotonic()
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workdir / step.get("working-directory", "."),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        took = time.monotonic() - started
        if result.returncode != 0:
            print(f"  [{n}] {label}: FAIL (exit {result.returncode}, {took:.0f}s)")
            print("\n".join("        " + line for line in result.stdout.splitlines()[-80:]))
            return 1
        tail = result.stdout.strip().splitlines()[-1:] if result.stdout.strip() else []
        print(f"  [{n}] {label}: ok ({took:.0f}s){'  | ' + tail[0] if tail else ''}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check")
    c.add_argument("workflow", type=Path)
    c.add_argument("--requirement", help="what SCAFFOLD must be, e.g. scaffold-domains==0.1.0")
    r = sub.add_parser("run")
    r.add_argument("workflow", type=Path)
    r.add_argument("--workdir", type=Path, required=True)
    r.add_argument("--venv", type=Path, required=True)
    r.add_argument("--set", action="append", default=[], dest="sets")
    r.add_argument("--replace", action="append", default=[], dest="replaces")
    args = parser.parse_args()
    if args.command == "check":
        problems = check(args.workflow, args.requirement)
        for p in problems:
            print(f"{args.workflow}: {p}")
        if not problems:
            print(f"{args.workflow}: valid YAML, recipe as promised")
        return 1 if problems else 0
    return run(args.workflow, args.workdir, args.venv, args.sets, args.replaces)


if __name__ == "__main__":
    sys.exit(main())
