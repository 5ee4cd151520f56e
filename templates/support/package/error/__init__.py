{% include "support/header.py" %}
"""Domain errors and the one error body every failing request returns.

Services raise these; ``{{ package }}.middleware.error_handler`` turns them into
``{"error": {"code": ..., "message": ..., "details": ...}}`` with the status
each class carries. Nothing below the router knows about HTTP otherwise.
"""

from typing import Any, ClassVar

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    """One problem with the request, located like pydantic's errors."""

    loc: list[str | int] = Field(
        description="Where the problem is, e.g. ['body', 'name'].",
    )
    msg: str = Field(description="What is wrong, for humans.")
    type: str = Field(description="Machine-readable kind of problem.")


class ErrorBody(BaseModel):
    """The content of an error response."""

    code: str = Field(description="Stable error code, e.g. 'not_found'.")
    message: str = Field(description="Human-readable summary.")
    details: list[ErrorDetail] | None = Field(
        default=None,
        description="Field errors (validation errors only).",
    )


class ErrorResponse(BaseModel):
    """The body of every error response."""

    error: ErrorBody


class AppError(Exception):
    """Base of all domain errors: a code, an HTTP status and a message."""

    code: ClassVar[str] = "internal_error"
    status_code: ClassVar[int] = 500

    def __init__(
        self,
        message: str,
        details: list[ErrorDetail] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_response(self) -> ErrorResponse:
        """The error body for this error."""
        return ErrorResponse(
            error=ErrorBody(
                code=self.code,
                message=self.message,
                details=self.details,
            ),
        )


class ValidationError(AppError):
    """The request is well-formed but its values are not acceptable."""

    code = "validation_error"
    status_code = 422

    def __init__(
        self,
        message: str,
        field: str | None = None,
        *,
        error_type: str = "value_error",
        details: list[ErrorDetail] | None = None,
    ) -> None:
        if details is None and field is not None:
            details = [
                ErrorDetail(loc=["body", field], msg=message, type=error_type),
            ]
        super().__init__(message, details)
        self.field = field


class NotFoundError(AppError):
    """The addressed row does not exist."""

    code = "not_found"
    status_code = 404


class ConflictError(AppError):
    """The change clashes with existing data (unique value, reference)."""

    code = "conflict"
    status_code = 409

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnauthorizedError(AppError):
    """The request lacks valid credentials."""

    code = "unauthorized"
    status_code = 401


class ForbiddenError(AppError):
    """The caller may not do this."""

    code = "forbidden"
    status_code = 403


def error_response(description: str) -> dict[str, Any]:
    """An OpenAPI ``responses`` entry whose body is an ``ErrorResponse``."""
    return {"model": ErrorResponse, "description": description}


__all__ = [
    "AppError",
    "ConflictError",
    "ErrorBody",
    "ErrorDetail",
    "ErrorResponse",
    "ForbiddenError",
    "NotFoundError",
    "UnauthorizedError",
    "ValidationError",
    "error_response",
]
