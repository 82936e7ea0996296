"""Load a CRM export into a new DuckDB version and make it live only when every check passed.

    python -m data.ingest EXPORT_PATH [--db PATH] [--config PATH] [--encoding ENC]

EXPORT_PATH is a folder or a .zip of CSV files, one per Salesforce object (`Lead.csv`,
`Opportunity_1.csv` ...) with API field names, the snake_case names sync tools write, or our own
canonical layout (README, "Loading your own export"). Layers built:

* `raw_<object>`: every column of every file as loaded (text), custom `__c` columns included;
* `stg_<entity>`: the canonical model, renamed and typed, with the shared definitions applied
  (regions, stages, personas, channels); every metric reads only these;
* `ingest_*`: the ingest's own report for the data-quality page.

Refusals (exit 1) name the file, record, column and value and say what to do; the live database
is not touched. Other exit codes: 2 invalid definitions, 3 another ingest is running, 4 (`--check`)
the database must be reloaded, 5 the database or temporary folder cannot be written (disk full,
read-only, a bad `--db` path), 70 an unexpected error (details in a log file, never a traceback),
130 interrupted. Warnings load the data and are recorded in `ingest_warning`.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from data.calendar import build_work_calendar
from data.checks import run_checks, unmapped_stage_names
from data.config import ConfigError, Definitions, load_definitions
from data.discover import discover as _discover
from data.preflight import (
    StorageError,
    check_db_path,
    check_shrink,
    export_read_error,
    is_storage_failure,
    loaded_counts,
    record_warnings,
    storage_error,
)
from data.rates import build_exchange_rates
from data.reader import (
    IngestError,
    PreparedFile,
    Problem,
    load_into,
    prepare_file,
    quote_ident,
)
from data.schema import OBJECTS, Field, SourceObject, normalise_column
from data.store import IngestBusy, IngestLock, Store
from data.validate import check_values

DEFAULT_DB = Path(os.environ.get("CRM_DB", "warehouse/crm.duckdb"))
STAGING_DIR = Path(__file__).resolve().parent / "staging"
DERIVED_DIR = Path(__file__).resolve().parent / "derived"
SAMPLE_LIMIT = 1000  # bad values listed per object before counting the rest
# Bumped whenever the tables a load builds change; a database of another version must be reloaded.
SCHEMA_VERSION = "10"

_TYPE_ADVICE = {
    "timestamp": "Use ISO 8601 date-times such as 2024-03-31T14:05:00.000Z (what Data Loader and Data Export write)",
    "date": "Use ISO dates such as 2024-03-31",
    "decimal": "Use a plain number with a dot for decimals, no thousands separator or currency sign, such as 1234.50",
    "rate": "Use a plain positive number such as 0.8507",
    "int": "Use a whole number such as 250",
    "bool": "Use true/false or 1/0, or leave the value empty",
}
_TYPE_NAME = {"timestamp": "date-time", "date": "date", "decimal": "number", "rate": "number", "int": "whole number",
              "bool": "true/false value"}


@dataclass
class Part:
    """One loaded file of an object and where its rows sit in the raw table."""

    file: PreparedFile
    first_rowid: int
    rows: int
    rejected_records: list[int] = field(default_factory=list)
    modified_at: float = 0.0

    def record_of(self, rowid: int) -> int:
        """The 1-based record number in the file of a loaded row (skipping rejected records)."""
        k = rowid - self.first_rowid + 1
        shifted = [r - j for j, r in enumerate(self.rejected_records, start=1)]
        return k + bisect.bisect_left(shifted, k)


@dataclass
class LoadedObject:
    """An object's raw table, its parts and how its columns map to canonical fields."""

    obj: SourceObject
    parts: list[Part]
    mapping: dict[str, str]  # canonical field name -> raw column name
    unmapped: list[str]
    deleted: int = 0
    duplicates: int = 0
    rejected: int = 0

    def locate(self, rowid: int) -> tuple[str, int]:
        """(file name, record number) of a raw row."""
        for part in self.parts:
            if part.first_rowid <= rowid < part.first_rowid + part.rows:
                return part.file.name, part.record_of(rowid)
        return self.parts[-1].file.name, rowid + 1


@dataclass
class IngestSummary:
    """What an ingest did, for the command line and tests."""

    db_path: Path
    version_path: Path
    tables: dict[str, int]
    warnings: list
    seconds: float


class Progress:
    """Stage lines with elapsed time on stderr, so a large export shows where it is."""

    def __init__(self, quiet: bool = False):
        self.start = time.monotonic()
        self.quiet = quiet

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"[{time.monotonic() - self.start:7.1f}s] {message}", file=sys.stderr, flush=True)


def ingest(export_path: str | Path, db_path: str | Path = DEFAULT_DB, config_path: str | Path | None = None,
           encoding: str | None = None, quiet: bool = False, allow_shrink: bool = False) -> IngestSummary:
    """Load an export into a new database version and switch the live path to it atomically.

    Raises IngestError (bad input, or an object shrinking by more than `ingest.max_shrink_share`
    without `allow_shrink`), ConfigError (bad definitions), IngestBusy (another ingest runs) or
    StorageError (the database or temporary folder cannot be written); in every failure the live
    database is left exactly as it was and no half-built version is left behind.
    """
    progress = Progress(quiet)
    started = datetime.now(UTC)
    export_path = Path(export_path)
    defs = load_definitions(config_path)
    config_file = Path(config_path) if config_path else Path(__file__).resolve().parent.parent / "definitions.toml"
    if not export_path.exists():
        raise IngestError([Problem(str(export_path), "no such file or folder",
                                   "Give the folder or .zip holding the exported CSV files")])
    store = Store(Path(db_path))
    check_db_path(store)
    try:
        with IngestLock(store, str(export_path)):
            final = _build_and_publish(store, export_path, defs, config_file, encoding, started, progress, allow_shrink)
    except (IngestError, ConfigError, IngestBusy, StorageError):
        raise
    except (OSError, duckdb.Error) as exc:
        if (unreadable := export_read_error(exc, export_path)) is not None:
            raise unreadable from exc
        if is_storage_failure(exc):
            raise storage_error(exc, store) from exc
        raise
    seconds = time.monotonic() - progress.start
    progress(f"done: {store.live} -> {final[0].name} in {seconds:.1f}s")
    return IngestSummary(store.live, final[0], final[1], final[2], seconds)


def _build_and_publish(store: Store, export_path: Path, defs: Definitions, config_file: Path, encoding: str | None,
                       started: datetime, progress: Progress, allow_shrink: bool) -> tuple[Path, dict[str, int], list]:
    """Build a new version beside the live one, check it, publish it; remove every trace of it on failure."""
    for stale in store.remove_stale_building():
        progress(f"removed a half-built version left by an interrupted ingest: {stale.name}")
    live_counts = loaded_counts(store.live)
    building = store.new_building_path()
    published = store.versions_dir / building.name.removeprefix(".building-")
    try:
        with tempfile.TemporaryDirectory(prefix="crm-ingest-") as work:
            tables, warnings = _build(building, export_path, Path(work), defs, config_file, encoding,
                                      started, progress)
        shrink = check_shrink(live_counts, building, defs.ingest.max_shrink_share, allow_shrink)
        record_warnings(building, shrink)
        _validate(building, tables)
        progress("checks passed; switching the live database")
        final = store.publish(building, defs.ingest.keep_versions)
    except BaseException:
        for leftover in (building, published):
            if leftover != store.live_version():  # a version the live link already points at stays
                leftover.unlink(missing_ok=True)
                Path(str(leftover) + ".wal").unlink(missing_ok=True)
        raise
    return final, tables, warnings + shrink


def _build(db_file: Path, export_path: Path, work: Path, defs: Definitions, config_file: Path,
           encoding: str | None, started: datetime, progress: Progress) -> tuple[dict[str, int], list]:
    con = duckdb.connect(str(db_file))
    try:
        # Naive date-times in the export are in the configured zone; everything is stored in UTC, so
        # results never depend on the machine's time zone.
        con.execute(f"SET TimeZone = '{defs.company.export_time_zone}'")
        con.execute("SET preserve_insertion_order = true")
        files, unknown = _discover(export_path, work)
        progress(f"found {sum(len(v) for v in files.values())} export file(s) for {len(files)} object(s)")
        problems: list[Problem] = []
        loaded: dict[str, LoadedObject] = {}
        file_warnings = [("unknown_file", "-", f"file {name} is not a known CRM object and was ignored",
                          1, [name], "Rename it after its object (e.g. Opportunity.csv) or remove it")
                         for name in unknown]
        for obj in OBJECTS:
            parts = files.get(obj.name, [])
            if not parts:
                if obj.required:
                    problems.append(Problem(f"{obj.name}.csv", f"the {obj.name} export is missing; without it: {obj.disables}",
                                            f"Add {obj.name}.csv (or {obj.canonical_file}.csv) to the export"))
                continue
            object_problems: list[Problem] = []
            lo = _load_object(con, obj, parts, defs, encoding, work, progress, object_problems)
            shape = [p for p in object_problems if p.message.startswith("required column")]
            if lo and shape and not obj.required and len(shape) == len(object_problems):
                # A file named like an optional object that does not have its shape (e.g. a sync tool's
                # history-mode copy of Opportunity named opportunity_history): ignore it, say so.
                con.execute(f"DROP TABLE {obj.table}")
                file_warnings.append(("not_this_object", obj.name,
                                      f"{shape[0].file} is named like {obj.name} but lacks its columns ({shape[0].message}); "
                                      f"it was ignored, so without {obj.name}: {obj.disables}", 1,
                                      [part.file.name for part in lo.parts], shape[0].advice))
                continue
            problems.extend(object_problems)
            if lo:
                loaded[obj.name] = lo
        if problems and any(p.record is None for p in problems):
            raise IngestError(sorted(problems, key=_problem_order))
        is_sf = _is_salesforce_layout(loaded)
        _create_macros(con, is_sf)
        con.execute("CREATE TEMP TABLE _excluded (tbl VARCHAR, rid BIGINT, reason VARCHAR)")
        con.execute("CREATE TABLE deleted_record (object VARCHAR, record_id VARCHAR)")
        for obj in OBJECTS:
            _create_typed_table(con, obj, loaded.get(obj.name), defs)
        progress("values typed")
        for lo in loaded.values():
            problems.extend(_type_problems(con, lo))
            problems.extend(_duplicate_problems(con, lo))
        file_warnings.extend(check_values(con, loaded, is_sf, defs, started, problems))
        progress("values and Ids checked")
        rejects = _decide(problems, defs.ingest.max_rejected_rows)
        _mark_rejected(con, loaded, rejects)
        for lo in loaded.values():
            _drop_excluded(con, lo)
        progress("staging the canonical model")
        _create_config_tables(con, defs)
        # Before staging: every amount without its own currency code is in the corporate currency.
        corporate = _corporate_currency(con, defs)
        for sql_file in sorted(STAGING_DIR.glob("*.sql")):
            con.execute(sql_file.read_text(encoding="utf-8"))
            progress(f"built {sql_file.stem.split('_', 1)[1]}")
        no_rate = build_exchange_rates(con, corporate, defs.currency.fallback == "ecb")
        _build_derived(con, defs, progress)
        progress("checking references, stages and currencies")
        warnings = _warnings(con, loaded, files, no_rate, file_warnings + _currency_warnings(loaded, corporate))
        tables = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in _staging_tables(con)}
        _write_report(con, export_path, loaded, files, warnings, rejects, started, defs, config_file, corporate)
        con.execute("CHECKPOINT")
        return tables, warnings
    finally:
        con.close()


def _load_object(con: duckdb.DuckDBPyConnection, obj: SourceObject, files: list[tuple[Path, str]], defs: Definitions,
                 encoding: str | None, work: Path, progress: Progress, problems: list[Problem]) -> LoadedObject | None:
    parts: list[Part] = []
    first_rowid = 0
    for path, display in files:
        enc = encoding or defs.ingest.encodings.get(path.name) or defs.ingest.encoding
        try:
            prepared = prepare_file(path, display, enc, work)
        except IngestError as exc:
            problems.extend(exc.problems)
            continue
        record_problems = load_into(con, obj.table, prepared, create=not parts)
        problems.extend(record_problems)
        total = con.execute(f"SELECT count(*) FROM {obj.table}").fetchall()[0][0]
        part = Part(prepared, first_rowid, total - first_rowid, sorted(p.record for p in record_problems),
                    path.stat().st_mtime)
        parts.append(part)
        first_rowid = total
        progress(f"{display}: {part.rows:,} record(s) read")
    if not parts:
        return None
    mapping, unmapped, missing = _map_columns(obj, parts, defs)
    problems.extend(missing)
    return LoadedObject(obj, parts, mapping, unmapped)


def _extra_fields(obj: SourceObject, defs: Definitions) -> list[Field]:
    """Fields the configuration adds: the MQL date field on leads and contacts."""
    if obj.name in ("Lead", "Contact"):
        sources = (defs.mql.date_field,) if defs.mql.rule == "date_field" else ()
        return [Field("mql_field_at", "timestamp", sources)]
    return []


def _map_columns(obj: SourceObject, parts: list[Part], defs: Definitions) -> tuple[dict[str, str], list[str], list[Problem]]:
    by_key: dict[str, str] = {}
    for part in parts:
        for col in part.file.header:
            by_key.setdefault(normalise_column(col), col)
    mapping: dict[str, str] = {}
    problems = []
    for f in (*obj.fields, *_extra_fields(obj, defs)):
        source = next((by_key[k] for k in f.candidates() if k in by_key), None)
        if source is None:
            if f.required:
                problems.append(Problem(parts[0].file.name, f"required column {f.sources[0] if f.sources else f.name} "
                                        f"(or {f.name}) is missing from the {obj.name} export",
                                        f"Export {obj.name} with the field {f.sources[0] if f.sources else f.name}",
                                        record=0))
            continue
        mapping[f.name] = source
        if f.required:
            for part in parts:
                if source not in part.file.header:
                    problems.append(Problem(part.file.name, f"required column {source} is missing from this part "
                                            f"although other parts of {obj.name} have it",
                                            "Export every part with the same fields", record=0))
    used = set(mapping.values())
    unmapped = [c for c in dict.fromkeys(c for p in parts for c in p.file.header) if c not in used]
    return mapping, unmapped, problems


def _is_salesforce_layout(loaded: dict[str, LoadedObject]) -> bool:
    """Salesforce layouts (API or snake_case names) have an `Id` column; our canonical layout `<entity>_id`."""
    return any(normalise_column(lo.mapping.get(lo.obj.id_field.name, "")) == "id" for lo in loaded.values())


def _id18_sql(x: str) -> str:
    """SQL turning a 15-character case-sensitive Salesforce Id into its 18-character form."""
    chunks = []
    for k in range(3):
        bits = " + ".join(f"(CASE WHEN substr({x}, {5 * k + i + 1}, 1) BETWEEN 'A' AND 'Z' THEN {1 << i} ELSE 0 END)"
                          for i in range(5))
        chunks.append(f"substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1 + {bits}, 1)")
    return (f"CASE WHEN length({x}) = 15 AND regexp_full_match({x}, '[0-9A-Za-z]+') "
            f"THEN {x} || {' || '.join(chunks)} ELSE {x} END")


def _create_macros(con: duckdb.DuckDBPyConnection, salesforce_ids: bool) -> None:
    id_body = _id18_sql("v") if salesforce_ids else "v"
    con.execute(f"""
        CREATE OR REPLACE TEMP MACRO _blank(x) AS x IS NULL OR trim(x) = '';
        CREATE OR REPLACE TEMP MACRO _id18(v) AS {id_body};
        CREATE OR REPLACE TEMP MACRO _id(x) AS CASE WHEN _blank(x) THEN NULL ELSE _id18(trim(x)) END;
        CREATE OR REPLACE TEMP MACRO _ts(x) AS
            CASE WHEN _blank(x) THEN NULL ELSE timezone('UTC', try_cast(trim(x) AS TIMESTAMPTZ)) END;
        CREATE OR REPLACE TEMP MACRO _date(x) AS CASE WHEN _blank(x) THEN NULL ELSE try_cast(trim(x) AS DATE) END;
        CREATE OR REPLACE TEMP MACRO _decimal(x) AS CASE WHEN _blank(x) THEN NULL ELSE try_cast(trim(x) AS DECIMAL(18, 2)) END;
        CREATE OR REPLACE TEMP MACRO _rate(x) AS CASE WHEN _blank(x) THEN NULL ELSE try_cast(trim(x) AS DECIMAL(18, 9)) END;
        CREATE OR REPLACE TEMP MACRO _int(x) AS CASE WHEN _blank(x) THEN NULL
            WHEN try_cast(trim(x) AS DOUBLE) = round(try_cast(trim(x) AS DOUBLE)) THEN try_cast(trim(x) AS DOUBLE)::BIGINT END;
        CREATE OR REPLACE TEMP MACRO _bool(x) AS CASE lower(trim(x))
            WHEN 'true' THEN true WHEN '1' THEN true WHEN 'false' THEN false WHEN '0' THEN false END;
        CREATE OR REPLACE TEMP MACRO _text(x) AS nullif(x, '');
    """)


_CAST = {"id": "_id", "ref": "_id", "text": "_text", "timestamp": "_ts", "date": "_date", "decimal": "_decimal",
         "rate": "_rate", "int": "_int", "bool": "_bool"}
_SQL_TYPE = {"id": "VARCHAR", "ref": "VARCHAR", "text": "VARCHAR", "timestamp": "TIMESTAMP", "date": "DATE",
             "decimal": "DECIMAL(18, 2)", "rate": "DECIMAL(18, 9)", "int": "BIGINT", "bool": "BOOLEAN"}


def _typed_name(obj: SourceObject) -> str:
    return obj.table.replace("raw_", "typed_", 1)


def _checked_fields(lo: LoadedObject) -> list[tuple[Field, str]]:
    """Typed fields present in the export whose values can be unreadable: (field, raw column)."""
    return [(f, lo.mapping[f.name]) for f in lo.obj.fields if f.name in lo.mapping and f.type in _TYPE_ADVICE]


def _create_typed_table(con: duckdb.DuckDBPyConnection, obj: SourceObject, lo: LoadedObject | None,
                        defs: Definitions) -> None:
    """typed_<object>: every value cast once, with `_bad` (a bit per unreadable column) and `_deleted`.

    One pass over the raw table does both the typing and the checking, which matters for tens of
    millions of campaign members.
    """
    fields = [*obj.fields, *_extra_fields(obj, defs)]
    name = _typed_name(obj)
    if lo is None:
        cols = ", ".join(f"NULL::{_SQL_TYPE[f.type]} AS {f.name}" for f in fields)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT {cols}, NULL::BIGINT AS _rowid WHERE false")
        return
    exprs = []
    for f in fields:
        src = lo.mapping.get(f.name)
        exprs.append(f"{_CAST[f.type]}({quote_ident(src)}) AS {f.name}" if src else f"NULL::{_SQL_TYPE[f.type]} AS {f.name}")
    checked = _checked_fields(lo)
    bits = [f"CASE WHEN NOT _blank(_raw_{i}) AND {f.name} IS NULL THEN {1 << i} ELSE 0 END" for i, (f, _) in enumerate(checked)]
    deleted = f"coalesce(_bool({quote_ident(lo.mapping['is_deleted'])}), false)" if "is_deleted" in lo.mapping else "false"
    # The casts are computed in the inner query; the outer one compares them with the raw text.
    raw_cols = "".join(f", {quote_ident(c)} AS _raw_{i}" for i, (_, c) in enumerate(checked))
    exclude = f" EXCLUDE ({', '.join(f'_raw_{i}' for i in range(len(checked)))})" if checked else ""
    con.execute(f"""
        CREATE TEMP TABLE {name} AS
        SELECT *{exclude}, {' + '.join(bits) or '0'} AS _bad
        FROM (SELECT {', '.join(exprs)}, rowid AS _rowid, {deleted} AS _deleted{raw_cols} FROM {obj.table})""")


def _type_problems(con: duckdb.DuckDBPyConnection, lo: LoadedObject) -> list[Problem]:
    checked = _checked_fields(lo)
    if not checked:
        return []
    name = _typed_name(lo.obj)
    bad = con.execute(f"SELECT _rowid, _bad, count(*) OVER () FROM {name} WHERE _bad <> 0 ORDER BY _rowid "
                      f"LIMIT {SAMPLE_LIMIT}").fetchall()
    if not bad:
        return []
    cols = ", ".join(quote_ident(c) for _, c in checked)
    raw = {r[0]: r[1:] for r in con.execute(
        f"SELECT rowid, {cols} FROM {lo.obj.table} WHERE rowid IN (SELECT unnest($ids))", {"ids": [b[0] for b in bad]}
    ).fetchall()}
    problems = []
    for rowid, mask, _ in bad:
        file, record = lo.locate(rowid)
        for i, (f, col) in enumerate(checked):
            if mask & (1 << i):
                problems.append(Problem(file, f"not a valid {_TYPE_NAME[f.type]}", _TYPE_ADVICE[f.type],
                                        record=record, column=col, value=raw[rowid][i]))
    if bad[0][-1] > len(bad):
        problems.append(Problem(lo.parts[0].file.name, f"{bad[0][-1] - len(bad)} more record(s) of {lo.obj.name} have "
                                "values of the wrong type", "Fix the values listed above the same way", record=-1))
    return problems


def _duplicate_problems(con: duckdb.DuckDBPyConnection, lo: LoadedObject) -> list[Problem]:
    id_field = lo.obj.id_field.name
    id_col = lo.mapping.get(id_field)
    if not id_col:
        return []
    name = _typed_name(lo.obj)
    # Find duplicated Ids first (one hash aggregate), then compare whole raw rows only for those.
    dups = con.execute(f"""
        SELECT {id_field}, list(_rowid ORDER BY _rowid) FROM {name} WHERE {id_field} IS NOT NULL
        GROUP BY 1 HAVING count(*) > 1 ORDER BY 1""").fetchall()
    if not dups:
        return []
    cols = ", ".join(quote_ident(c) for c in dict.fromkeys(c for p in lo.parts for c in p.file.header))
    hashes = dict(con.execute(f"SELECT rowid, hash({cols}) FROM {lo.obj.table} WHERE rowid IN (SELECT unnest($ids))",
                              {"ids": [r for _, rowids in dups for r in rowids]}).fetchall())
    problems = []
    exact = []
    for dup_id, rowids in dups:
        if len({hashes[r] for r in rowids}) == 1:
            exact.extend(rowids[1:])  # identical copies (overlapping parts): keep the first
            continue
        (f1, r1), (f2, r2) = lo.locate(rowids[0]), lo.locate(rowids[1])
        problems.append(Problem(f2, f"Id {dup_id} is also in {f1} record {r1} with different values",
                                "Ids must be unique: remove the stale copy (often an overlapping export part)",
                                record=r2, column=id_col, value=dup_id))
    _insert_many(con, "INSERT INTO _excluded VALUES (?, ?, 'duplicate')", [(lo.obj.table, r) for r in exact])
    lo.duplicates = len(exact)
    return problems


def _problem_order(p: Problem) -> tuple:
    return (p.file, p.record if p.record is not None else -2, p.column or "")


def _decide(problems: list[Problem], max_rejected: int) -> list[Problem]:
    """Refuse the load, or accept up to `max_rejected` bad records as rejects."""
    if not problems:
        return []
    problems = sorted(problems, key=_problem_order)
    records = {(p.file, p.record) for p in problems}
    fatal = [p for p in problems if p.record is None or p.record <= 0]
    if fatal or len(records) > max_rejected:
        raise IngestError(problems)
    return problems


def _mark_rejected(con: duckdb.DuckDBPyConnection, loaded: dict[str, LoadedObject], rejects: list[Problem]) -> None:
    parts = {part.file.name: (lo, part) for lo in loaded.values() for part in lo.parts}
    for lo in loaded.values():
        lo.rejected += sum(len(part.rejected_records) for part in lo.parts)  # ragged: never loaded
    for file, record in sorted({(p.file, p.record) for p in rejects}):
        lo, part = parts[file]
        if record in part.rejected_records:
            continue
        k = record - bisect.bisect_left(part.rejected_records, record)  # position among loaded records
        con.execute("INSERT INTO _excluded VALUES (?, ?, 'rejected')", [lo.obj.table, part.first_rowid + k - 1])
        lo.rejected += 1
    con.execute("CREATE OR REPLACE TEMP TABLE ingest_reject_rows (object VARCHAR, file_name VARCHAR, record BIGINT, "
                "column_name VARCHAR, value VARCHAR, message VARCHAR)")
    for p in rejects:
        con.execute("INSERT INTO ingest_reject_rows VALUES (?, ?, ?, ?, ?, ?)",
                    [_object_of_file(loaded, p.file), p.file, p.record, p.column, p.value, p.message])


def _object_of_file(loaded: dict[str, LoadedObject], file: str) -> str:
    for lo in loaded.values():
        if any(part.file.name == file for part in lo.parts):
            return lo.obj.name
    return "?"


def _drop_excluded(con: duckdb.DuckDBPyConnection, lo: LoadedObject) -> None:
    """Remove deleted, duplicate and rejected rows from typed_<object>, counting the deleted ones."""
    name = _typed_name(lo.obj)
    lo.deleted = con.execute(f"SELECT count(*) FROM {name} WHERE _deleted").fetchall()[0][0]
    if lo.deleted:  # kept by Id, so that what points at a deleted record (an MQL's touch) can leave it out too
        con.execute(f"INSERT INTO deleted_record SELECT $o, {lo.obj.id_field.name} FROM {name} WHERE _deleted",
                    {"o": lo.obj.name})
    con.execute(f"DELETE FROM {name} WHERE _deleted OR _rowid IN (SELECT rid FROM _excluded WHERE tbl = $t)",
                {"t": lo.obj.table})


def _create_config_tables(con: duckdb.DuckDBPyConnection, defs: Definitions) -> None:
    """The definitions as small tables the staging SQL joins (cfg_*); kept in the database for reference."""
    con.execute("""
        CREATE TABLE cfg_setting (key VARCHAR PRIMARY KEY, value VARCHAR);
        CREATE TABLE cfg_region (region VARCHAR PRIMARY KEY, position INTEGER);
        CREATE TABLE cfg_country_region (country_key VARCHAR PRIMARY KEY, region VARCHAR);
        CREATE TABLE cfg_role_region (role_id VARCHAR PRIMARY KEY, region VARCHAR);
        CREATE TABLE cfg_user_region (user_id VARCHAR PRIMARY KEY, region VARCHAR);
        CREATE TABLE cfg_stage (stage_name VARCHAR PRIMARY KEY, stage_category VARCHAR);
        CREATE TABLE cfg_persona (keyword_lower VARCHAR, persona VARCHAR, priority INTEGER);
        CREATE TABLE cfg_channel (campaign_type VARCHAR PRIMARY KEY, channel VARCHAR);
        CREATE TABLE cfg_segment (segment VARCHAR, max_employees BIGINT, position INTEGER);
        CREATE TABLE cfg_value (list_name VARCHAR, value VARCHAR, value_lower VARCHAR);
        CREATE TABLE cfg_sla_region (region VARCHAR PRIMARY KEY, target_minutes INTEGER, time_zone VARCHAR,
            holidays VARCHAR, work_start VARCHAR, work_end VARCHAR, work_days VARCHAR[]);
    """)
    settings = {
        "schema_version": SCHEMA_VERSION,
        "company_name": defs.company.name,
        "reporting_currency": defs.company.reporting_currency,
        "fiscal_year_start_month": str(defs.company.fiscal_year_start_month),
        "unknown_region": defs.regions.unknown,
        "sla_target_minutes": str(defs.sla.target_minutes),
        "ignored_after_days": str(defs.sla.ignored_after_days),
        "lookback_days": str(defs.attribution.lookback_days),
        "time_decay_half_life_days": str(defs.attribution.time_decay_half_life_days),
        "include_account_contacts": str(defs.attribution.include_account_contacts).lower(),
        "responded_only": str(defs.attribution.responded_only).lower(),
        "mql_rule": defs.mql.rule,
        "mql_date_field": defs.mql.date_field,
        **{f"currency_{k}": v for k, v in defs.currency.model_dump().items()},
    }
    _insert_many(con, "INSERT INTO cfg_setting VALUES (?, ?)", list(settings.items()))
    _insert_many(con, "INSERT INTO cfg_region VALUES (?, ?)", [(r, i) for i, r in enumerate(defs.regions.names)])
    _insert_many(con, "INSERT INTO cfg_country_region VALUES (?, ?)",
                    [(c.strip().lower(), r) for r, cs in defs.regions.countries.items() for c in cs])
    roles = con.execute("SELECT role_id, role_name FROM typed_user_role WHERE role_id IS NOT NULL").fetchall()
    _insert_many(con, "INSERT INTO cfg_role_region VALUES (?, ?)",
                    [(rid, defs.regions.region_of_role(name)) for rid, name in roles if defs.regions.region_of_role(name)])
    _insert_many(con, "INSERT INTO cfg_user_region VALUES (?, ?)", list(defs.regions.users.items()))
    _insert_many(con, "INSERT INTO cfg_stage VALUES (?, ?)", list(defs.stages.mapping().items()))
    # Keywords match whole words: "CTO" must not match "Director". Stored as " word word " so that a
    # title normalised the same way contains it.
    _insert_many(con, "INSERT INTO cfg_persona VALUES (?, ?, ?)",
                    [(" " + " ".join(re.findall(r"[a-z0-9]+", k.lower())) + " ", p, i * 1000 + j)
                     for i, (p, ks) in enumerate(defs.personas.items()) for j, k in enumerate(ks)])
    # Campaign types match ignoring case and surrounding spaces ("webinar " is "Webinar").
    channels = {k.strip().lower(): v for k, v in defs.campaign_channels.items()}
    _insert_many(con, "INSERT INTO cfg_channel VALUES (?, ?)", list(channels.items()))
    _insert_many(con, "INSERT INTO cfg_segment VALUES (?, ?, ?)",
                    [(s.name, s.max_employees, i) for i, s in enumerate(defs.segments)])
    lists = {
        "sales_role_keyword": defs.sales.role_keywords,
        "hand_raise_type": defs.mql.hand_raise_campaign_types,
        "hand_raise_status": defs.mql.hand_raise_member_statuses,
        "marketing_lead_source": defs.attribution.marketing_lead_sources,
        "automated_subtype": defs.activities.automated_subtypes,
        "automated_subject_prefix": defs.activities.automated_subject_prefixes,
        "human_type": defs.activities.human_types,
    }
    _insert_many(con, "INSERT INTO cfg_value VALUES (?, ?, ?)",
                    [(name, v, v.strip().lower()) for name, vs in lists.items() for v in vs])
    _insert_many(con, "INSERT INTO cfg_sla_region VALUES (?, ?, ?, ?, ?, ?, ?)", [
        (region, defs.sla.target_for(region), r.time_zone, r.holidays, r.work_start, r.work_end, list(r.work_days))
        for region, r in defs.sla.regions.items()])


def _build_derived(con: duckdb.DuckDBPyConnection, defs: Definitions, progress: Progress) -> None:
    """Tables computed once per load so that pages never redo the expensive joins (data/derived/*.sql)."""
    files = sorted(DERIVED_DIR.glob("*.sql"))
    con.execute(files[0].read_text(encoding="utf-8"))  # exchange rates by day first: the macros need its range
    lo, hi = con.execute("SELECT min(rate_date), max(rate_date) FROM fx_daily").fetchall()[0]
    lo, hi = lo or datetime(2000, 1, 1).date(), hi or datetime(2000, 1, 1).date()
    # Persistent macros, usable by every query on the built database.
    con.execute(f"""
        CREATE MACRO fx_day(d) AS least(greatest(CAST(d AS DATE), DATE '{lo.isoformat()}'), DATE '{hi.isoformat()}');
        CREATE MACRO to_money(x) AS CAST(round(x, 2) AS DECIMAL(18, 2));
        CREATE MACRO rate_date(measure, created, closed, as_of, period_start) AS
            CASE measure {_rate_date_cases(defs)} END;
        CREATE MACRO owned_by(owner, who) AS
            who IS NULL OR owner = who OR owner IN (SELECT user_id FROM stg_users WHERE manager_id = who);
        CREATE MACRO convert_money(amount, factor) AS CAST(round(CAST(amount AS DOUBLE) * factor, 2) AS DECIMAL(18, 2));
        CREATE MACRO fiscal_quarter_start(d, fy_month) AS
            CAST(date_trunc('quarter', CAST(d AS DATE) - to_months(fy_month - 1)) + to_months(fy_month - 1) AS DATE);
    """)
    # Settings the model's macros need, as literals (validated by the definitions' schema): a lookup of
    # cfg_setting inside a join condition would turn hash joins into nested loops.
    con.execute(f"CREATE MACRO fy_start_month() AS {int(defs.company.fiscal_year_start_month)}")
    con.execute("CREATE MACRO unknown_region() AS " + _sql_literal(defs.regions.unknown))
    build_work_calendar(con, defs, lo, hi)
    for sql_file in files[1:]:
        con.execute(sql_file.read_text(encoding="utf-8"))
        progress(f"built {sql_file.stem.split('_', 1)[1]}")


_POLICY_DATE = {"close_date": "CAST(closed AS DATE)", "created_date": "CAST(created AS DATE)",
                "as_of_date": "CAST(as_of AS DATE)", "period_start": "CAST(period_start AS DATE)"}


def _rate_date_cases(defs: Definitions) -> str:
    """The currency policy as literal CASE branches: with a literal measure the optimiser folds the CASE into a
    plain column, so joins on the rate date stay hash joins (a lookup of cfg_setting here made them nested loops)."""
    policy = defs.currency.model_dump()
    return " ".join(f"WHEN '{measure}' THEN {_POLICY_DATE[policy[measure]]}"
                    for measure in ("won_lost", "pipeline_generated", "open_pipeline", "constant_currency"))


def _sql_literal(text: str) -> str:
    """A SQL string literal (for a macro body, which cannot take bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _insert_many(con: duckdb.DuckDBPyConnection, sql: str, rows: list) -> None:
    """executemany that accepts an empty list (DuckDB refuses one)."""
    if rows:
        con.executemany(sql, rows)


def _corporate_currency(con: duckdb.DuckDBPyConnection, defs: Definitions) -> str:
    """The export's corporate currency (CurrencyType), else company.corporate_currency, else the reporting one."""
    rows = con.execute("SELECT currency_code FROM typed_currency_type WHERE is_corporate LIMIT 1").fetchall()
    row = rows[0] if rows else None
    corporate = row[0] if row else (defs.company.corporate_currency or defs.company.reporting_currency)
    con.execute("INSERT INTO cfg_setting VALUES ('corporate_currency', ?)", [corporate])
    return corporate


def _currency_warnings(loaded: dict[str, LoadedObject], corporate: str) -> list[tuple]:
    """Say so when amounts carry no currency code: they were taken to be in the corporate currency."""
    out = []
    for name in ("Opportunity", "ForecastingQuota", "Campaign"):
        lo = loaded.get(name)
        if lo is not None and "currency_code" not in lo.mapping:
            out.append(("single_currency", name, f"no CurrencyIsoCode column: every amount is taken to be in {corporate}, "
                        "the corporate currency", 0, [],
                        "Nothing to do for a single-currency org; otherwise set company.corporate_currency in "
                        "definitions.toml or export CurrencyIsoCode"))
    return out


def _staging_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'stg_%' AND NOT temporary ORDER BY 1").fetchall()]


def _warnings(con: duckdb.DuckDBPyConnection, loaded: dict[str, LoadedObject], files: dict, no_rate: list[str],
              file_warnings: list[tuple]) -> list[tuple]:
    """All warnings as (code, object, message, count, sample ids, advice)."""
    out: list[tuple] = list(file_warnings)
    ignored = {w[1] for w in file_warnings if w[0] == "not_this_object"}
    for obj in OBJECTS:
        if obj.name not in loaded and not obj.required and obj.name not in ignored:
            out.append(("missing_object", obj.name, f"{obj.name} is not in the export; without it: {obj.disables}",
                        0, [], f"Add {obj.name}.csv to the export to enable it"))
    for lo in loaded.values():
        if lo.deleted:
            out.append(("deleted_rows", lo.obj.name, "records marked IsDeleted were left out", lo.deleted, [],
                        "Nothing to do: deleted records are in the recycle bin of the CRM"))
        if lo.duplicates:
            out.append(("duplicate_rows", lo.obj.name, "exact duplicate records (same Id, same values) were loaded once",
                        lo.duplicates, [], "Check that export parts do not overlap"))
        custom = [c for c in lo.unmapped if c.lower().endswith("__c") or c.lower().endswith("_c")]
        if custom:
            out.append(("custom_columns", lo.obj.name, f"{len(custom)} custom column(s) kept in {lo.obj.table} only",
                        len(custom), custom[:5], "Nothing to do; map one in data/schema.py to use it in metrics"))
        headers = [set(p.file.header) for p in lo.parts]
        if len(headers) > 1 and len({frozenset(h) for h in headers}) > 1:
            union = set().union(*headers)
            for p, h in zip(lo.parts, headers, strict=True):
                if union - h:
                    out.append(("part_missing_columns", lo.obj.name,
                                f"{p.file.name} lacks columns other parts have; its records have them empty",
                                len(union - h), sorted(union - h)[:5], "Export every part with the same fields"))
    if loaded.get("User") and not con.execute("SELECT count(*) FROM stg_users WHERE is_sales").fetchall()[0][0]:
        out.append(("no_sales_users", "User", "no user's role or title matches [sales] role_keywords, so nobody counts as "
                    "sales: no MQL is handed off and no activity is a sales touch (SLA 0%)", 0, [],
                    "Add the words your sales roles use (e.g. 'Account Executive', 'SDR') to [sales] role_keywords and reload"))
    for w in run_checks(con):
        out.append((w.code, w.object, w.message, w.count, w.sample_ids, w.advice))
    stages = unmapped_stage_names(con)
    if stages:
        out.append(("unmapped_stage_names", "Opportunity", "stage names not in [stages]: "
                    + ", ".join(f"{s} ({n})" for s, n in stages[:10]), len(stages), [s for s, _ in stages[:5]],
                    "Add each to [stages] open, won or lost in definitions.toml and reload"))
    for cur in no_rate:
        n, sample = con.execute("""
            SELECT count(*), list(opportunity_id ORDER BY opportunity_id)[1:5] FROM stg_opportunities
            WHERE currency_code = ?""", [cur]).fetchall()[0]
        out.append(("no_rate", "Opportunity", f"currency {cur} has no exchange rate in the export or the ECB history: "
                    f"its amounts are shown apart, unconverted", n, [str(s) for s in sample],
                    f"Add {cur} to CurrencyType/DatedConversionRate in the CRM export"))
    return out


def _write_report(con: duckdb.DuckDBPyConnection, export_path: Path, loaded: dict[str, LoadedObject], files: dict,
                  warnings: list[tuple], rejects: list[Problem], started: datetime, defs: Definitions,
                  config_file: Path, corporate: str) -> None:
    con.execute("""
        CREATE TABLE ingest_run (
            source VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP, files_modified_at TIMESTAMP,
            data_through_at TIMESTAMP, layout VARCHAR, corporate_currency VARCHAR, reporting_currency VARCHAR,
            config_path VARCHAR, config_sha256 VARCHAR, config_text VARCHAR);
        CREATE TABLE ingest_file (object VARCHAR, file_name VARCHAR, part INTEGER, encoding VARCHAR,
            size_bytes BIGINT, records_read BIGINT, records_rejected BIGINT, columns INTEGER,
            unmapped_columns VARCHAR[], modified_at TIMESTAMP);
        CREATE TABLE ingest_table (object VARCHAR, raw_table VARCHAR, status VARCHAR, files INTEGER,
            records_read BIGINT, records_rejected BIGINT, records_deleted BIGINT, records_duplicate BIGINT,
            records_loaded BIGINT, disables VARCHAR);
        CREATE TABLE ingest_warning (code VARCHAR, object VARCHAR, message VARCHAR, count BIGINT,
            sample_ids VARCHAR[], advice VARCHAR);
        CREATE TABLE ingest_reject AS SELECT * FROM ingest_reject_rows;
    """)
    for obj in OBJECTS:
        lo = loaded.get(obj.name)
        if lo is None:
            con.execute("INSERT INTO ingest_table VALUES (?, ?, 'missing', 0, 0, 0, 0, 0, 0, ?)",
                        [obj.name, obj.table, obj.disables])
            continue
        n_loaded = con.execute(f"SELECT count(*) FROM {_typed_name(obj)}").fetchall()[0][0]
        read = sum(p.rows + len(p.rejected_records) for p in lo.parts)
        con.execute("INSERT INTO ingest_table VALUES (?, ?, 'loaded', ?, ?, ?, ?, ?, ?, ?)",
                    [obj.name, obj.table, len(lo.parts), read, lo.rejected, lo.deleted, lo.duplicates, n_loaded,
                     obj.disables])
        for i, part in enumerate(lo.parts, start=1):
            con.execute("INSERT INTO ingest_file VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                obj.name, part.file.name, i, part.file.encoding, part.file.size_bytes,
                part.rows + len(part.rejected_records), len(part.rejected_records), len(part.file.header),
                [c for c in lo.unmapped if c in part.file.header],
                datetime.fromtimestamp(part.modified_at, UTC).replace(tzinfo=None)])
    _insert_many(con, "INSERT INTO ingest_warning VALUES (?, ?, ?, ?, ?, ?)", [list(w) for w in warnings])
    data_through = con.execute("SELECT data_through_at FROM data_extent").fetchall()[0][0]
    mtimes = [p.modified_at for lo in loaded.values() for p in lo.parts]
    text = config_file.read_text(encoding="utf-8") if config_file.exists() else ""
    con.execute("INSERT INTO ingest_run VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        str(export_path), started.replace(tzinfo=None), datetime.now(UTC).replace(tzinfo=None),
        datetime.fromtimestamp(max(mtimes), UTC).replace(tzinfo=None) if mtimes else None, data_through,
        "salesforce" if _is_salesforce_layout(loaded) else "canonical", corporate, defs.company.reporting_currency,
        str(config_file), hashlib.sha256(text.encode()).hexdigest(), text])


def _validate(db_file: Path, tables: dict[str, int]) -> None:
    """Reopen the built file read-only and check it answers: every staging table and the report."""
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        for table, rows in tables.items():
            got = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            if got != rows:
                raise RuntimeError(f"built database check failed: {table} has {got} rows, expected {rows}")
        if con.execute("SELECT count(*) FROM ingest_run").fetchall()[0][0] != 1:
            raise RuntimeError("built database check failed: ingest report missing")
    finally:
        con.close()


def schema_version(db_path: str | Path) -> str | None:
    """The schema version a database was built with (None when missing or unreadable)."""
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except (duckdb.Error, OSError):
        return None
    try:
        rows = con.execute("SELECT value FROM cfg_setting WHERE key = 'schema_version'").fetchall()
        row = rows[0] if rows else None
        return row[0] if row else None
    except duckdb.Error:
        return None
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--check"]:
        path = Path(argv[1] if len(argv) > 1 else DEFAULT_DB)
        found = schema_version(path) if path.exists() else None
        if found == SCHEMA_VERSION:
            print(f"{path}: current (schema {found})")
            return 0
        print(f"{path}: {'missing' if not path.exists() else f'built by another version (schema {found})'}; "
              f"load the export again", file=sys.stderr)
        return 4
    parser = argparse.ArgumentParser(prog="python -m data.ingest", description=__doc__.split("\n\n")[0])
    parser.add_argument("export_path", help="folder or .zip of CSV exports (one file per object)")
    parser.add_argument("--db", default=str(DEFAULT_DB), help=f"live database path (default {DEFAULT_DB})")
    parser.add_argument("--config", default=None, help="definitions file (default definitions.toml)")
    parser.add_argument("--encoding", default=None, help="encoding of every file, e.g. cp1252 (default from config)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--allow-shrink", action="store_true",
                        help="load even when an object lost more than ingest.max_shrink_share of its records")
    args = parser.parse_args(argv)
    try:
        summary = ingest(args.export_path, args.db, args.config, args.encoding, args.quiet, args.allow_shrink)
    except IngestError as exc:
        print(f"Ingest refused; the live database was not changed. {exc.total} problem(s):\n{exc.render()}",
              file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"Ingest refused; the live database was not changed.\n{exc}", file=sys.stderr)
        return 2
    except IngestBusy as exc:
        print(f"Ingest refused: {exc}", file=sys.stderr)
        return 3
    except StorageError as exc:
        print(f"Ingest failed; the live database was not changed. {exc}", file=sys.stderr)
        return 5
    except KeyboardInterrupt:
        print("Ingest interrupted; the live database was not changed.", file=sys.stderr)
        return 130
    except Exception as exc:  # the last resort: a message and a log file, never a traceback
        return _unexpected(exc)
    counts = ", ".join(f"{t} {n:,}" for t, n in summary.tables.items())
    print(f"Loaded {summary.db_path} ({summary.version_path.name}): {counts}")
    for code, obj, message, count, sample, _ in summary.warnings:
        print(f"warning [{code}] {obj}: {message}" + (f" - {count:,}" if count else "")
              + (f" e.g. {', '.join(sample[:3])}" if sample else ""))
    return 0


def _unexpected(exc: Exception) -> int:
    """Report an unexpected failure in one paragraph; the traceback goes to a log file for a bug report."""
    import traceback

    log = Path(tempfile.gettempdir()) / f"crm-ingest-error-{os.getpid()}.log"
    try:
        log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        where = f"Details for a bug report: {log}"
    except OSError:
        where = "(the details could not be written to a log file)"
    print(f"Ingest failed unexpectedly ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
          f"the live database was not changed. {where}", file=sys.stderr)
    return 70


if __name__ == "__main__":
    sys.exit(main())
