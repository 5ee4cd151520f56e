{% include "support/header.py" %}
"""Column types shared by the table models.

Alembic renders these by their full path (``{{ package }}.db.types.UtcDateTime``),
so ``migrations/script.py.mako`` imports this module.
"""

from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """A UTC instant stored as a naive ``TIMESTAMP`` (UTC wall clock).

    Binding converts an aware datetime to UTC and drops the tzinfo (asyncpg
    refuses aware values for ``TIMESTAMP WITHOUT TIME ZONE``; SQLite would
    drop it anyway); reading attaches UTC again, so the application only ever
    sees aware datetimes.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(
        self,
        value: datetime | None,
        dialect: Dialect,
    ) -> datetime | None:
        """Store ``value`` as naive UTC; a naive value is taken as UTC."""
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(
        self,
        value: Any | None,
        dialect: Dialect,
    ) -> datetime | None:
        """Return the stored naive UTC value as an aware UTC datetime."""
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value)!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(enum_class: type[Enum], name: str) -> SAEnum:
    """A column type storing ``enum_class`` by value.

    On PostgreSQL this is a native enum type called ``name``, which the
    models spell ``{table}_{field}`` so that two tables' enums never clash.
    """
    return SAEnum(
        enum_class,
        name=name,
        values_callable=_enum_values,
        validate_strings=True,
    )


def _enum_values(enum_class: type[Enum]) -> list[str]:
    """The stored values of ``enum_class``: its members' values."""
    return [str(member.value) for member in enum_class]
