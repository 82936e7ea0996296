"""Decide a load's fate: refuse it, or set aside the bad records it tolerates; drop deleted and duplicate rows."""

from __future__ import annotations

import bisect

import duckdb

from data.ingest.context import LoadedObject
from data.ingest.read import IngestError, Problem
from data.ingest.typed import typed_name


def problem_order(p: Problem) -> tuple:
    return (p.file, p.record if p.record is not None else -2, p.column or "")


def decide(problems: list[Problem], max_rejected: int) -> list[Problem]:
    """Refuse the load, or accept up to `max_rejected` bad records as rejects."""
    if not problems:
        return []
    problems = sorted(problems, key=problem_order)
    records = {(p.file, p.record) for p in problems}
    fatal = [p for p in problems if p.record is None or p.record <= 0]
    if fatal or len(records) > max_rejected:
        raise IngestError(problems)
    return problems


def mark_rejected(con: duckdb.DuckDBPyConnection, loaded: dict[str, LoadedObject], rejects: list[Problem]) -> None:
    parts = {part.file.name: (lo, part) for lo in loaded.values() for part in lo.parts}
    for lo in loaded.values():
        lo.rejected += sum(len(part.rejected_records) for part in lo.parts)  # ragged: never loaded
    for file, record in sorted({(p.file, p.record) for p in rejects}):
        lo, part = parts[file]
        if record is None or record in part.rejected_records:
            continue
        k = record - bisect.bisect_left(part.rejected_records, record)  # position among loaded records
        con.execute("INSERT INTO _excluded VALUES (?, ?, 'rejected')", [lo.obj.table, part.first_rowid + k - 1])
        lo.rejected += 1
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ingest_reject_rows (object VARCHAR, file_name VARCHAR, record BIGINT, "
        "column_name VARCHAR, value VARCHAR, message VARCHAR)"
    )
    for p in rejects:
        con.execute(
            "INSERT INTO ingest_reject_rows VALUES (?, ?, ?, ?, ?, ?)",
            [_object_of_file(loaded, p.file), p.file, p.record, p.column, p.value, p.message],
        )


def _object_of_file(loaded: dict[str, LoadedObject], file: str) -> str:
    for lo in loaded.values():
        if any(part.file.name == file for part in lo.parts):
            return lo.obj.name
    return "?"


def drop_excluded(con: duckdb.DuckDBPyConnection, lo: LoadedObject) -> None:
    """Remove deleted, duplicate and rejected rows from typed_<object>, counting the deleted ones and those kept."""
    name = typed_name(lo.obj)
    lo.deleted = con.execute(f"SELECT count(*) FROM {name} WHERE _deleted").fetchall()[0][0]
    if lo.deleted:  # kept by Id, so that what points at a deleted record (an MQL's touch) can leave it out too
        con.execute(
            f"INSERT INTO deleted_record SELECT $o, {lo.obj.id_field.name} FROM {name} WHERE _deleted", {"o": lo.obj.name}
        )
    con.execute(f"DELETE FROM {name} WHERE _deleted OR _rowid IN (SELECT rid FROM _excluded WHERE tbl = $t)", {"t": lo.obj.table})
    lo.kept = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
