"""One settings object, built by a factory and passed to whoever needs it."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from civharm.errors import ConfigurationError


def default_data_dir() -> Path:
    """Where civharm keeps its embedded database and keys when nothing else is said."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "civharm"


class Settings(BaseSettings):
    """civharm's settings, read from ``CIVHARM_*`` environment variables.

    Example::

        settings = Settings(database_url="sqlite:////tmp/ch.sqlite3")
    """

    model_config = SettingsConfigDict(env_prefix="CIVHARM_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    #: Days after a credible determination before a missing response is overdue.
    response_overdue_days: int = 30
    #: Days an incident may wait for an assessment before it is overdue.
    assessment_overdue_days: int = 60

    #: The key that encrypts personal fields and seals the audit chain; kept outside the
    #: database (default: ``data_dir/keys/civharm.key``, created by ``civharm init``).
    key_file: Path | None = None
    #: Send the session cookie only over HTTPS; turn off only for http://localhost.
    cookie_secure: bool = True
    #: A login session ends this many hours after it began, however active.
    session_hours: float = Field(default=12, gt=0, le=24 * 30)
    #: ... and after this many minutes without a request.
    session_idle_minutes: int = Field(default=60, gt=0)
    #: Failed logins (per user and per client address) before logins are locked.
    login_max_failures: int = Field(default=5, ge=1)
    #: How long a lock lasts, and the window in which failures are counted.
    login_lockout_minutes: int = Field(default=15, ge=1)

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("database_url must be a sqlite:// or postgresql:// URL")
        return value

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file inside ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'civharm.sqlite3'}"

    @property
    def effective_key_file(self) -> Path:
        """The configured key file, or ``keys/civharm.key`` inside ``data_dir``."""
        return self.key_file or self.data_dir / "keys" / "civharm.key"


def load_settings(*, database_url: str | None = None) -> Settings:
    """Build settings from the environment, with an explicit database URL taking precedence."""
    try:
        settings = Settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise ConfigurationError(str(exc)) from exc
    if database_url:
        settings = settings.model_copy(
            update={"database_url": Settings(database_url=database_url).database_url}
        )
    return settings
