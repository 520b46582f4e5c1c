"""Declarative base and portable column types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, MetaData, Table
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: JSON that becomes JSONB on PostgreSQL.
PortableJSON = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: PortableJSON,
        list[str]: PortableJSON,
        list[dict[str, str]]: PortableJSON,
    }


def utcnow() -> datetime:
    return datetime.now(UTC)


def table_of(model: type[Base]) -> Table:
    """The ``Table`` behind a mapped class (typed, unlike ``Model.__table__``)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def as_utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime; SQLite hands back stored times without their zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
