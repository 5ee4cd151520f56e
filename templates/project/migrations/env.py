"""Alembic environment (async): target metadata is ``SQLModel.metadata``.

Importing ``{{ package }}.main`` imports every router, hence every model, so all
tables are on the metadata. The URL comes from the settings (DATABASE_URL).
"""

import asyncio
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import {{ package }}.main  # noqa: F401  (registers every model on the metadata)
from {{ package }}.core.config import settings

config = context.config
# The app migrating at start-up keeps its own logging (configure_logger).
if config.config_file_name is not None and config.attributes.get(
    "configure_logger",
    True,
):
    fileConfig(config.config_file_name)

target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it."""
    context.configure(
        url=settings.DATABASE_URL,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        compare_type=True,
        render_as_batch=settings.DATABASE_URL.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    """Run the migrations on a synchronous connection."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _transactional_sqlite(engine: Engine) -> None:
    """One transaction per run on SQLite too, DDL included, so that a
    migration that fails halfway leaves the database as it was: the
    driver's own transaction handling is off and SQLAlchemy says BEGIN.
    """

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(
        dbapi_connection: Any,
        connection_record: Any,
    ) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


async def run_async_migrations() -> None:
    """Connect with the async driver and run the migrations."""
    engine = create_async_engine(settings.DATABASE_URL)
    if engine.dialect.name == "sqlite":
        _transactional_sqlite(engine.sync_engine)
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await engine.dispose()


def run_migrations_online() -> None:
    """Run the migrations against the configured database."""
    asyncio.run(run_async_migrations())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
