"""``civharm user|token|grant|audit|key ...``, ``civharm backup`` and ``civharm restore``."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import timedelta
from pathlib import Path

import typer
from sqlalchemy import select

from civharm.cli.context import app_context
from civharm.db.base import utcnow
from civharm.errors import ValidationError
from civharm.security.audit import checkpoint
from civharm.security.auth import create_token, list_tokens, revoke_token, unlock
from civharm.security.backup import backup, restore
from civharm.security.canonical import normalise
from civharm.security.grants import grant, grants_of, revoke_grant
from civharm.security.models import AuditEntry, GrantLevel
from civharm.security.policy import visible_incident
from civharm.security.principal import SYSTEM, Role
from civharm.security.users import create_user, list_users, set_disabled, set_password
from civharm.security.vault import add_key
from civharm.security.verify import verify

user_app = typer.Typer(help="Manage who may log in.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for machine clients.", no_args_is_help=True)
grant_app = typer.Typer(help="Per-record permissions on incidents.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
key_app = typer.Typer(help="The encryption key kept outside the database.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.add_typer(grant_app, name="grant")
    app.add_typer(audit_app, name="audit")
    app.add_typer(key_app, name="key")
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)


def cli_actor() -> str:
    """Who is acting on the command line: the operating-system account."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _read_password() -> str:
    """The first line of standard input (a terminal is asked, without echo)."""
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise ValidationError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


# --- users ---------------------------------------------------------------------------------


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="User name: lower-case letters, digits, . _ @ -"),
    role: Role = typer.Option(..., "--role", help="admin, analyst, assessor, approver, intake or partner."),
    organisation: str | None = typer.Option(None, "--organisation", help="Required for partners."),
    cleared: bool = typer.Option(False, "--cleared", help="May see restricted fields (identities)."),
    no_password: bool = typer.Option(False, "--no-password", help="Add without a password (cannot log in)."),
) -> None:
    """Add a user; the password is read from standard input (first line).

    Example: civharm user add amal --role analyst < amal-password.txt
    """
    password = None if no_password else _read_password()
    with app_context(ctx).session() as session:
        user = create_user(
            session,
            username=name,
            role=role,
            password=password,
            organisation=organisation,
            cleared=cleared,
            actor=cli_actor(),
        )
        typer.echo(f"added {user.username} ({user.role.value}{', ' + organisation if organisation else ''})")


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List users with their role, organisation and state.

    Example: civharm user list --json
    """
    with app_context(ctx).session() as session:
        rows = [
            {
                "username": u.username,
                "role": u.role.value,
                "organisation": u.organisation,
                "cleared": u.cleared,
                "disabled": u.disabled,
                "has_password": u.password_hash is not None,
                "last_login_at": normalise(u.last_login_at) if u.last_login_at else None,
            }
            for u in list_users(session)
        ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        flags = [f for f, on in (("cleared", r["cleared"]), ("DISABLED", r["disabled"])) if on]
        org = f" [{r['organisation']}]" if r["organisation"] else ""
        typer.echo(f"{r['username']:<24} {r['role']:<9}{org} {' '.join(flags)}".rstrip())


@user_app.command("disable")
def user_disable(ctx: typer.Context, name: str = typer.Argument(..., help="The user to disable.")) -> None:
    """Disable a user: their sessions end and their API tokens stop working.

    Example: civharm user disable amal
    """
    with app_context(ctx).session() as session:
        set_disabled(session, username=name, disabled=True)
    typer.echo(f"disabled {name}")


@user_app.command("enable")
def user_enable(ctx: typer.Context, name: str = typer.Argument(..., help="The user to enable.")) -> None:
    """Enable a disabled user again.

    Example: civharm user enable amal
    """
    with app_context(ctx).session() as session:
        set_disabled(session, username=name, disabled=False)
    typer.echo(f"enabled {name}")


@user_app.command("password")
def user_password(ctx: typer.Context, name: str = typer.Argument(..., help="Whose password to set.")) -> None:
    """Set a user's password from standard input; their login sessions end.

    Example: civharm user password amal < new-password.txt
    """
    password = _read_password()
    with app_context(ctx).session() as session:
        set_password(session, username=name, password=password)
    typer.echo(f"password of {name} changed")


@user_app.command("unlock")
def user_unlock(ctx: typer.Context, name: str = typer.Argument(..., help="The locked-out user.")) -> None:
    """Clear a user's failed logins, lifting a lock-out.

    Example: civharm user unlock amal
    """
    with app_context(ctx).session() as session:
        unlock(session, username=name)
    typer.echo(f"failed logins of {name} cleared")


# --- API tokens ----------------------------------------------------------------------------


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The user the token acts as."),
    label: str = typer.Option("cli", "--label", help="What the token is for."),
    days: int = typer.Option(90, "--days", min=1, max=3650, help="Days until it expires."),
) -> None:
    """Create an API token acting as NAME; it is printed once and stored only as a hash.

    Example: civharm token create ingest-bot --label nightly-import --days 30
    """
    with app_context(ctx).session() as session:
        token, row = create_token(session, username=name, label=label, days=days)
        expires = normalise(row.expires_at)
    typer.echo(token)
    typer.echo(f"token for {name} ({label}), expires {expires}; it will not be shown again", err=True)


@token_app.command("list")
def token_list(ctx: typer.Context, name: str = typer.Argument(..., help="Whose tokens.")) -> None:
    """List a user's API tokens (never the secrets).

    Example: civharm token list ingest-bot
    """
    with app_context(ctx).session() as session:
        for t in list_tokens(session, username=name):
            state = "revoked" if t.revoked_at else f"expires {normalise(t.expires_at)}"
            typer.echo(f"{t.id:>5} {t.prefix}... {t.label:<24} {state}")


@token_app.command("revoke")
def token_revoke(ctx: typer.Context, token_id: int = typer.Argument(..., help="The token's number.")) -> None:
    """Revoke an API token.

    Example: civharm token revoke 3
    """
    with app_context(ctx).session() as session:
        revoke_token(session, token_id=token_id)
    typer.echo(f"token {token_id} revoked")


# --- grants --------------------------------------------------------------------------------


@grant_app.command("add")
def grant_add(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The incident's code."),
    user: str | None = typer.Option(None, "--user", help="Grant to this user ..."),
    organisation: str | None = typer.Option(None, "--organisation", help="... or to this organisation."),
    level: GrantLevel = typer.Option(GrantLevel.READ, "--level", help="read, or restricted (staff only)."),
    days: int | None = typer.Option(None, "--days", min=1, help="Expire after this many days."),
    reason: str = typer.Option("", "--reason", help="Why (kept with the grant)."),
) -> None:
    """Give a user or organisation access to one incident.

    Example: civharm grant add CH-2026-000012 --organisation "Protection Cluster" --reason referral
    """
    with app_context(ctx).session() as session:
        incident = visible_incident(session, SYSTEM, code)
        row = grant(
            session,
            incident=incident,
            level=level,
            username=user,
            organisation=organisation,
            reason=reason,
            expires_at=utcnow() + timedelta(days=days) if days else None,
            granted_by=SYSTEM,
        )
        typer.echo(f"grant {row.id}: {level.value} on {code} to {user or organisation}")


@grant_app.command("list")
def grant_list(ctx: typer.Context, code: str = typer.Argument(..., help="The incident's code.")) -> None:
    """List the grants on one incident.

    Example: civharm grant list CH-2026-000012
    """
    with app_context(ctx).session() as session:
        incident = visible_incident(session, SYSTEM, code)
        for g in grants_of(session, incident=incident):
            expires = f", until {normalise(g.expires_at)}" if g.expires_at else ""
            typer.echo(
                f"{g.id:>5} {g.level.value:<10} {g.username or g.organisation} (by {g.granted_by}{expires})"
            )


@grant_app.command("revoke")
def grant_revoke(ctx: typer.Context, grant_id: int = typer.Argument(..., help="The grant's number.")) -> None:
    """Remove a grant.

    Example: civharm grant revoke 4
    """
    with app_context(ctx).session() as session:
        revoke_grant(session, grant_id=grant_id, revoked_by=SYSTEM)
    typer.echo(f"grant {grant_id} removed")


# --- audit ---------------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    chain_only: bool = typer.Option(False, "--chain-only", help="Skip comparing records with the chain."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Check the audit chain and every tracked record; exit 1 naming the first broken entry.

    Example: civharm audit verify
    """
    engine = app_context(ctx).ready_engine()
    with engine.connect() as connection:
        report = verify(connection, check_rows=not chain_only)
    if report.ok:
        checkpoint(engine)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    elif report.ok:
        typer.echo(f"audit chain intact: {report.entries:,} entries, {report.rows_checked:,} records match")
    else:
        broken = report.first_broken_entry
        typer.echo(f"AUDIT CHAIN BROKEN{f' at entry {broken}' if broken else ''}:", err=True)
        for problem in report.problems:
            typer.echo(f"  {problem}", err=True)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("tail")
def audit_tail(ctx: typer.Context, count: int = typer.Option(20, "--count", "-n", min=1, max=10_000)) -> None:
    """Show the newest audit entries.

    Example: civharm audit tail -n 50
    """
    with app_context(ctx).session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(count)).all()
        for e in reversed(rows):
            typer.echo(f"{e.id:>8} {e.at} {e.actor:<20} {e.action:<12} {e.table_name} {e.record_id}")


# --- keys, backup, restore -----------------------------------------------------------------


@key_app.command("rotate")
def key_rotate(ctx: typer.Context) -> None:
    """Add a new key that encrypts from now on; values under older keys stay readable.

    Example: civharm key rotate
    """
    path = app_context(ctx).settings.effective_key_file
    typer.echo(f"new key {add_key(path)} added to {path}; back the key file up again")


def backup_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Where to write the backup (gzip JSON lines)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing file."),
) -> None:
    """Back up the whole store (records, users, grants, audit chain) to FILE.

    Example: civharm backup civharm-2026-11-23.backup.gz
    """
    if file.exists() and not force:
        raise ValidationError(f"{file} exists; choose another name or pass --force")
    summary = backup(app_context(ctx).ready_engine(), file)
    typer.echo(f"backed up {summary.total:,} rows of {len(summary.rows)} tables to {file}")
    typer.echo("names stay encrypted in the backup: keep a copy of the key file, apart from it", err=True)


def restore_command(
    ctx: typer.Context, file: Path = typer.Argument(..., help="A file made by civharm backup.")
) -> None:
    """Restore a backup into an empty store (--db), then verify its audit chain.

    Example: civharm --db postgresql://civharm@db/civharm restore civharm-2026-11-23.backup.gz
    """
    engine = app_context(ctx).engine
    summary = restore(engine, file)
    with engine.connect() as connection:
        report = verify(connection)
    typer.echo(f"restored {summary.total:,} rows of {len(summary.rows)} tables from {file}")
    if not report.ok:
        typer.echo(f"but the audit chain does not verify: {report.problems[0]}", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit chain intact: {report.entries:,} entries")
