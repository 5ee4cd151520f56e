"""Spec changes against a seeded database, one `scaffold migrate` each.

    python migrate_scenario.py SCAFFOLD VENV WORKDIR DATABASE_URL

Scaffolds a project with four domains, migrates it, fills every table,
then applies each change a spec can make in turn: edit the specs,
`scaffold generate`, `scaffold migrate`, `alembic upgrade head`. After
each: `alembic check` reports nothing, row counts are unchanged, every
column the change did not touch keeps its values and a renamed column keeps
its own. A reversible change is then undone and redone
(`alembic downgrade -1`, `alembic upgrade head`) and checked again. Changes
the rows do not allow (a narrower column, a removed enum value in use)
stop the migration without changing anything, until the rows are fixed.
Last, a hand-written revision that fails halfway must leave the database
as it was, SQLite included.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

SCAFFOLD, VENV, WORK, URL = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
PROJECT = WORK / "project"
POSTGRES = URL.startswith("postgresql")

Spec = dict[str, Any]


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(v)


def toml(spec: Spec) -> str:
    out = [f"{k} = {toml_value(v)}" for k, v in spec.items() if k not in ("fields", "api")]
    for name, f in spec["fields"].items():
        out.append(f"\n[fields.{name}]")
        out += [f"{k} = {toml_value(v)}" for k, v in f.items()]
    if spec.get("api"):
        out.append("\n[api]")
        out += [f"{k} = {toml_value(v)}" for k, v in spec["api"].items()]
    return "\n".join(out) + "\n"


SPECS: dict[str, Spec] = {
    "artist": {
        "fields": {
            "name": {"type": "str", "max_length": 120, "unique": True},
            "bio": {"type": "text", "optional": True},
            "rating": {"type": "float", "optional": True},
        },
    },
    "artwork": {
        "id": "int",
        "fields": {
            "title": {"type": "str", "max_length": 200},
            "year": {"type": "int", "optional": True},
            "medium": {"type": "enum", "values": ["oil", "acrylic", "watercolor"], "default": "oil"},
            "artist_id": {"type": "ref", "to": "artist"},
        },
    },
    "exhibition": {
        "id": "uuid",
        "fields": {
            "title": {"type": "str"},
            "opens_on": {"type": "date", "optional": True},
            "status": {"type": "enum", "values": ["draft", "open"], "default": "draft", "index": True},
            "featured_id": {"type": "ref", "to": "artwork", "optional": True, "on_delete": "set_null"},
        },
    },
    "legacy_note": {"fields": {"body": {"type": "text"}}},
}


def run(cmd: list[str], *, ok: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, "DATABASE_URL": URL, "NO_COLOR": "1", **(env or {})}
    cwd = PROJECT if PROJECT.is_dir() else WORK
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=e)
    if ok and p.returncode != 0:
        raise SystemExit(f"FAILED: {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p


def write_specs() -> None:
    for old in (PROJECT / "domains").glob("*.toml"):
        if old.stem not in SPECS:
            old.unlink()
    for name, spec in SPECS.items():
        (PROJECT / "domains" / f"{name}.toml").write_text(toml(spec))


def alembic(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    return run([str(VENV / "bin" / "alembic"), *args], ok=ok)


# --- the database -----------------------------------------------------------

Rows = dict[str, dict[str, dict[str, Any]]]  # table -> id -> column -> value


async def _sql(statements: list[tuple[str, dict[str, Any]]]) -> None:
    engine = create_async_engine(URL)
    async with engine.begin() as conn:
        for sql, params in statements:
            await conn.execute(text(sql), params)
    await engine.dispose()


def sql(statement: str, **params: Any) -> None:
    asyncio.run(_sql([(statement, params)]))


async def _dump() -> Rows:
    engine = create_async_engine(URL)
    out: Rows = {}
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        for t in tables:
            if t == "alembic_version":
                continue
            result = await conn.execute(text(f'SELECT * FROM "{t}"'))
            out[t] = {str(r["id"]): dict(r) for r in result.mappings()}
    await engine.dispose()
    return out


def dump() -> Rows:
    return asyncio.run(_dump())


def seed() -> None:
    now = dt.datetime(2026, 1, 2, 3, 4, 5)
    artists = [str(uuid.uuid4()) for _ in range(3)]
    shows = [uuid.uuid4() for _ in range(2)]
    statements: list[tuple[str, dict[str, Any]]] = []
    stamp = {"c": now, "u": now}
    for i, (aid, name) in enumerate(zip(artists, ["Ada Lovelace", "Bo", "Cy"], strict=True)):
        statements.append(
            (
                "INSERT INTO artists (id, name, bio, rating, created_at, updated_at) VALUES (:id, :n, :b, :r, :c, :u)",
                {"id": aid, "n": name, "b": None if i else "wrote the first program", "r": 4.5 - i, **stamp},
            )
        )
    works = [("Night", 1990, "oil"), ("Day", None, "acrylic"), ("Dusk", 2001, "oil"), ("Dawn", None, "acrylic")]
    for i, (title, year, medium) in enumerate(works):
        statements.append(
            (
                "INSERT INTO artworks (id, title, year, medium, artist_id, created_at, updated_at) "
                "VALUES (:id, :t, :y, :m, :a, :c, :u)",
                {"id": i + 1, "t": title, "y": year, "m": medium, "a": artists[i % 3], **stamp},
            )
        )
    for i, show in enumerate(shows):
        statements.append(
            (
                "INSERT INTO exhibitions (id, title, opens_on, status, featured_id, created_at, updated_at) "
                "VALUES (:id, :t, :o, :s, :f, :c, :u)",
                {
                    "id": show if POSTGRES else show.hex,
                    "t": f"Show {i}",
                    "o": dt.date(2026, 5, 1 + i),
                    "s": ["draft", "open"][i],
                    "f": i + 1,
                    **stamp,
                },
            )
        )
    for i in range(2):
        statements.append(
            (
                "INSERT INTO legacy_notes (id, body, created_at, updated_at) VALUES (:id, :b, :c, :u)",
                {"id": str(uuid.uuid4()), "b": f"note {i}", **stamp},
            )
        )
    asyncio.run(_sql(statements))


# --- the steps ---------------------------------------------------------------


@dataclass
class Step:
    name: str
    edit: Callable[[], None]
    # (table, column) whose values may change (type changes, backfills).
    changed: set[tuple[str, str]] = field(default_factory=set)
    # old (table, column) -> new (table, column); a table rename maps "*".
    renamed: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    dropped_tables: set[str] = field(default_factory=set)
    migrate_args: list[str] = field(default_factory=list)
    reversible: bool = True
    # Rows that stop the migration, and the statement that fixes them.
    refused_until: str | None = None
    # What the revision must contain.
    expect: list[str] = field(default_factory=list)


def f(domain: str, name: str) -> dict[str, Any]:
    return SPECS[domain]["fields"][name]


def rename_spec(old: str, new: str) -> None:
    """The spec of `old` becomes `new`'s, and `old`'s generated files go,
    as `git mv` + `rm` would do it."""
    SPECS[new] = SPECS.pop(old)
    SPECS[new]["renamed_from"] = old
    for path in [
        f"backend/domain/{old}/model.py",
        f"backend/domain/{old}/repository.py",
        f"backend/domain/{old}/service.py",
        f"backend/domain/{old}/__init__.py",
        f"backend/dtos/{old}.py",
        f"backend/api/v1/routers/{old}.py",
        f"tests/api/test_{old}.py",
    ]:
        (PROJECT / path).unlink()


def rename_domain() -> None:
    rename_spec("exhibition", "show")


def rename_artist() -> None:
    rename_spec("artist", "maker")
    SPECS["artwork"]["fields"]["maker_id"]["to"] = "maker"


def enum_to_str() -> None:
    status = f("show", "status")
    status.pop("values")
    status.update(type="str", max_length=10)


def str_to_enum() -> None:
    code = f("artwork", "code")
    code.pop("unique")
    code.update(type="enum", values=["first", "second"])


def remove_legacy_note() -> None:
    SPECS.pop("legacy_note")
    run([SCAFFOLD, "remove-domain", "legacy_note", "-q"])


STEPS = [
    Step("add an optional field", lambda: SPECS["exhibition"]["fields"].update(curator={"type": "str", "optional": True}), expect=["add_column"]),
    Step(
        "add a required field with a backfill in the spec",
        lambda: SPECS["artwork"]["fields"].update(edition={"type": "int", "backfill": 1}),
        expect=["m.backfill(\"artworks\", \"edition\", 1)"],
    ),
    Step(
        "add a required field with a backfill on the command line",
        lambda: SPECS["artist"]["fields"].update(country={"type": "str", "max_length": 2}),
        migrate_args=["--backfill", "artist.country=NL"],
        expect=["m.backfill(\"artists\", \"country\", \"NL\")"],
    ),
    Step("make an optional field required (null rows backfilled)", lambda: f("artwork", "year").update(optional=False, backfill=2000), changed={("artworks", "year")}),
    Step("make a required field optional", lambda: f("artwork", "title").update(optional=True)),
    Step("widen a length", lambda: f("artwork", "title").update(max_length=300)),
    Step("narrow a length the rows allow", lambda: f("exhibition", "title").update(max_length=100), expect=["m.refuse_longer"]),
    Step(
        "narrow a length the rows do not allow",
        lambda: f("artist", "name").update(max_length=5),
        refused_until="UPDATE artists SET name = 'Ada' WHERE name = 'Ada Lovelace'",
        changed={("artists", "name")},
    ),
    Step("add a bound", lambda: f("artwork", "year").update(ge=1000, le=2100), expect=["m.refuse_outside"]),
    Step("widen a bound (no revision, the record follows)", lambda: f("artwork", "year").update(le=3000)),
    Step("int to bigint", lambda: f("artwork", "edition").update(type="bigint")),
    Step("float to decimal", lambda: f("artist", "rating").update(type="decimal", max_digits=6, decimal_places=2), changed={("artists", "rating")}),
    Step("add an optional field to make unique", lambda: SPECS["artwork"]["fields"].update(code={"type": "str", "optional": True})),
    Step("add a unique constraint", lambda: f("artwork", "code").update(unique=True), expect=["create_unique_constraint"]),
    Step("add an index", lambda: f("artwork", "title").update(index=True), expect=["create_index"]),
    Step("drop a unique constraint", lambda: f("artist", "name").pop("unique")),
    Step("add an enum value", lambda: f("artwork", "medium").update(values=["oil", "acrylic", "watercolor", "digital_print"]), expect=["add_enum_values"]),
    Step("remove an enum value no row holds", lambda: f("artwork", "medium").update(values=["oil", "acrylic", "digital_print"]), expect=["refuse_values", "replace_enum"]),
    Step(
        "remove an enum value rows hold",
        lambda: f("artwork", "medium").update(values=["oil", "digital_print"]),
        refused_until="UPDATE artworks SET medium = 'oil' WHERE medium = 'acrylic'",
        changed={("artworks", "medium")},
    ),
    Step("change on_delete", lambda: f("artwork", "artist_id").update(on_delete="cascade"), expect=["create_foreign_key"]),
    Step(
        "rename a field",
        lambda: SPECS["exhibition"]["fields"].update(
            {"name": {**SPECS["exhibition"]["fields"].pop("title"), "renamed_from": "title"}},
        ),
        renamed={("exhibitions", "title"): ("exhibitions", "name")},
        expect=["new_column_name"],
    ),
    Step(
        "rename a field and narrow it at once",
        lambda: SPECS["artwork"]["fields"].update(
            {"name": {**SPECS["artwork"]["fields"].pop("title"), "renamed_from": "title", "max_length": 250}},
        ),
        renamed={("artworks", "title"): ("artworks", "name")},
        expect=["new_column_name", "m.refuse_longer(\"artworks\", \"title\", 250)"],
    ),
    Step(
        "rename a domain",
        rename_domain,
        renamed={("exhibitions", "*"): ("shows", "*")},
        expect=["op.rename_table(\"exhibitions\", \"shows\")", "m.rename_enum(\"exhibitions_status\", \"shows_status\")"],
    ),
    Step("an enum becomes text", enum_to_str, expect=["m.refuse_longer(\"shows\", \"status\", 10)", "m.drop_enum(\"shows_status\")"]),
    Step("text becomes an enum", str_to_enum, expect=["m.refuse_other_values", "m.create_enum(\"artworks_code\""]),
    Step("add a domain", lambda: SPECS.update(gallery={"fields": {"city": {"type": "str"}}}), expect=["op.create_table"]),
    Step("remove a field", lambda: SPECS["artwork"]["fields"].pop("code"), expect=["drop_column"]),
    Step(
        "remove a domain",
        remove_legacy_note,
        dropped_tables={"legacy_notes"},
        expect=["op.drop_table(\"legacy_notes\")"],
    ),
    Step("turn timestamps off", lambda: SPECS["artist"].update(timestamps=False), expect=["drop_column(\"created_at\")"]),
    Step(
        "turn timestamps on (rows get the time of the migration)",
        lambda: SPECS["artist"].update(timestamps=True),
        changed={("artists", "created_at"), ("artists", "updated_at")},
        expect=["m.backfill_now(\"artists\", \"created_at\")"],
    ),
    Step(
        "remove a required field without a default (no way back)",
        lambda: SPECS["artist"]["fields"].pop("country"),
        reversible=False,
        expect=["drop_column", "NotImplementedError"],
    ),
    Step(
        "rename a ref field",
        lambda: SPECS["artwork"]["fields"].update(
            {"maker_id": {**SPECS["artwork"]["fields"].pop("artist_id"), "renamed_from": "artist_id"}},
        ),
        renamed={("artworks", "artist_id"): ("artworks", "maker_id")},
        expect=["new_column_name=\"maker_id\"", "op.create_index(op.f(\"ix_artworks_maker_id\")"],
    ),
    Step(
        "rename a domain others reference",
        rename_artist,
        renamed={("artists", "*"): ("makers", "*")},
        expect=["op.rename_table(\"artists\", \"makers\")", "create_foreign_key"],
    ),
]


def moved(table: str, column: str, step: Step) -> tuple[str, str]:
    if (table, column) in step.renamed:
        return step.renamed[(table, column)]
    if (table, "*") in step.renamed:
        return step.renamed[(table, "*")][0], column
    return table, column


def compare(before: Rows, after: Rows, step: Step, *, data_back: bool = True) -> list[str]:
    problems = []
    for table, rows in before.items():
        if table in step.dropped_tables:
            if table in after:
                problems.append(f"table {table} still exists")
            continue
        new_table = moved(table, "id", step)[0]
        if new_table not in after:
            problems.append(f"table {table} ({new_table}) is gone")
            continue
        if len(after[new_table]) != len(rows):
            problems.append(f"{new_table}: {len(rows)} rows before, {len(after[new_table])} after")
            continue
        if not data_back:
            continue
        for rid, row in rows.items():
            new_row = after[new_table].get(rid)
            if new_row is None:
                problems.append(f"{new_table}: row {rid} is gone")
                continue
            for col, value in row.items():
                if (table, col) in step.changed:
                    continue
                t2, c2 = moved(table, col, step)
                if c2 not in new_row:
                    continue  # a dropped column
                if new_row[c2] != value:
                    problems.append(f"{t2}.{c2} of {rid}: {value!r} became {new_row[c2]!r}")
    return problems


def main() -> int:
    run([SCAFFOLD, "init", str(PROJECT), "-q"])
    write_specs()
    run([SCAFFOLD, "generate", "-q"])
    run([SCAFFOLD, "migrate", "-m", "initial schema", "-q"])
    alembic("upgrade", "head")
    alembic("check")
    seed()
    failures = 0
    for i, step in enumerate(STEPS, 1):
        before = dump()
        step.edit()
        write_specs()
        run([SCAFFOLD, "generate", "-q"])
        unmigrated = run([SCAFFOLD, "check", "-q"], ok=False)
        problems = []
        if unmigrated.returncode != 1 or "scaffold migrate" not in unmigrated.stdout:
            problems.append(f"check before migrate: exit {unmigrated.returncode}\n{unmigrated.stdout}")
        run([SCAFFOLD, "migrate", "-m", step.name, "-q", *step.migrate_args])
        revision = max((PROJECT / "migrations" / "versions").glob("*.py"), key=lambda p: p.stat().st_mtime).read_text()
        problems += [f"revision lacks {e!r}" for e in step.expect if e not in revision]
        if run([SCAFFOLD, "check", "-q"], ok=False).returncode != 0:
            problems.append("check fails after migrate")
        if step.refused_until:
            refused = alembic("upgrade", "head", ok=False)
            if refused.returncode == 0 or "MigrationRefusedError" not in refused.stderr:
                problems.append(f"upgrade was not refused:\n{refused.stderr[-2000:]}")
            if dump() != before:
                problems.append("the refused upgrade changed the database")
            sql(step.refused_until)
            before = dump()
        up = alembic("upgrade", "head", ok=False)
        if up.returncode != 0:
            problems.append(f"upgrade failed:\n{up.stderr[-3000:]}")
        else:
            chk = alembic("check", ok=False)
            if chk.returncode != 0:
                problems.append(f"alembic check after upgrade:\n{chk.stdout[-1500:]}{chk.stderr[-1500:]}")
            after = dump()
            problems += compare(before, after, step)
            down = alembic("downgrade", "-1", ok=False)
            if step.reversible:
                if down.returncode != 0:
                    problems.append(f"downgrade failed:\n{down.stderr[-3000:]}")
                else:
                    redo = alembic("upgrade", "head", ok=False)
                    if redo.returncode != 0:
                        problems.append(f"upgrade after downgrade failed:\n{redo.stderr[-3000:]}")
                    else:
                        chk = alembic("check", ok=False)
                        if chk.returncode != 0:
                            problems.append(f"alembic check after the round trip:\n{chk.stdout[-1500:]}")
                        problems += compare(after, dump(), Step("", lambda: None, changed=step.changed), data_back=not step.dropped_tables)
            elif down.returncode == 0 or "cannot be undone" not in down.stderr:
                problems.append(f"irreversible downgrade did not refuse:\n{down.stderr[-2000:]}")
            elif dump() != after:
                problems.append("the refused downgrade changed the database")
        status = "ok  " if not problems else "FAIL"
        print(f"  {status} {i:2}. {step.name}", flush=True)
        for p in problems:
            print("        " + p.replace("\n", "\n        "))
        failures += bool(problems)
    # A hand-written revision that fails halfway leaves the database as it
    # was, on SQLite too (one transaction per run, DDL included).
    head = alembic("current").stdout.split()[0]
    before = dump()
    broken = PROJECT / "migrations" / "versions" / "zz_fails_halfway.py"
    broken.write_text(
        f"import sqlalchemy as sa\nfrom alembic import op\n\nrevision = 'fails'\ndown_revision = {head!r}\n\n"
        "def upgrade() -> None:\n"
        "    with op.batch_alter_table('artworks') as batch_op:\n"
        "        batch_op.add_column(sa.Column('half', sa.Integer(), nullable=True))\n"
        "    op.execute(\"UPDATE artworks SET half = 1\")\n"
        "    raise RuntimeError('halfway')\n\n"
        "def downgrade() -> None:\n    pass\n"
    )
    failed = alembic("upgrade", "head", ok=False)
    broken.unlink()
    halfway = []
    if failed.returncode == 0 or "halfway" not in failed.stderr:
        halfway.append(f"the broken revision did not fail:\n{failed.stderr[-1500:]}")
    if dump() != before:
        halfway.append("the failed revision left changes behind")
    if alembic("current").stdout.split()[0] != head:
        halfway.append("the failed revision moved the head")
    print(f"  {'ok  ' if not halfway else 'FAIL'} {len(STEPS) + 1:2}. a revision that fails halfway changes nothing", flush=True)
    for p in halfway:
        print("        " + p.replace("\n", "\n        "))
    failures += bool(halfway)
    print(f"migrate scenario ({'PostgreSQL' if POSTGRES else 'SQLite'}): {len(STEPS) + 1 - failures} of {len(STEPS) + 1} steps hold")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
