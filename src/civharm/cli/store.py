"""``civharm init`` and ``civharm stats``."""

from __future__ import annotations

import json

import typer

from civharm.cli.context import app_context
from civharm.cli.security import cli_actor
from civharm.db.schema import current_revision, upgrade_schema
from civharm.security.encryption import encrypt_plaintext
from civharm.security.principal import SYSTEM
from civharm.security.vault import Vault
from civharm.stats import store_stats


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("stats")(stats)


def init(ctx: typer.Context) -> None:
    """Create the schema and the key file, or upgrade to this version of civharm. Safe to run again.

    The key file (mode 0600, outside the database) encrypts personal fields and seals the
    audit chain; back it up apart from the database.

    Example: civharm --db sqlite:///harm.sqlite3 init
    """
    context = app_context(ctx)
    key_file = context.settings.effective_key_file
    _, created = Vault.ensure(key_file)
    if created:
        typer.echo(f"created key file {key_file} (mode 0600): back it up, apart from the database")
    upgrade_schema(context.engine)
    encrypted = encrypt_plaintext(context.engine, actor=cli_actor())
    if encrypted:
        typer.echo(f"encrypted the personal fields of {encrypted:,} casualty records stored before")
    typer.echo(f"schema at {current_revision(context.engine)} in {context.engine.url.render_as_string()}")


def stats(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Counts of reports, incidents and casualty records, by source and topic.

    Example: civharm stats --json
    """
    with app_context(ctx).session() as session:
        figures = store_stats(session, principal=SYSTEM)
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        if isinstance(value, dict):
            typer.echo(f"{key}:")
            for name, n in value.items():
                typer.echo(f"  {name:<32} {n:>10,}")
        else:
            typer.echo(f"{key:<34} {value:>10,}")
