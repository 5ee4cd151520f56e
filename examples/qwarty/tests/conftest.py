"""Fixtures: the app over httpx's ASGI transport, a fresh database per test.

By default each test gets its own SQLite file in a temp directory. With
``TEST_DATABASE_URL`` set (e.g. ``postgresql+asyncpg://...``) the tests use
that database instead and drop/create all tables around each test.
ASGITransport does not run the lifespan, so the tables are created here and
both session dependencies are overridden to use the test database.
"""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient
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


@pytest.fixture
def anyio_backend() -> str:
    """Run the async tests on asyncio only."""
    return "asyncio"


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database holding all tables."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.drop_all)
        await connection.run_sync(SQLModel.metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the test database, for arranging and inspecting rows."""
    async with create_session_factory(engine)() as session:
        yield session


@pytest.fixture
async def client(engine: AsyncEngine) -> AsyncIterator[AsyncClient]:
    """An HTTP client talking to the app, which uses the test database."""
    session_factory = create_session_factory(engine)

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
