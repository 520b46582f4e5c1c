"""A real PostgreSQL server for the test session, started on a loopback port.

Uses ``$CIVHARM_TEST_POSTGRES_URL`` when set (a server the caller runs); otherwise runs
``initdb`` and ``pg_ctl`` from the Debian packages into a temporary folder, as the
``postgres`` user when the tests run as root (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PostgresUnavailableError(RuntimeError):
    pass


def _bin_dir() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not candidates:
        raise PostgresUnavailableError(
            "PostgreSQL server binaries not found in /usr/lib/postgresql; run ./scripts/test "
            "(it installs the Debian packages) or set CIVHARM_TEST_POSTGRES_URL"
        )
    return Path(candidates[-1])


def _scratch_dir() -> str | None:
    """Memory-backed /dev/shm when it has room: the server's files then never touch the disk.

    Durability is not under test here (fsync is off too); hundreds of test databases are
    created and removed, which on a loaded disk costs minutes.
    """
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 4 * 2**30:
        return str(shm)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextmanager
def running_postgres() -> Iterator[str]:
    """Yield a superuser URL of a running server; stop and remove it afterwards."""
    external = os.environ.get("CIVHARM_TEST_POSTGRES_URL")
    if external:
        yield external
        return
    bin_dir = _bin_dir()
    root = Path(tempfile.mkdtemp(prefix="civharm-pg-", dir=_scratch_dir()))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        _as_server_user(
            [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "civharm", "-E", "UTF8"]
        ),
        **run,  # type: ignore[call-overload]
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(
        _as_server_user(
            [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(root / "log"), "start"]
        ),
        **run,  # type: ignore[call-overload]
    )
    try:
        yield f"postgresql+psycopg://civharm@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)
