"""A killed ingest never harms the live database, and the next ingest cleans up after it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from data.ingest import ingest
from data.store import Store
from tests.conftest import ROOT_DIR, TINY, rows

pytestmark = pytest.mark.slow  # browser, kill and property tests: `make test-fast` leaves them out

KILL_POINTS = [
    "record(s) read",
    "values and Ids checked",
    "built stg_users",
    "built stg_campaign_members",
    "checking references",
    "checks passed",
]


@pytest.mark.parametrize("stage", KILL_POINTS)
def test_killed_ingest_leaves_live_database_untouched(stage: str, small_export: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh" / "crm.duckdb"
    ingest(TINY, db, quiet=True)
    live_before = db.resolve()
    proc = subprocess.Popen(
        [sys.executable, "-m", "data.ingest", str(small_export), "--db", str(db)],
        cwd=ROOT_DIR,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if stage in line:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, f"ingest finished before reaching {stage!r}: {seen}"
    con = duckdb.connect(str(db), read_only=True)
    if stage == "checks passed":
        # killed around the switch itself (one rename): the live path is the old version or the new
        # one, complete either way, never something in between
        assert rows(con, "SELECT count(*) FROM stg_opportunities")[0][0] in (3, 525)
    else:  # the live link still points at the old version, which still answers
        assert db.resolve() == live_before
        assert rows(con, "SELECT count(*) FROM stg_opportunities") == [(3,)]
    con.close()
    # the lock died with the process: the next ingest runs, removes the half-built file and publishes
    summary = ingest(small_export, db, quiet=True)
    assert db.resolve() == summary.version_path
    assert not list(Store(db).versions_dir.glob(".building-*"))


def test_open_reader_keeps_reading_its_version_while_a_new_one_is_published(small_export: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh" / "crm.duckdb"
    ingest(TINY, db, quiet=True)
    reader = duckdb.connect(str(db.resolve()), read_only=True)
    ingest(small_export, db, quiet=True)
    assert rows(reader, "SELECT count(*) FROM stg_opportunities") == [(3,)]  # its own version, unharmed
    fresh = duckdb.connect(str(db), read_only=True)
    assert rows(fresh, "SELECT count(*) FROM stg_opportunities")[0][0] > 3
