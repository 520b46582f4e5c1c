"""What every command needs: settings and a database engine, made once per invocation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from civharm.config import Settings
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import current_revision, head_revision
from civharm.errors import ConfigurationError


@dataclass
class AppContext:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_db_engine(self.settings.effective_database_url)
        return self._engine

    def ready_engine(self) -> Engine:
        """The engine, after checking the schema is there and current."""
        engine = self.engine
        current, head = current_revision(engine), head_revision(engine)
        if current is None:
            raise ConfigurationError("the database has no civharm schema yet; run `civharm init` first")
        if current != head:
            raise ConfigurationError(f"the database schema is at {current}, not {head}; run `civharm init`")
        return engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on a current schema, committed when the block ends without error."""
        make = session_factory(self.ready_engine())
        with make.begin() as session:
            yield session


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_object(AppContext)
    if obj is None:  # pragma: no cover - the root callback always sets it
        raise RuntimeError("civharm's root command did not run")
    return obj
