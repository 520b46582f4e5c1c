"""The rules of moving a theme through Braun & Clarke's phases 3-5 (pure, no I/O)."""

from __future__ import annotations

from civharm.errors import ValidationError
from civharm.qualitative.models import ThemeStatus

SIX_PHASES = (
    "familiarisation with the data",
    "generating initial codes",
    "searching for themes",
    "reviewing themes",
    "defining and naming themes",
    "producing the report",
)


def check_review(*, name: str, coded_segments: int) -> None:
    """A theme is reviewed against its coded extracts, so it needs some."""
    if coded_segments == 0:
        raise ValidationError(f"theme {name!r} has no coded extracts to review; code some data first")


def check_definition(*, name: str, definition: str, extracts: int, status: ThemeStatus) -> None:
    """A defined theme says what it is about and shows at least one supporting extract."""
    if status == ThemeStatus.CANDIDATE:
        raise ValidationError(f"review theme {name!r} against its extracts before defining it")
    if not definition.strip():
        raise ValidationError(f"theme {name!r} needs a definition: what it is about and what it is not")
    if extracts == 0:
        raise ValidationError(f"theme {name!r} needs at least one supporting extract")
