"""The dashboard's only door to DuckDB: which database version is live, and cached query results.

Results are cached per (database version, query, bound parameters), across sessions: a new load
publishes a new version file, so the next rerun misses the cache and shows the new numbers, while a
rerun with the same filters, in any session, is served from memory, and sessions asking for the same
result at the same moment wait for one computation (a lock per key). The reader's scope (dashboard/auth.py) is
part of every key and is handed to the runner, which binds a region-limited person's region itself: two people
with different scopes never share a result. One script run reads one version (pinned when the run starts), so a
load that lands mid-run never mixes two. Connections are read-only, cannot
read any other file (external access disabled, configuration locked); the ingest never writes to a
version a dashboard may be reading. A damaged or unreadable file raises DatabaseUnreadable, which the
app turns into a plain message.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboard.auth import current_scope
from data.store import SCHEMA_VERSION, Store, default_db_path
from queries import Scope, load_query, run_query
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


Key = tuple[str, str, tuple[tuple[str, Any], ...], tuple[str, ...] | None]


class ResultCache:
    """Query results shared by every session of the server, at most `max_entries`, least recently used first out.

    Each result is computed once: a session that misses takes the key's lock, and sessions asking for the same key
    meanwhile wait for it and get its result. Results are kept as DataFrames, not pickled: a hit costs a shallow
    copy (pandas copy-on-write: a page that sets a column changes its copy only), where st.cache_data unpickled the
    frame on every hit. Storing a result of a newer version file drops those of older ones (file names sort by the
    time of the load)."""

    def __init__(self, max_entries: int = 512) -> None:
        self.max_entries = max_entries
        self.computed = 0  # how many results were computed (tests count it)
        self._entries: OrderedDict[Key, pd.DataFrame] = OrderedDict()
        self._locks: dict[Key, threading.Lock] = {}
        self._guard = threading.Lock()
        self._newest = ""  # the newest version file name a result was stored for

    def get(self, key: Key, compute: Callable[[], pd.DataFrame], staged: bool = False) -> pd.DataFrame:
        """The result for `key`, computed by `compute` on a miss (once, however many sessions ask). A result of a
        `staged` version (prepared before it goes live, dashboard/warm.py) never drops the live version's."""
        hit = self._read(key)
        if hit is not None:
            return hit
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            hit = self._read(key)  # another session computed it while this one waited
            if hit is not None:
                return hit
            try:
                frame = compute()
            except BaseException:  # nothing kept: the next session to ask computes again
                with self._guard:
                    self._locks.pop(key, None)
                raise
            self._store(key, frame, staged)
            return frame.copy(deep=False)

    def clear(self) -> None:
        """Forget every result."""
        with self._guard:
            self._entries.clear()
            self._newest = ""

    def _read(self, key: Key) -> pd.DataFrame | None:
        with self._guard:
            frame = self._entries.get(key)
            if frame is None:
                return None
            self._entries.move_to_end(key)
        return frame.copy(deep=False)

    def recent(self, version: str, limit: int) -> list[Key]:
        """The keys of `version`'s results, most recently used first, at most `limit`."""
        with self._guard:
            keys = [k for k in reversed(self._entries) if k[0] == version]
        return keys[:limit]

    def _store(self, key: Key, frame: pd.DataFrame, staged: bool = False) -> None:
        version = os.path.basename(key[0])
        with self._guard:
            self.computed += 1
            if version > self._newest and not staged:  # the first result of a newer load: the older loads' results go
                self._newest = version
                for old in [k for k in self._entries if os.path.basename(k[0]) < version]:
                    del self._entries[old]
            self._entries[key] = frame
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
            self._locks.pop(key, None)


RESULTS = ResultCache(max_entries=1024)  # 25 viewers on 10 links at medium keep ~350 (~2 MB): room for a staged load's too


def _compute(version: str, name: str, params: tuple[tuple[str, Any], ...], regions: tuple[str, ...] | None) -> pd.DataFrame:
    """Run one query on the version's shared connection (a cursor per call: sessions run in parallel threads) for a
    reader limited to `regions` (None: every region), which the runner binds itself."""
    if lake_dir := spark_lake():  # the setting CRM_ENGINE=spark: the same query, compiled, on Spark over the lake
        # the same scope rule as the DuckDB runner: the region forced, an unscopable query refused
        return run_on_spark(lake_dir, name, Scope(regions).bind(name, load_query(name).params, dict(params)))
    try:
        return run_query(_connection(version).cursor(), name, dict(params), Scope(regions))
    except duckdb.Error as exc:
        if _is_damage(exc):
            raise DatabaseUnreadable(version) from exc
        raise


def _cached(
    version: str, name: str, params: tuple[tuple[str, Any], ...], regions: tuple[str, ...] | None, staged: bool = False
) -> pd.DataFrame:
    """The result of one query on one version for one scope, from the shared cache (`staged`: a version prepared
    before it goes live)."""
    return RESULTS.get((version, name, params, regions), lambda: _compute(version, name, params, regions), staged)


def prepare(version: str, name: str, params: tuple[tuple[str, Any], ...], regions: tuple[str, ...] | None) -> None:
    """Compute one result on a staged version (not live yet) into the shared cache (dashboard/warm.py)."""
    _cached(version, name, params, regions, staged=True)


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
    version = _run_version()
    return version is not None and _version_of(str(version)) == SCHEMA_VERSION


def bound_params(name: str, params: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The parameters the query actually binds, sorted: the cache key, so that a filter a query does not
    use (e.g. the attribution model on the SLA page) does not make it compute again."""
    wanted = load_query(name).params
    return tuple(sorted((k, v) for k, v in params.items() if k in wanted))


_this_run = threading.local()  # the version a script run reads (each run has its own thread)


@contextmanager
def one_version() -> Iterator[Path | None]:
    """Pin the live version for the duration of one script run: every query of the run reads that file (and the
    live link is resolved once, not per query)."""
    _this_run.version = live_version()
    try:
        yield _this_run.version
    finally:
        _this_run.version = None


def _run_version() -> Path | None:
    """The version this run reads: the pinned one, else the live one now (outside a pinned run)."""
    return getattr(_this_run, "version", None) or live_version()


def query(name: str, **params: Any) -> pd.DataFrame:
    """Run the named query (queries/<name>.sql) against the live version (the run's pinned one) for this run's
    reader, cached across sessions by (database version, query, bound parameters, reader's scope). A region-limited
    reader's region replaces any other asked for (the runner enforces it again); a query that cannot be limited
    raises ScopeError."""
    return query_as(current_scope(), name, **params)


def query_as(scope: Scope, name: str, **params: Any) -> pd.DataFrame:
    """query() for an explicit reader's scope: also for work done outside the script run (a download made on click,
    which reads the live version at that moment)."""
    version = _run_version()
    if version is None:
        raise NoDatabase(live_db_path())
    if "region" in load_query(name).params:
        params = {**params, "region": scope.region(params.get("region"))}
    return _cached(str(version), name, bound_params(name, params), scope.regions)


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
