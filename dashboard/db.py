"""The dashboard's only door to DuckDB: which database version is live, and cached query results.

Results are cached per (database version, query, parameters): a new load publishes a new version
file, so the next rerun misses the cache and shows the new numbers, while a rerun with the same
filters is served from memory. Connections are read-only; the ingest never writes to a version a
dashboard may be reading.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from data.ingest import SCHEMA_VERSION, schema_version
from data.store import Store
from queries import load_query, run_query

DEFAULT_DB = "warehouse/crm.duckdb"


def live_db_path() -> Path:
    """The live database path: $CRM_DB, else warehouse/crm.duckdb under the project root."""
    root = Path(__file__).resolve().parent.parent
    path = Path(os.environ.get("CRM_DB", DEFAULT_DB))
    return path if path.is_absolute() else root / path


def live_version() -> Path | None:
    """The version file the live path points at now (None when nothing was loaded yet)."""
    return Store(live_db_path()).live_version()


@st.cache_resource(max_entries=4)
def _connection(version: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(version, read_only=True)
    con.execute("SET TimeZone = 'UTC'")  # never the machine's zone
    return con


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(version: str, name: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    # A cursor per call: Streamlit may run sessions in parallel threads.
    return run_query(_connection(version).cursor(), name, dict(params))


@st.cache_data(max_entries=8, show_spinner=False)
def _version_of(version: str) -> str | None:
    return schema_version(version)


def is_current() -> bool:
    """Whether the live database was built by this version of the ingest (else it must be reloaded)."""
    version = live_version()
    return version is not None and _version_of(str(version)) == SCHEMA_VERSION


def query(name: str, **params: Any) -> pd.DataFrame:
    """Run the named query (queries/<name>.sql) against the live version, cached."""
    version = live_version()
    if version is None:
        raise NoDatabase(live_db_path())
    return _cached(str(version), name, tuple(sorted(params.items())))


def definition(name: str) -> str:
    """The business definition of a query (its header comment), for help text."""
    q = load_query(name)
    return f"**{q.title}.** {q.definition}"


def title(name: str) -> str:
    """The title of a query (first header line)."""
    return load_query(name).title


class NoDatabase(RuntimeError):
    """No database has been loaded at the live path yet."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"No database at {path}")
