"""Dated snapshots kept across loads: carry the live database's, add this export's as change rows.

Each load stores what the export says about every deal and lead (data/model/22_snapshots.sql) at the
export's time: `--as-of-export`, else the newest moment in the export. Only changes are stored: a
record gets a row at a snapshot when it differs from the snapshot before it, so a snapshot repeating
the one before costs one `snapshot_load` row. Exports may be loaded in any order: a snapshot added
between two stored ones gets its changes against the one before, and the one after is re-told
against it, so every record's state at every stored time stays what its export said.

What a load does with its snapshot:
* a time already stored with the same content (the same export loaded twice): accepted, nothing added;
* a time already stored with other content: when the time was read from the export (its newest moment), the
  export is a corrected copy of that moment and replaces the stored snapshot (said in a notice); when it was
  given with --as-of-export, refused (two exports claim the same moment);
* a time older than the live data (a past export loaded late): accepted as history only; the live
  tables stay those of the newer export (load.py publishes a copy of the live version with the
  longer history, see `backfill_live`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from data.ingest.context import LoadWarning
from data.ingest.read import IngestError, Problem
from data.ingest.sql import connect
from data.store import SCHEMA_VERSION, schema_version


@dataclass(frozen=True)
class SnapshotKind:
    """One snapshotted object: its change table, the view of this export's records, and its key."""

    table: str
    export_view: str
    key: str


KINDS = (
    SnapshotKind("snapshot_opportunity", "export_opportunity_snapshot", "opportunity_id"),
    SnapshotKind("snapshot_lead", "export_lead_snapshot", "lead_id"),
)
SNAPSHOT_TABLES = ("snapshot_load", *(k.table for k in KINDS))


def export_time(con: duckdb.DuckDBPyConnection, given: datetime | None, fallback: datetime) -> tuple[datetime, str]:
    """The snapshot's time and where it came from: the setting, else the export's newest moment (export_moment)."""
    if given is not None:
        return given, "setting"
    rows = con.execute("SELECT data_through_at FROM export_moment").fetchall()
    moment = rows[0][0] if rows else None
    return (moment, "export") if moment is not None else (fallback, "load time")


def carry_live(con: duckdb.DuckDBPyConnection, live_db: Path | None) -> datetime | None:
    """Copy the live database's snapshots into the new one; return the live data's snapshot time.

    A live database built before snapshots existed has none to carry (history starts with this load).
    Snapshots that cannot be read as this version stores them refuse the load: dropping them would
    lose history nobody can rebuild.
    """
    if live_db is None or not live_db.exists():
        return None
    con.execute("ATTACH ? AS live_db (READ_ONLY)", [str(live_db)])
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'live_db'").fetchall()}
        if "snapshot_load" not in have:
            return None
        try:
            for table in SNAPSHOT_TABLES:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM live_db.{table}")
        except duckdb.Error as exc:
            raise IngestError(
                [
                    Problem(
                        str(live_db),
                        f"the live database's snapshots cannot be carried into this version ({str(exc).splitlines()[0]})",
                        "Keep the live database; load with the version of this program that built it, "
                        "or ask for a migration of its snapshot tables",
                    )
                ]
            ) from exc
        rows = con.execute("SELECT value FROM live_db.cfg_setting WHERE key = 'export_as_of'").fetchall()
        return datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None
    finally:
        con.execute("DETACH live_db")


def _value_columns(con: duckdb.DuckDBPyConnection, kind: SnapshotKind) -> list[str]:
    cols = [r[0] for r in con.execute(f"DESCRIBE {kind.export_view}").fetchall()]
    return [c for c in cols if c != kind.key]


def _state_at(con: duckdb.DuckDBPyConnection, kind: SnapshotKind, at: datetime | None, into: str) -> None:
    """A temp table of every record as the stored snapshots saw it at `at` (empty when `at` is None)."""
    macro = kind.table + "_at"
    where = "" if at is not None else " WHERE FALSE"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {into} AS SELECT * EXCLUDE (as_of) FROM {macro}(?::TIMESTAMP){where}", [at])


def _insert_changes(con: duckdb.DuckDBPyConnection, kind: SnapshotKind, before: str, after: str, at: datetime) -> int:
    """Store at `at` the rows of `after` that differ from `before`, and a gone-row for each record `after` lacks."""
    cols = _value_columns(con, kind)
    differs = " OR ".join(f"b.{c} IS DISTINCT FROM a.{c}" for c in cols)
    key = kind.key
    changed = con.execute(
        f"""INSERT INTO {kind.table} BY NAME
        SELECT a.{key}, ?::TIMESTAMP AS as_of, TRUE AS is_present, {", ".join(f"a.{c}" for c in cols)}
        FROM {after} a LEFT JOIN {before} b ON b.{key} = a.{key}
        WHERE b.{key} IS NULL OR {differs}""",
        [at],
    ).fetchall()[0][0]
    gone = con.execute(
        f"""INSERT INTO {kind.table} BY NAME
        SELECT b.{key}, ?::TIMESTAMP AS as_of, FALSE AS is_present
        FROM {before} b ANTI JOIN {after} a ON a.{key} = b.{key}""",
        [at],
    ).fetchall()[0][0]
    return int(changed) + int(gone)


def _neighbours(con: duckdb.DuckDBPyConnection, at: datetime) -> tuple[datetime | None, datetime | None]:
    row = con.execute(
        "SELECT max(as_of) FILTER (WHERE as_of < $t), min(as_of) FILTER (WHERE as_of > $t) FROM snapshot_load", {"t": at}
    ).fetchall()[0]
    return row[0], row[1]


def _differences(con: duckdb.DuckDBPyConnection, kind: SnapshotKind, at: datetime) -> int:
    """How many records of this export differ from the stored snapshot at the same time."""
    _state_at(con, kind, at, "_stored")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _export AS SELECT * FROM {kind.export_view}")
    cols = _value_columns(con, kind)
    return int(
        con.execute(
            f"""SELECT count(*) FROM _stored s FULL JOIN _export e ON e.{kind.key} = s.{kind.key}
            WHERE s.{kind.key} IS NULL OR e.{kind.key} IS NULL OR {" OR ".join(f"s.{c} IS DISTINCT FROM e.{c}" for c in cols)}"""
        ).fetchall()[0][0]
    )


def _merge(con: duckdb.DuckDBPyConnection, kind: SnapshotKind, at: datetime) -> None:
    """Insert this export's snapshot at `at` between the stored ones, keeping every stored state as it was."""
    before, after = _neighbours(con, at)
    _state_at(con, kind, before, "_before")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _export AS SELECT * FROM {kind.export_view}")
    if after is not None:
        # the next snapshot's records, as they were, re-told against this one
        _state_at(con, kind, after, "_after")
        con.execute(f"DELETE FROM {kind.table} WHERE as_of = ?", [after])
    _insert_changes(con, kind, "_before", "_export", at)
    if after is not None:
        _insert_changes(con, kind, "_export", "_after", after)


def store_snapshot(
    con: duckdb.DuckDBPyConnection, given: datetime | None, fallback: datetime, source: str, live_db: Path | None
) -> tuple[datetime, datetime | None, list[LoadWarning]]:
    """Carry the live snapshots, add this export's; return its time, the live data's time and notices.

    Raises IngestError when a snapshot given with --as-of-export has the time of a stored one with other content.
    """
    at, at_source = export_time(con, given, fallback)
    live_at = carry_live(con, live_db)
    notices: list[LoadWarning] = []
    stored = con.execute("SELECT count(*) FROM snapshot_load WHERE as_of = ?", [at]).fetchall()[0][0]
    if stored:
        differ = {k.table: _differences(con, k, at) for k in KINDS}
        if any(differ.values()) and at_source == "setting":
            raise IngestError([_same_time_problem(source, at, differ)])
        if any(differ.values()):
            # the export's own newest moment again with other content: a corrected copy of the same moment
            _drop_snapshot(con, at)
            counts = ", ".join(f"{n:,} {t.removeprefix('snapshot_')} record(s)" for t, n in differ.items() if n)
            notices.append(
                _notice(
                    f"this export has the same newest moment ({at:%Y-%m-%d %H:%M}) as a stored snapshot but other "
                    f"content ({counts} differ): it replaced that snapshot. If both were real, load them with "
                    "--as-of-export DATE",
                    [],
                )
            )
            stored = 0
        else:
            notices.append(_notice(f"this export's snapshot ({at:%Y-%m-%d %H:%M}) is already stored; nothing was added", []))
    if not stored:
        for kind in KINDS:
            _merge(con, kind, at)
        con.execute(
            "INSERT INTO snapshot_load VALUES (?, ?, ?, now()::TIMESTAMP, "
            "(SELECT count(*) FROM export_opportunity_snapshot), (SELECT count(*) FROM export_lead_snapshot), 0, 0)",
            [at, at_source, source],
        )
        _count_changes(con)
        notices.extend(_repeat_notice(con, at))
    if live_at is not None and at < live_at:
        notices.append(
            _notice(
                f"this export ({at:%Y-%m-%d %H:%M}) is older than the live data ({live_at:%Y-%m-%d %H:%M}): "
                "its snapshot was added to the history and the live tables still show the newer export",
                [],
            )
        )
    con.execute("INSERT INTO cfg_setting VALUES ('export_as_of', ?)", [at.isoformat()])
    return at, live_at, notices


def _drop_snapshot(con: duckdb.DuckDBPyConnection, at: datetime) -> None:
    """Remove the stored snapshot at `at`, re-telling the one after it against the one before (states unchanged)."""
    before, after = _neighbours(con, at)
    for kind in KINDS:
        _state_at(con, kind, before, "_before")
        if after is not None:
            _state_at(con, kind, after, "_after")
            con.execute(f"DELETE FROM {kind.table} WHERE as_of = ?", [after])
        con.execute(f"DELETE FROM {kind.table} WHERE as_of = ?", [at])
        if after is not None:
            _insert_changes(con, kind, "_before", "_after", after)
    con.execute("DELETE FROM snapshot_load WHERE as_of = ?", [at])


def _count_changes(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        UPDATE snapshot_load l SET
            opportunity_changes = (SELECT count(*) FROM snapshot_opportunity s WHERE s.as_of = l.as_of),
            lead_changes = (SELECT count(*) FROM snapshot_lead s WHERE s.as_of = l.as_of)""")


def _repeat_notice(con: duckdb.DuckDBPyConnection, at: datetime) -> list[LoadWarning]:
    row = con.execute("SELECT opportunity_changes + lead_changes FROM snapshot_load WHERE as_of = ?", [at]).fetchall()[0]
    before, _ = _neighbours(con, at)
    if row[0] == 0 and before is not None:
        return [_notice(f"this export's snapshot repeats the one of {before:%Y-%m-%d %H:%M}; it is stored once", [])]
    return []


def _notice(message: str, sample: list[str]) -> LoadWarning:
    return LoadWarning("snapshot", "Opportunity", message, 0, sample, "Nothing to do")


def _same_time_problem(source: str, at: datetime, differ: dict[str, int]) -> Problem:
    counts = ", ".join(f"{n:,} {t.removeprefix('snapshot_')} record(s)" for t, n in differ.items() if n)
    return Problem(
        source,
        f"a different export is already stored as the snapshot of {at:%Y-%m-%d %H:%M} ({counts} differ)",
        "Give this export its own time with --as-of-export DATE (when it was exported); nothing was changed",
    )


def backfill_live(built: Path, live_db: Path, work: Path, state_sql: str) -> Path:
    """A copy of the live version holding the longer history of `built` (an older export was loaded).

    The live tables stay the newer export's; only the snapshots and the deal states read from them
    (opportunity_state: `state_sql`, data/model/33) are replaced. Returns the copy's path (in `work`).
    """
    if (found := schema_version(live_db)) != SCHEMA_VERSION:
        raise IngestError([_backfill_problem(live_db, f"the live database was built by another version (schema {found})")])
    copy = work / "backfill.duckdb"
    shutil.copyfile(live_db, copy)
    con = connect(copy)
    try:
        con.execute("ATTACH ? AS built (READ_ONLY)", [str(built)])
        for table in SNAPSHOT_TABLES:
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM built.{table}")
        con.execute("DETACH built")
        con.execute(state_sql.replace("CREATE TABLE opportunity_state", "CREATE OR REPLACE TABLE opportunity_state", 1))
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise IngestError([_backfill_problem(live_db, str(exc).splitlines()[0])]) from exc
    finally:
        con.close()
    return copy


def _backfill_problem(live_db: Path, why: str) -> Problem:
    return Problem(
        str(live_db),
        f"this export is older than the live data, and its snapshot cannot be added to the live database: {why}",
        "Load the newest export first with this version of the program, then the older ones; nothing was changed",
    )
