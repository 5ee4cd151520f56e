"""Engines and sessions: writes go to DATABASE_URL, reads to DATABASE_READ_URL.

Routers take their session from ``get_write_session_dependency`` (POST, PATCH,
DELETE) or ``get_read_session_dependency`` (GET); services commit.
"""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.config import settings


def _on_sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """Enforce foreign keys and wait for locks on every SQLite connection."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        busy_timeout = int(settings.SQLITE_BUSY_TIMEOUT_MS)
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout}")
    finally:
        cursor.close()


def create_engine(url: str) -> AsyncEngine:
    """An async engine for ``url``; SQLite gets foreign keys + busy timeout."""
    if url.startswith("sqlite"):
        timeout_s = settings.SQLITE_BUSY_TIMEOUT_MS / 1000
        engine = _create_engine(
            url,
            echo=settings.DATABASE_ECHO,
            connect_args={"timeout": timeout_s},
        )
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
        return engine
    return _create_engine(
        url,
        echo=settings.DATABASE_ECHO,
        pool_pre_ping=True,
    )


def create_session_factory(
    engine: AsyncEngine,
) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (no lazy reload)."""
    return async_sessionmaker(
        engine,
        class_=AsyncSession,
        expire_on_commit=False,
    )


def _create_read_engine(write_engine: AsyncEngine) -> AsyncEngine:
    """The read engine: the write engine itself unless a read URL is set."""
    if settings.DATABASE_READ_URL == settings.DATABASE_URL:
        return write_engine
    return create_engine(settings.DATABASE_READ_URL)


write_engine = create_engine(settings.DATABASE_URL)
read_engine = _create_read_engine(write_engine)
write_session_factory = create_session_factory(write_engine)
read_session_factory = create_session_factory(read_engine)


async def get_write_session_dependency() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: a session on the write database."""
    async with write_session_factory() as session:
        yield session


async def get_read_session_dependency() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: a session on the read database."""
    async with read_session_factory() as session:
        yield session


async def create_tables(engine: AsyncEngine | None = None) -> None:
    """Create every table on ``SQLModel.metadata`` (for the tests).

    Outside the tests the schema comes from the migrations: see
    ``upgrade_database``.
    """
    async with (engine or write_engine).begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)


def _alembic_ini() -> Path:
    """The project's alembic.ini: beside the package (a checkout or an
    editable install), else in the working directory."""
    beside = Path(__file__).resolve().parents[2] / "alembic.ini"
    return beside if beside.is_file() else Path("alembic.ini")


def _upgrade_to_head() -> None:
    """``alembic upgrade head`` with the project's alembic.ini."""
    config = Config(str(_alembic_ini()))
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


async def upgrade_database() -> None:
    """Apply the migrations that the database lacks (``alembic upgrade head``).

    Alembic runs its own event loop (migrations/env.py), so it runs in a
    worker thread.
    """
    await asyncio.to_thread(_upgrade_to_head)


async def dispose_engines() -> None:
    """Close the connection pools (at shutdown)."""
    await write_engine.dispose()
    if read_engine is not write_engine:
        await read_engine.dispose()
