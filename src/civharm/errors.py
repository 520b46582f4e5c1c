"""The domain's exceptions. Boundaries (CLI, web) translate them once."""

from __future__ import annotations

from dataclasses import dataclass


class CivharmError(Exception):
    """Base class for errors a user can act on."""


class ConfigurationError(CivharmError):
    """A setting is missing or unsafe."""


class NotFoundError(CivharmError):
    """A record asked for does not exist (or is not visible to the caller)."""


class ConflictError(CivharmError):
    """The record changed since the caller read it (optimistic concurrency)."""


class ValidationError(CivharmError):
    """A value breaks a domain rule."""


class AuthenticationError(CivharmError):
    """Credentials were wrong, expired or revoked (deliberately vague about which)."""


class TooManyAttemptsError(AuthenticationError):
    """Logins for this user or address are locked for a while after repeated failures."""

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class PermissionDeniedError(CivharmError):
    """The acting user's role does not allow this action."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row of an input file."""

    file: str
    row: int  # 1-based line number in the file, header is row 1
    field: str
    message: str
    value: str | None = None

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (got {self.value!r})"
        return f"{self.file}: row {self.row}, field {self.field!r}: {self.message}{shown}"


class InputFileError(CivharmError):
    """An input file was refused; every problem found is listed."""

    def __init__(self, file: str, errors: list[RowError], *, truncated: int = 0) -> None:
        self.file = file
        self.errors = errors
        self.truncated = truncated
        more = f" (and {truncated} more)" if truncated else ""
        lines = "\n".join(f"  {e}" for e in errors)
        super().__init__(f"{file}: {len(errors) + truncated} problem(s){more}; nothing was imported\n{lines}")

    def __reduce__(self) -> tuple[type[InputFileError], tuple[str, list[RowError], int]]:
        # Imports parse files in a worker process; the error must cross back whole.
        return (InputFileError, (self.file, self.errors, self.truncated))
