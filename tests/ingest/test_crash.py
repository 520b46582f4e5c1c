"""A killed import leaves the store as it was; running it again completes the file."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civharm.db.engine import create_db_engine
from civharm.db.schema import upgrade_schema
from civharm.ingest.synthetic import write_acled_like
from civharm.reports.models import ImportRun, Report

ROWS = 50_000


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (large imports parse in a worker process)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found.extend(_process_tree(int(child)))
    return found


def _read_position(pid: int, path: Path) -> int | None:
    """How far the import has read ``path``, from Linux's /proc/<pid>/fdinfo."""
    for process in _process_tree(pid):
        try:
            for fd in Path(f"/proc/{process}/fd").iterdir():
                if fd.readlink() == path:
                    for line in Path(f"/proc/{process}/fdinfo/{fd.name}").read_text().splitlines():
                        if line.startswith("pos:"):
                            return int(line.split()[1])
        except OSError:
            continue
    return None


def _import_command(db_url: str, path: Path) -> list[str]:
    return [sys.executable, "-m", "civharm", "--db", db_url, "import", "acled", str(path)]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fdinfo").exists(), reason="needs Linux /proc to watch the import")
def test_sigkill_mid_import_leaves_no_partial_file(db_url: str, shared_data: Path, tmp_path: Path) -> None:
    big = write_acled_like(shared_data / "acled_2022q1_sample.csv", tmp_path / "big.csv", ROWS)
    engine = create_db_engine(db_url)
    upgrade_schema(engine)
    size = big.stat().st_size

    process = subprocess.Popen(_import_command(db_url, big), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    position = 0
    while time.monotonic() < deadline and process.poll() is None:
        position = _read_position(process.pid, big) or 0
        if position > size * 0.3:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the import finished before it could be killed; make the file bigger"
    assert position > size * 0.3, "the import never got under way"
    process.send_signal(signal.SIGKILL)  # the importer; its reader process ends on the broken pipe
    process.wait(timeout=30)

    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 0
        assert session.scalar(select(func.count()).select_from(ImportRun)) == 0

    rerun = subprocess.run(_import_command(db_url, big), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Report)) == ROWS
        run = session.scalars(select(ImportRun)).one()
        assert run.rows_inserted == ROWS
        assert len(run.file_sha256) == 64
    engine.dispose()
