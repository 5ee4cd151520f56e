"""Defaults of the settings."""

import pytest

from backend.core.config import Settings


def test_sqlite_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "DATABASE_READ_URL", "MIGRATE_AT_STARTUP"):
        monkeypatch.delenv(name, raising=False)

    settings = Settings(_env_file=None)

    assert settings.DATABASE_URL == "sqlite+aiosqlite:///./app.db"
    assert settings.DATABASE_READ_URL == settings.DATABASE_URL
    assert settings.MIGRATE_AT_STARTUP is True


def test_postgres_does_not_migrate_at_startup_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = "postgresql+asyncpg://app@db:5432/app"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("DATABASE_READ_URL", raising=False)
    monkeypatch.delenv("MIGRATE_AT_STARTUP", raising=False)

    settings = Settings(_env_file=None)

    assert url == settings.DATABASE_READ_URL
    assert settings.MIGRATE_AT_STARTUP is False


def test_read_url_and_migrate_at_startup_can_be_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://app@db/app")
    monkeypatch.setenv("DATABASE_READ_URL", "postgresql+asyncpg://app@ro/app")
    monkeypatch.setenv("MIGRATE_AT_STARTUP", "true")

    settings = Settings(_env_file=None)

    assert settings.DATABASE_READ_URL == "postgresql+asyncpg://app@ro/app"
    assert settings.MIGRATE_AT_STARTUP is True
