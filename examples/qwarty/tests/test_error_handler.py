"""The error envelope, on a small app using the real error handlers."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel, Field

from backend.error import ConflictError, NotFoundError, ValidationError
from backend.middleware.error_handler import install_error_handlers
from tests.support import assert_error

pytestmark = pytest.mark.anyio


class ThingDto(BaseModel):
    """A body with one constrained field."""

    name: str = Field(min_length=2)


def build_app() -> FastAPI:
    """An app whose routes raise every kind of error."""
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/things")
    async def create_thing(dto: ThingDto) -> ThingDto:
        return dto

    @app.get("/not-found")
    async def not_found() -> None:
        raise NotFoundError("No such thing.")

    @app.get("/conflict")
    async def conflict() -> None:
        raise ConflictError("Taken.", field="name")

    @app.get("/invalid")
    async def invalid() -> None:
        raise ValidationError("No such artist.", field="artist_id")

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError("secret internals")

    return app


@pytest.fixture
async def error_client() -> AsyncIterator[AsyncClient]:
    """A client of ``build_app()``; app exceptions become responses."""
    transport = ASGITransport(app=build_app(), raise_app_exceptions=False)
    async with AsyncClient(
        transport=transport,
        base_url="http://testserver",
    ) as client:
        yield client


async def test_request_validation_error_keeps_loc_msg_type(
    error_client: AsyncClient,
) -> None:
    response = await error_client.post("/things", json={"name": "x"})

    error = assert_error(response, 422, "validation_error")
    assert error["details"] == [
        {
            "loc": ["body", "name"],
            "msg": "String should have at least 2 characters",
            "type": "string_too_short",
        },
    ]


async def test_malformed_json_is_422(error_client: AsyncClient) -> None:
    response = await error_client.post(
        "/things",
        content=b'{"name": ',
        headers={"content-type": "application/json"},
    )

    assert_error(response, 422, "validation_error")


async def test_unparsable_body_is_422_not_400(
    error_client: AsyncClient,
) -> None:
    too_deep = b"[" * 100_000 + b"]" * 100_000

    response = await error_client.post(
        "/things",
        content=too_deep,
        headers={"content-type": "application/json"},
    )

    error = assert_error(response, 422, "validation_error")
    assert error["message"] == "The request body could not be parsed."


async def test_app_errors_carry_their_status_and_code(
    error_client: AsyncClient,
) -> None:
    assert_error(await error_client.get("/not-found"), 404, "not_found")
    assert_error(await error_client.get("/conflict"), 409, "conflict")
    error = assert_error(
        await error_client.get("/invalid"),
        422,
        "validation_error",
    )
    assert error["details"] == [
        {
            "loc": ["body", "artist_id"],
            "msg": "No such artist.",
            "type": "value_error",
        },
    ]


async def test_unexpected_error_is_500_without_internals(
    error_client: AsyncClient,
) -> None:
    response = await error_client.get("/crash")

    error = assert_error(response, 500, "internal_error")
    assert "secret" not in response.text
    assert error["details"] is None


async def test_unknown_route_and_wrong_method(
    error_client: AsyncClient,
) -> None:
    assert_error(await error_client.get("/nowhere"), 404, "not_found")
    response = await error_client.put("/things")
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"
