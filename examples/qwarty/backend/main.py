"""The FastAPI application: settings, lifespan, error handlers, routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import BaseModel

from backend.core.config import settings
from backend.db.orm import dispose_engines, upgrade_database
from backend.middleware.error_handler import install_error_handlers

# scaffold: begin router imports
# isort: off
from backend.api.v1.routers import artist as artist_router
from backend.api.v1.routers import artwork as artwork_router
from backend.api.v1.routers import exhibition as exhibition_router
from backend.api.v1.routers import (
    exhibition_catalogue_entry as exhibition_catalogue_entry_router,
)
from backend.api.v1.routers import message as message_router
from backend.api.v1.routers import notification as notification_router
from backend.api.v1.routers import subscription as subscription_router
from backend.api.v1.routers import user as user_router
# isort: on
# scaffold: end router imports


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Migrate the database at start-up when enabled; close pools at the end."""
    if settings.MIGRATE_AT_STARTUP:
        await upgrade_database()
    yield
    await dispose_engines()


app = FastAPI(title="backend", version="0.1.0", lifespan=lifespan)
install_error_handlers(app)


class HealthDto(BaseModel):
    """Liveness answer."""

    status: str


@app.get("/health", tags=["health"], operation_id="health")
async def health() -> HealthDto:
    """Liveness probe: the process is up."""
    return HealthDto(status="ok")


# scaffold: begin router registrations
app.include_router(artist_router.router)
app.include_router(artwork_router.router)
app.include_router(exhibition_router.router)
app.include_router(exhibition_catalogue_entry_router.router)
app.include_router(message_router.router)
app.include_router(notification_router.router)
app.include_router(subscription_router.router)
app.include_router(user_router.router)
# scaffold: end router registrations
