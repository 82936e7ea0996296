"""The dashboard's only door to DuckDB: which database version is live, and cached query results.

Results are cached per (database version, query, bound parameters), across sessions: a new load
publishes a new version file, so the next rerun misses the cache and shows the new numbers, while a
rerun with the same filters, in any session, is served from memory. Connections are read-only, cannot
read any other file (external access disabled, configuration locked); the ingest never writes to a
version a dashboard may be reading. A damaged or unreadable file raises DatabaseUnreadable, which the
app turns into a plain message.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from data.store import SCHEMA_VERSION, Store, default_db_path
from queries import load_query, run_query
from queries.engine import run_on_spark, spark_lake


def live_db_path() -> Path:
    """The live database path (data/store.py: $CRM_DB, else warehouse/crm.duckdb, from the project root)."""
    return default_db_path()


def shown_db_path() -> str:
    """The live path as configured ($CRM_DB as given, else the default), for messages: never a resolved version file."""
    return os.environ.get("CRM_DB", "warehouse/crm.duckdb")


def live_version() -> Path | None:
    """The version file the live path points at now (None when nothing was loaded yet)."""
    return Store(live_db_path()).live_version()


# The dashboard only reads its own database: no other file, no network, no extension install, no COPY or
# ATTACH, and no query can switch that back on (the configuration is locked after the time zone is set:
# TimeZone cannot go in the connect config, it needs the ICU extension, which loads on first use).
CONNECTION_CONFIG = {"enable_external_access": False}

# What DuckDB raises when the file itself is damaged, truncated or not a database (rather than a query bug).
_DAMAGE = (duckdb.IOException, duckdb.FatalException, duckdb.SerializationException)
_DAMAGE_WORDS = ("corrupt", "not a valid duckdb database", "checksum", "invalidated", "could not read")


def connect(version: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only, locked-down connection to one version file (external access off, configuration locked).

    Settings are GLOBAL: a session-level SET is not inherited by the cursors each query runs on."""
    con = duckdb.connect(str(version), read_only=True, config=dict(CONNECTION_CONFIG))
    # DuckDB shares one instance per file within a process: lock it only once.
    if not (con.execute("SELECT current_setting('lock_configuration')").fetchone() or (False,))[0]:
        con.execute("SET GLOBAL TimeZone = 'UTC'")  # never the machine's zone
        con.execute("SET GLOBAL lock_configuration = true")
    return con


@st.cache_resource(max_entries=4)
def _connection(version: str) -> duckdb.DuckDBPyConnection:
    """The shared connection to one version file (DatabaseUnreadable when it cannot be opened)."""
    try:
        return connect(version)
    except (duckdb.Error, OSError) as exc:
        raise DatabaseUnreadable(version) from exc


def _is_damage(exc: BaseException) -> bool:
    """Whether a DuckDB error means the file is damaged (not that a query is wrong)."""
    return isinstance(exc, _DAMAGE) or (isinstance(exc, duckdb.Error) and any(w in str(exc).lower() for w in _DAMAGE_WORDS))


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(version: str, name: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    # A cursor per call: Streamlit may run sessions in parallel threads. Concurrent calls with the same
    # key wait for the first one (Streamlit's per-key compute lock), so each result is computed once.
    if lake_dir := spark_lake():  # the setting CRM_ENGINE=spark: the same query, compiled, on Spark over the lake
        return run_on_spark(lake_dir, name, dict(params))
    try:
        return run_query(_connection(version).cursor(), name, dict(params))
    except duckdb.Error as exc:
        if _is_damage(exc):
            raise DatabaseUnreadable(version) from exc
        raise


@st.cache_data(max_entries=8, show_spinner=False)
def _version_of(version: str) -> str | None:
    """The schema version a file was built with; None for an older layout; DatabaseUnreadable when unreadable."""
    try:
        frame = run_query(_connection(version).cursor(), "schema_version")
    except duckdb.CatalogException:  # a database of an older layout
        return None
    except duckdb.Error as exc:
        raise DatabaseUnreadable(version) from exc
    return None if frame.empty else str(frame["schema_version"].iloc[0])


def is_current() -> bool:
    """Whether the live database was built by this version of the ingest (else it must be reloaded).

    Raises DatabaseUnreadable when the file cannot be opened or read at all."""
    version = live_version()
    return version is not None and _version_of(str(version)) == SCHEMA_VERSION


def bound_params(name: str, params: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The parameters the query actually binds, sorted: the cache key, so that a filter a query does not
    use (e.g. the attribution model on the SLA page) does not make it compute again."""
    wanted = load_query(name).params
    return tuple(sorted((k, v) for k, v in params.items() if k in wanted))


def query(name: str, **params: Any) -> pd.DataFrame:
    """Run the named query (queries/<name>.sql) against the live version, cached across sessions by
    (database version, query, bound parameters)."""
    version = live_version()
    if version is None:
        raise NoDatabase(live_db_path())
    return _cached(str(version), name, bound_params(name, params))


def definition(name: str) -> str:
    """The long business definition of a query (its header comment), behind "more"."""
    q = load_query(name)
    return f"**{q.title}.** {q.definition}"


def summary(name: str) -> str:
    """The one sentence in business words a tile's or a section's hover help shows (the header's Summary line)."""
    return load_query(name).summary


def title(name: str) -> str:
    """The title of a query (first header line)."""
    return load_query(name).title


class DatabaseUnreadable(RuntimeError):
    """The live version file cannot be opened or read: damaged, truncated, not a database, or unreadable."""

    def __init__(self, version: str | Path):
        self.version = str(version)
        super().__init__(f"cannot read the database file {version}")


class NoDatabase(RuntimeError):
    """No database has been loaded at the live path yet."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"No database at {path}")
