"""Request dependencies of the routers (written by hand, not generated)."""

from typing import Annotated

from fastapi import Header

from backend.error import UnauthorizedError


async def require_user(
    x_user_id: Annotated[str | None, Header(max_length=64)] = None,
) -> str:
    """The id of the signed-in user, from the ``X-User-Id`` header."""
    if not x_user_id:
        raise UnauthorizedError("Sign in first: send the X-User-Id header.")
    return x_user_id
