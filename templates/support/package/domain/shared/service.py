{% include "support/header.py" %}
"""Helpers for services: committing, and checking references.

Services own the transactions. ``commit`` turns the database's integrity
errors (which pre-checks cannot rule out under concurrency) into domain
errors: a foreign-key violation is a validation error on create/update and a
conflict on delete (the row is still referenced); anything else, such as a
unique violation, is a conflict.
"""

from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from {{ package }}.domain.shared.base_repository import BaseRepository
from {{ package }}.error import AppError, ConflictError, ValidationError


def _is_foreign_key_violation(exc: DBAPIError) -> bool:
    """SQLite: 'FOREIGN KEY constraint failed'; PostgreSQL: SQLSTATE 23503
    ('... violates foreign key constraint ...')."""
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate == "23503" or "foreign key" in str(exc.orig).lower()


def integrity_error_to_app_error(
    exc: IntegrityError,
    *,
    deleting: bool = False,
) -> AppError:
    """The domain error an integrity error stands for."""
    if _is_foreign_key_violation(exc):
        if deleting:
            return ConflictError("The row is still referenced by other rows.")
        return ValidationError("A referenced row does not exist.")
    return ConflictError("The change conflicts with existing data.")


async def commit(session: AsyncSession, *, deleting: bool = False) -> None:
    """Commit the session, or roll back and raise the matching domain error.

    Pass ``deleting=True`` when the transaction deletes rows, so that a
    foreign-key violation (a restricting reference) becomes a conflict.
    """
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise integrity_error_to_app_error(exc, deleting=deleting) from exc


async def ensure_exists(
    repository: BaseRepository[Any],
    id_: Any | None,
    *,
    field: str,
) -> None:
    """Fail with a validation error naming ``field`` when ``id_`` (if given)
    names no row of the repository's table."""
    if id_ is None or await repository.exists(id_):
        return
    label = repository.model.__name__
    raise ValidationError(f"No {label} with this id exists.", field=field)


__all__ = [
    "commit",
    "ensure_exists",
    "integrity_error_to_app_error",
]
