"""Application settings, read from the environment (and a ``.env`` file)."""

from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _read_url_default(data: dict[str, Any]) -> str:
    """Read from the write database unless told otherwise."""
    return str(data["DATABASE_URL"])


def _migrate_default(data: dict[str, Any]) -> bool:
    """Apply migrations at start-up by default only on SQLite."""
    return str(data["DATABASE_URL"]).startswith("sqlite")


class Settings(BaseSettings):
    """Settings of the backend; each one can be set by an env variable."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    DATABASE_URL: str = Field(
        default="sqlite+aiosqlite:///./app.db",
        description="SQLAlchemy URL of the database that takes writes.",
    )
    DATABASE_READ_URL: str = Field(
        default_factory=_read_url_default,
        description="SQLAlchemy URL for reads; defaults to DATABASE_URL.",
    )
    MIGRATE_AT_STARTUP: bool = Field(
        default_factory=_migrate_default,
        description="Run `alembic upgrade head` at start-up (SQLite default).",
    )
    SQLITE_BUSY_TIMEOUT_MS: int = Field(
        default=30_000,
        ge=0,
        description="How long a SQLite connection waits for a lock.",
    )
    DATABASE_ECHO: bool = Field(
        default=False,
        description="Log every SQL statement.",
    )


settings = Settings()
