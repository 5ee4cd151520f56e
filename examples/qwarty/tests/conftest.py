"""Fixtures: the app over httpx's ASGI transport, an empty database per test.

The tables are created once per run; a test that wrote rows leaves them to
be deleted before the next test starts, so every test starts from empty
tables (and ids from 1). By default the database is an SQLite file in a temp
directory, written without waiting for the disk (it lives for one run);
with ``TEST_DATABASE_URL`` set (e.g. ``postgresql+asyncpg://...``) the tests
use that database instead, dropping and creating its tables at the start.
ASGITransport does not run the lifespan, so the tables are created here and
both session dependencies are overridden to use the test database.
"""

import gc
import os
import re
import time
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.db.orm import (
    create_engine,
    create_session_factory,
    get_read_session_dependency,
    get_write_session_dependency,
)
from backend.main import app

# Local time is not UTC while the tests run (a POSIX zone, UTC+05:30, that
# needs no zone database): code that takes local time for UTC fails here.
os.environ["TZ"] = "IST-05:30"
time.tzset()

# The app and its libraries are loaded: the garbage collector need not walk
# their objects again on every collection during the tests.
gc.freeze()


class _Written:
    """The tables rows were inserted into since they were last emptied."""

    tables: ClassVar[set[str]] = set()
    _insert = re.compile(r'\s*INSERT\s+INTO\s+"?(\w+)', re.IGNORECASE)

    @classmethod
    def note(cls, *args: Any) -> None:
        """A ``before_cursor_execute`` listener: (conn, cursor, statement,
        ...)."""
        if match := cls._insert.match(args[2]):
            cls.tables.add(match.group(1))


def _skip_fsync(dbapi_connection: Any, connection_record: Any) -> None:
    """A test database need not survive a crash: do not wait for the disk."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA journal_mode=MEMORY")
    finally:
        cursor.close()


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """Run the async tests on asyncio only."""
    return "asyncio"


@pytest.fixture(scope="session")
async def database(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database, its tables created once."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        path = tmp_path_factory.mktemp("database") / "test.db"
        url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _skip_fsync)
    event.listen(engine.sync_engine, "before_cursor_execute", _Written.note)
    async with engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.drop_all)
        await connection.run_sync(SQLModel.metadata.create_all)
    _Written.tables.clear()
    yield engine
    await engine.dispose()


async def _empty_tables(engine: AsyncEngine, names: set[str]) -> None:
    """Delete every row of the tables ``names``; ids start from 1 again."""
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name in names]
    if not tables:
        return
    quote = engine.dialect.identifier_preparer.format_table
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # One script, one trip to the driver's thread. Foreign keys off:
            # rows may reference each other across tables in any order.
            deletes = [f"DELETE FROM {quote(table)};" for table in tables]
            script = "".join(["PRAGMA foreign_keys=OFF;", *deletes])
            script += "PRAGMA foreign_keys=ON;"
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None
            await raw.executescript(script)
        else:
            listed = ", ".join(quote(table) for table in tables)
            statement = f"TRUNCATE {listed} RESTART IDENTITY CASCADE"
            await connection.execute(text(statement))
            await connection.commit()


async def _emptied(database: AsyncEngine) -> AsyncEngine:
    """``database`` with every table empty again."""
    if _Written.tables:
        await _empty_tables(database, _Written.tables)
        _Written.tables.clear()
    return database


@pytest.fixture
async def engine(database: AsyncEngine) -> AsyncEngine:
    """The test database's engine, every table empty."""
    return await _emptied(database)


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the test database, for arranging and inspecting rows."""
    async with create_session_factory(engine)() as session:
        yield session


@pytest.fixture
async def client(database: AsyncEngine) -> AsyncIterator[AsyncClient]:
    """An HTTP client talking to the app, which uses the test database
    (every table empty)."""
    session_factory = create_session_factory(await _emptied(database))

    async def override_session() -> AsyncIterator[AsyncSession]:
        async with session_factory() as session:
            yield session

    app.dependency_overrides[get_write_session_dependency] = override_session
    app.dependency_overrides[get_read_session_dependency] = override_session
    transport = ASGITransport(app=app)
    try:
        async with AsyncClient(
            transport=transport,
            base_url="http://testserver",
        ) as client:
            yield client
    finally:
        app.dependency_overrides.clear()
