"""``civharm serve``: the web application and REST API."""

from __future__ import annotations

import os

import typer
import uvicorn

from civharm.cli.context import app_context


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Address to listen on; keep 127.0.0.1 unless behind a proxy."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    workers: int = typer.Option(1, min=1, max=32, help="Server processes (2 suits a 2-core machine)."),
) -> None:
    """Serve the web pages and the JSON API (/api/v1, OpenAPI at /openapi.json).

    The database must exist (`civharm init`). Pages need a signed-in user; see docs/web.md.

    Example: civharm serve --host 127.0.0.1 --port 8000
    """
    context = app_context(ctx)
    context.ready_engine()  # refuse to start on a missing or outdated schema, with the usual message
    # Workers are separate processes that read settings from the environment: pass the chosen database on.
    os.environ["CIVHARM_DATABASE_URL"] = context.settings.effective_database_url
    os.environ["CIVHARM_DATA_DIR"] = str(context.settings.data_dir)
    typer.echo(f"civharm: serving http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(
        "civharm.web.asgi:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )
