{% include "support/header.py" %}
"""Field types and bases shared by the DTO modules.

Every string, number and JSON value that reaches SQL is bounded here so that
no request can make the database fail: PostgreSQL refuses NUL characters in
text and out-of-range integers, and nobody can store NaN or a datetime that
overflows when converted to UTC.
"""

import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Final, Generic, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    JsonValue,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

T = TypeVar("T")

INT32_MIN: Final = -(2**31)
INT32_MAX: Final = 2**31 - 1
INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1
STR_ID_MAX_LENGTH: Final = 36
SEARCH_MAX_LENGTH: Final = 100

NUL_FREE_PATTERN: Final = r"^[^\x00]*$"
"""Matches any text without NUL (PostgreSQL cannot store it)."""

_FORBIDDEN_CHARACTERS: Final = re.compile("[\x00\ud800-\udfff]")


def _reject_forbidden_characters(value: T) -> T:
    """Refuse NUL and unpaired surrogates (neither can be stored)."""
    if isinstance(value, str) and _FORBIDDEN_CHARACTERS.search(value):
        raise PydanticCustomError(
            "string_forbidden_character",
            "String must not contain NUL or unpaired surrogates",
        )
    return value


NulFreeStr = Annotated[str, StringConstraints(pattern=NUL_FREE_PATTERN)]
"""Text without NUL; add min/max length with ``Field``."""

NoNul = Annotated[T, AfterValidator(_reject_forbidden_characters)]
"""``NoNul[str]``: for a field with its own ``pattern`` (which replaces the
NUL-free one), checked after the field's constraints."""

StrId = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=STR_ID_MAX_LENGTH,
        pattern=NUL_FREE_PATTERN,
    ),
]
"""The id of a row whose id is ``str`` (UUID4 text)."""

IntId = Annotated[int, Field(ge=1, le=INT32_MAX)]
"""The id of a row whose id is ``int`` (INTEGER primary key)."""


def _to_utc(value: datetime) -> datetime:
    """Convert to UTC; a value that overflows there is invalid."""
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise PydanticCustomError(
            "datetime_out_of_range",
            "Datetime is out of range once converted to UTC",
        ) from exc


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A datetime with an offset (naive is refused), converted to UTC."""


def _check_json(value: JsonValue) -> JsonValue:
    """Refuse non-finite numbers, NUL and unpaired surrogates in JSON."""
    pending: list[Any] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise PydanticCustomError(
                "json_non_finite_number",
                "JSON numbers must be finite",
            )
        if isinstance(item, str):
            _reject_forbidden_characters(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return value


FiniteJson = Annotated[JsonValue, AfterValidator(_check_json)]
"""Any JSON value whose numbers are finite and whose strings are storable."""


class Quantize:
    """``Annotated[Decimal, Quantize(2)]``: exactly 2 decimal places.

    SQLite stores NUMERIC as a float; quantizing on the way in makes every
    database return what was sent, and never an exponent form ("1E+2").
    Runs after the field's own constraints (max_digits, decimal_places).
    """

    def __init__(self, places: int) -> None:
        self.exponent = Decimal(1).scaleb(-places)

    def quantize(self, value: Decimal | None) -> Decimal | None:
        """``value`` with exactly the configured number of places."""
        if value is None:
            return None
        return value.quantize(self.exponent)

    def __get_pydantic_core_schema__(
        self,
        source_type: Any,
        handler: GetCoreSchemaHandler,
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            self.quantize,
            handler(source_type),
        )


def _reject_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("null_not_allowed", "Field may not be null")
    return value


class _NotNullMarker:
    """See ``NotNull``."""

    def __get_pydantic_core_schema__(
        self,
        source_type: Any,
        handler: GetCoreSchemaHandler,
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(
            _reject_null,
            handler(source_type),
        )

    def __get_pydantic_json_schema__(
        self,
        schema: core_schema.CoreSchema,
        handler: GetJsonSchemaHandler,
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        branches: Sequence[JsonSchemaValue] = json_schema.pop("anyOf", ())
        kept = [branch for branch in branches if branch != {"type": "null"}]
        if len(kept) == 1:
            json_schema.update(kept[0])
        elif kept:
            json_schema["anyOf"] = kept
        return json_schema

    def __repr__(self) -> str:
        return "NotNull"


NotNull = Annotated[T | None, _NotNullMarker()]
"""For update DTOs: ``NotNull[str] = Field(default=None, ...)`` may be left
out (it stays unset) but not sent as null, because its column is NOT NULL.
The OpenAPI schema shows the field as non-nullable."""


class PageDto(BaseModel, Generic[T]):
    """One page of a list: the items and where they are in the whole."""

    items: list[T] = Field(description="The rows of this page.")
    total: int = Field(description="Number of rows matching the query.")
    limit: int = Field(description="Page size that was asked for.")
    offset: int = Field(description="Number of rows skipped.")


__all__ = [
    "INT32_MAX",
    "INT32_MIN",
    "INT64_MAX",
    "INT64_MIN",
    "NUL_FREE_PATTERN",
    "SEARCH_MAX_LENGTH",
    "STR_ID_MAX_LENGTH",
    "FiniteJson",
    "IntId",
    "NoNul",
    "NotNull",
    "NulFreeStr",
    "PageDto",
    "Quantize",
    "StrId",
    "UtcDatetime",
]
