"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def str_enum(enum_cls: type[StrEnum]) -> Enum:
    """Store a ``StrEnum`` by value in a VARCHAR, so new values need no schema change."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=48,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
