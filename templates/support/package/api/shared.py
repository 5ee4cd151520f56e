{% include "support/header.py" %}
"""Dependencies, parameters and OpenAPI declarations shared by routers."""

from typing import Annotated, Any, Final

from fastapi import Depends, Query
from sqlmodel.ext.asyncio.session import AsyncSession

from {{ package }}.db.orm import (
    get_read_session_dependency,
    get_write_session_dependency,
)
from {{ package }}.dtos.shared import INT64_MAX, SEARCH_MAX_LENGTH, NulFreeStr
from {{ package }}.error import error_response

ReadSession = Annotated[AsyncSession, Depends(get_read_session_dependency)]
"""A session on the read database (GET routes)."""

WriteSession = Annotated[AsyncSession, Depends(get_write_session_dependency)]
"""A session on the write database (POST, PATCH, DELETE routes)."""

Offset = Annotated[
    int,
    Query(ge=0, le=INT64_MAX, description="Number of rows to skip."),
]
"""The ``offset`` query parameter of list routes."""

Search = Annotated[
    NulFreeStr | None,
    Query(
        max_length=SEARCH_MAX_LENGTH,
        description="Case-insensitive text to look for (taken literally).",
    ),
]
"""The ``q`` query parameter of list routes."""

VALIDATION_ERROR: Final[dict[str, Any]] = error_response(
    "Invalid request, or a referenced row does not exist.",
)
NOT_FOUND: Final[dict[str, Any]] = error_response("No row has this id.")
CONFLICT: Final[dict[str, Any]] = error_response(
    "A unique value is taken, or the row is still referenced.",
)
UNAUTHORIZED: Final[dict[str, Any]] = error_response(
    "Missing or invalid credentials.",
)
FORBIDDEN: Final[dict[str, Any]] = error_response(
    "The caller may not do this.",
)
