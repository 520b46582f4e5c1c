"""Options every lifecycle command shares: who is acting and which version they read."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Any, TypeVar

import pydantic
import typer

from civharm.errors import ValidationError

M = TypeVar("M", bound=pydantic.BaseModel)

ACTOR = typer.Option(
    None,
    "--as",
    envvar="CIVHARM_ACTOR",
    help="Username acting (default: $CIVHARM_ACTOR, else the login name). The two-person rule compares it.",
)
EXPECT_VERSION = typer.Option(
    None,
    "--expect-version",
    help="The incident version you read (shown by `incidents show`); a newer one means someone else "
    "changed it and the command is refused.",
)
AT = typer.Option(
    None, "--at", help="When it happened (ISO date or time) if earlier than now, e.g. from a paper file."
)


def actor_name(value: str | None) -> str:
    """The acting username: the option, else the login name."""
    name = (value or getpass.getuser()).strip()
    if not name:
        raise ValidationError("say who is acting with --as USERNAME")
    return name


def build(model: type[M], **values: Any) -> M:
    """Validate input into ``model``; a bad value becomes one clear line at the CLI boundary."""
    try:
        return model(**values)
    except pydantic.ValidationError as exc:
        problems = "; ".join(_one(e) for e in exc.errors())
        raise ValidationError(problems) from None


def _one(error: Any) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()))
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def parse_at(value: str | None) -> datetime | None:
    """``--at`` as an aware datetime (UTC when no zone is given)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f"--at {value!r} is not an ISO date or time (e.g. 2026-03-14 or 2026-03-14T09:30)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
