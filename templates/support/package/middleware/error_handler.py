{% include "support/header.py" %}
"""Turn every error into ``{"error": {"code", "message", "details"}}``.

Covers domain errors (``AppError``), FastAPI's request validation errors,
Starlette's HTTP errors (unknown route 404, wrong method 405 with its
``Allow`` header, unparsable body) and, as a last resort, any unexpected
exception (500 ``internal_error``, never expected).
"""

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from {{ package }}.error import AppError, ErrorBody, ErrorDetail, ErrorResponse

logger = logging.getLogger(__name__)

_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}


def _json_response(
    status_code: int,
    body: ErrorResponse,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        status_code=status_code,
        content=body.model_dump(mode="json"),
        headers=headers,
    )


def _error(
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
) -> ErrorResponse:
    return ErrorResponse(
        error=ErrorBody(code=code, message=message, details=details),
    )


def _loc_part(part: object) -> str | int:
    return part if isinstance(part, int) else str(part)


def validation_details(errors: Sequence[Any]) -> list[ErrorDetail]:
    """Keep only ``loc``, ``msg`` and ``type`` of pydantic-style errors.

    The raw errors can hold the input (bytes, huge values) and exception
    objects in ``ctx``, which must not reach the response.
    """
    details: list[ErrorDetail] = []
    for error in errors:
        loc = [_loc_part(part) for part in error.get("loc", ())]
        details.append(
            ErrorDetail(
                loc=loc,
                msg=str(error.get("msg", "")),
                type=str(error.get("type", "value_error")),
            ),
        )
    return details


async def app_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """A domain error: its own status and code."""
    if not isinstance(exc, AppError):
        return await unexpected_error_handler(request, exc)
    return _json_response(exc.status_code, exc.to_response())


async def request_validation_error_handler(
    request: Request,
    exc: Exception,
) -> JSONResponse:
    """FastAPI's request validation errors: 422 with the field errors."""
    if not isinstance(exc, RequestValidationError):
        return await unexpected_error_handler(request, exc)
    body = _error(
        "validation_error",
        "The request is invalid.",
        validation_details(exc.errors()),
    )
    return _json_response(422, body)


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's HTTP errors (routing 404/405, body parsing, ...)."""
    if not isinstance(exc, StarletteHTTPException):
        return await unexpected_error_handler(request, exc)
    status_code = exc.status_code
    message = str(exc.detail)
    if status_code == 400 and "parsing the body" in message:
        status_code = 422
        message = "The request body could not be parsed."
    body = _error(_CODES.get(status_code, "http_error"), message)
    return _json_response(status_code, body, headers=exc.headers)


async def unexpected_error_handler(
    request: Request,
    exc: Exception,
) -> JSONResponse:
    """Anything else: 500 without internals (logged with its traceback)."""
    logger.exception(
        "unhandled error on %s %s",
        request.method,
        request.url.path,
        exc_info=exc,
    )
    body = _error("internal_error", "An unexpected error occurred.")
    return _json_response(500, body)


def install_error_handlers(app: FastAPI) -> None:
    """Register all handlers on ``app``."""
    app.add_exception_handler(AppError, app_error_handler)
    app.add_exception_handler(
        RequestValidationError,
        request_validation_error_handler,
    )
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(Exception, unexpected_error_handler)
