{% include "support/header.py" %}
"""Small helpers shared by models and services."""

import uuid
from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def new_str_id() -> str:
    """A new random id as text (UUID4, 36 characters)."""
    return str(uuid.uuid4())


__all__ = ["new_str_id", "utc_now"]
