"""The FastAPI application: settings, lifespan, error handlers, routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import BaseModel

from {{ package }}.core.config import settings
from {{ package }}.db.orm import dispose_engines, upgrade_database
from {{ package }}.middleware.error_handler import install_error_handlers

# scaffold: begin router imports
# isort: off
# isort: on
# scaffold: end router imports


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Migrate the database at start-up when enabled; close pools at the end."""
    if settings.MIGRATE_AT_STARTUP:
        await upgrade_database()
    yield
    await dispose_engines()


app = FastAPI(title="{{ package }}", version="0.1.0", lifespan=lifespan)
install_error_handlers(app)


class HealthDto(BaseModel):
    """Liveness answer."""

    status: str


@app.get("/health", tags=["health"], operation_id="health")
async def health() -> HealthDto:
    """Liveness probe: the process is up."""
    return HealthDto(status="ok")


# scaffold: begin router registrations
# scaffold: end router registrations
