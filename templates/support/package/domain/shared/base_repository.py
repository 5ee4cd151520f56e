{% include "support/header.py" %}
"""Generic async repository: the data access every domain repository shares.

Repositories never commit (services own the transactions) and never raise
HTTP errors. Filtering, searching and sorting only ever use the columns a
subclass allow-lists; values are always bound parameters.
"""

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

M = TypeVar("M", bound=SQLModel)


class BaseRepository(Generic[M]):
    """Data access for one table model ``M``.

    Subclasses name the columns that may be used:

    - ``filter_fields``: exact-match filters of ``paginate``
    - ``search_fields``: text columns searched by ``paginate(search=...)``
    - ``sort_fields``: sort keys (``"name"`` or ``"-name"`` descending)
    - ``unique_fields``: columns checked by ``find_unique_clash``
    """

    filter_fields: ClassVar[tuple[str, ...]] = ()
    search_fields: ClassVar[tuple[str, ...]] = ()
    sort_fields: ClassVar[tuple[str, ...]] = ()
    unique_fields: ClassVar[tuple[str, ...]] = ()
    id_field: ClassVar[str] = "id"

    def __init__(self, session: AsyncSession, model: type[M]) -> None:
        self.session = session
        self.model = model

    def column(self, name: str) -> InstrumentedAttribute[Any]:
        """The mapped column attribute ``name`` of the model."""
        attribute = getattr(self.model, name, None)
        if not isinstance(attribute, InstrumentedAttribute):
            raise ValueError(f"{self.model.__name__} has no column {name!r}")
        return attribute

    async def get_by_id(self, id_: Any) -> M | None:
        """The row with primary key ``id_``, or None."""
        return await self.session.get(self.model, id_)

    async def exists(self, id_: Any) -> bool:
        """Whether a row with primary key ``id_`` exists."""
        statement = select(self.column(self.id_field)).where(
            self.column(self.id_field) == id_,
        )
        result = await self.session.exec(statement.limit(1))
        return result.first() is not None

    async def paginate(
        self,
        *,
        limit: int,
        offset: int,
        sort: str,
        search: str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> tuple[list[M], int]:
        """One page of rows and the number of all matching rows.

        ``filters`` maps allow-listed columns to values (None = no filter);
        ``search`` is matched case-insensitively and literally (``%`` and
        ``_`` are not wildcards) against any of ``search_fields``; ``sort``
        is an allow-listed column, ``-`` first for descending. NULLs sort
        last on every database and the id breaks ties, so pages are stable.
        """
        conditions = self._conditions(search, filters or {})
        count = select(func.count()).select_from(self.model)
        total = (await self.session.exec(count.where(*conditions))).one()
        statement = select(self.model).where(*conditions)
        statement = statement.order_by(*self._order_by(sort))
        statement = statement.offset(offset).limit(limit)
        items = list((await self.session.exec(statement)).all())
        return items, total

    def add(self, instance: M) -> M:
        """Stage a new row (written on the service's commit)."""
        self.session.add(instance)
        return instance

    async def delete(self, instance: M) -> None:
        """Stage the deletion of a row (done on the service's commit)."""
        await self.session.delete(instance)

    async def find_unique_clash(
        self,
        values: Mapping[str, Any],
        exclude_id: Any | None = None,
    ) -> str | None:
        """The first of ``unique_fields`` whose value in ``values`` is taken.

        Fields missing from ``values`` or None there are skipped (NULLs never
        clash); ``exclude_id`` leaves out the row being updated.
        """
        id_column = self.column(self.id_field)
        for name in self.unique_fields:
            value = values.get(name)
            if value is None:
                continue
            statement = select(id_column).where(self.column(name) == value)
            if exclude_id is not None:
                statement = statement.where(id_column != exclude_id)
            result = await self.session.exec(statement.limit(1))
            if result.first() is not None:
                return name
        return None

    def _conditions(
        self,
        search: str | None,
        filters: Mapping[str, Any],
    ) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        for name, value in filters.items():
            if name not in self.filter_fields:
                raise ValueError(f"{name!r} is not a filter field")
            if value is not None:
                conditions.append(self.column(name) == value)
        if search and self.search_fields:
            matches: list[ColumnElement[bool]] = []
            for name in self.search_fields:
                column = self.column(name)
                matches.append(column.icontains(search, autoescape=True))
            conditions.append(or_(*matches))
        return conditions

    def _order_by(self, sort: str) -> Sequence[Any]:
        name = sort.removeprefix("-")
        if name not in self.sort_fields:
            raise ValueError(f"{sort!r} is not a sort key")
        column = self.column(name)
        order = column.desc() if sort.startswith("-") else column.asc()
        return [order.nulls_last(), self.column(self.id_field).asc()]
