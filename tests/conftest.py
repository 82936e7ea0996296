"""Shared fixtures: the tiny hand-built export, messy variants of it, and loading helpers."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from data.ingest import ingest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TINY = FIXTURES / "sf_tiny"
MESSY = FIXTURES / "messy"
ROOT_DIR = Path(__file__).resolve().parent.parent
REFERENCE = ROOT_DIR.parent / "shared" / "reference-data"


def export_with(tmp_path: Path, case: str | None = None) -> Path:
    """A copy of the tiny export with a messy case's files laid over it (and `_remove.txt` files removed)."""
    out = tmp_path / f"export-{case or 'tiny'}"
    shutil.copytree(TINY, out)
    if case:
        overlay = MESSY / case
        for f in overlay.iterdir():
            if f.name == "_remove.txt":
                for name in f.read_text().split():
                    (out / name).unlink()
            else:
                shutil.copyfile(f, out / f.name)
    return out


def load(export: Path, db: Path, **kwargs) -> duckdb.DuckDBPyConnection:
    """Ingest quietly and open the live database read-only."""
    ingest(export, db, quiet=True, **kwargs)
    return duckdb.connect(str(db), read_only=True)


def named_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Rows as {column: value}, for expected rows a reader can follow by name."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "crm.duckdb"


def copy_loaded(db: Path, dest: Path) -> Path:
    """A private copy of a loaded database (its live link and versions folder) under `dest`.

    Tests that run the app in this process need it: DuckDB refuses a second connection to one file with
    another configuration, and the app opens its own locked one while other tests hold plain read-only ones.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for item in db.parent.iterdir():  # the live link is relative, so the copied one points at the copy
        if item.is_dir():
            shutil.copytree(item, dest / item.name, symlinks=True)
        else:
            shutil.copy2(item, dest / item.name, follow_symlinks=False)
    return dest / db.name


@pytest.fixture(scope="session")
def metrics_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The metrics fixture (tests/fixtures/metrics) loaded once per run; open it read-only."""
    path = tmp_path_factory.mktemp("metrics") / "crm.duckdb"
    ingest(FIXTURES / "metrics", path, quiet=True)
    return path


@pytest.fixture(scope="session")
def metrics_app_db(metrics_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The loaded metrics fixture for the app (AppTest) in this process: a private copy, see copy_loaded."""
    return copy_loaded(metrics_db, tmp_path_factory.mktemp("metrics-app"))


@pytest.fixture(scope="session")
def single_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The single-currency fixture (tests/fixtures/single_currency) loaded once per run; open it read-only."""
    path = tmp_path_factory.mktemp("single") / "crm.duckdb"
    ingest(FIXTURES / "single_currency", path, quiet=True)
    return path


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny export loaded once for read-only tests."""
    path = tmp_path_factory.mktemp("tiny") / "crm.duckdb"
    ingest(TINY, path, quiet=True)
    return path


SAMPLE_AS_OF = "2026-11-22"


@pytest.fixture(scope="session")
def small_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample company at small scale, as of a fixed date (deterministic)."""
    import datetime as dt

    from data.sample import generate

    out = tmp_path_factory.mktemp("sample") / "export"
    generate(out, "small", dt.date.fromisoformat(SAMPLE_AS_OF), seed=7, quiet=True)
    return out


@pytest.fixture(scope="session")
def small_db(small_export: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "crm.duckdb"
    ingest(small_export, path, quiet=True)
    return path
