"""One load, step by step: discover the files, read them, type and check every value, build the model, report, switch.

The steps live in their own modules (discover, objects, typed, validate, check, build, report, switch);
this one runs them in order over one LoadContext.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from data.config import ConfigError, load_definitions
from data.ingest.build import MODEL_DIR, build_model, is_backfill
from data.ingest.check import decide, drop_excluded, mark_rejected, problem_order
from data.ingest.context import IngestSummary, LoadContext, LoadWarning, Progress
from data.ingest.discover import discover
from data.ingest.hubspot import convert_export, hubspot_definitions, is_hubspot_export
from data.ingest.objects import is_salesforce_layout, load_object
from data.ingest.preflight import StorageError, check_db_path, export_read_error, is_storage_failure, storage_error
from data.ingest.read import IngestError, Problem
from data.ingest.report import collect_warnings, currency_warnings, staging_tables, write_report
from data.ingest.snapshots import backfill_live
from data.ingest.sql import connect
from data.ingest.switch import build_and_publish
from data.ingest.typed import create_typed_table, create_typing_macros, duplicate_problems, type_problems
from data.ingest.validate import check_values, collect_rules
from data.lake import stash_typed
from data.schema import OBJECTS
from data.store import DEFAULT_DB, IngestBusy, IngestLock, Store, project_root


def ingest_memory_limit() -> str:
    """The load's DuckDB memory limit: 40% of the machine's memory, at most 10 GB, at least 1 GB.

    DuckDB's default (80% of the machine) let the large sample's load pass 12 GiB resident on a 24 GiB machine
    while typing values; a limit makes it spill to its temporary directory (beside the database) instead. The
    resident peak stays about 0.6 GB above the limit (6.6 GiB under a 6 GB limit at large), so 40% leaves room
    for a dashboard serving beside the load, while a 6 GB limit spilled 11 GiB at large for no reason.
    """
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not a POSIX system: DuckDB's own default decides
        return "80%"
    return f"{max(1, min(10, int(total * 0.4 / 1e9)))}GB"


def ingest(
    export_path: str | Path,
    db_path: str | Path = DEFAULT_DB,
    config_path: str | Path | None = None,
    encoding: str | None = None,
    quiet: bool = False,
    allow_shrink: bool = False,
    source: str = "auto",
    as_of_export: datetime | None = None,
    lake: str | Path | None = None,
    threads: int | None = None,
) -> IngestSummary:
    """Load an export into a new database version and switch the live path to it atomically.

    Raises IngestError (bad input, or an object shrinking by more than `ingest.max_shrink_share`
    without `allow_shrink`), ConfigError (bad definitions), IngestBusy (another ingest runs) or
    StorageError (the database or temporary folder cannot be written); in every failure the live
    database is left exactly as it was and no half-built version is left behind. `source` is
    "salesforce" (or our canonical layout), "hubspot", or "auto" (HubSpot when a file's name or
    header is HubSpot's). The export's snapshot is stored at `as_of_export` (else its newest moment)
    beside the live database's snapshots; an export older than the live data adds only its snapshot
    (data/ingest/snapshots.py).
    With `lake`, the loaded data is also written as Iceberg tables in that folder once the new version
    is live (data/lake.py). `threads` limits DuckDB's threads for the build (default: every core).
    """
    progress = Progress(quiet)
    started = datetime.now(UTC)
    export_path = Path(export_path)
    defs = load_definitions(config_path)
    config_file = Path(config_path) if config_path else project_root() / "definitions.toml"
    if not export_path.exists():
        raise IngestError(
            [Problem(str(export_path), "no such file or folder", "Give the folder or .zip holding the exported CSV files")]
        )
    store = Store(Path(db_path))
    check_db_path(store)

    stash = Path(tempfile.mkdtemp(prefix="crm-lake-")) if lake else None  # the typed export, kept for the lake

    def build(db_file: Path) -> tuple[dict[str, int], list[LoadWarning]]:
        live = store.live_version()
        with tempfile.TemporaryDirectory(prefix="crm-ingest-") as work:
            ctx = LoadContext(None, defs, export_path, Path(work), config_file, encoding, started, progress, source=source)  # type: ignore[arg-type]
            ctx.as_of_export, ctx.live_db, ctx.lake_stash, ctx.threads = as_of_export, live, stash, threads
            _build(db_file, ctx)
            if live is None or not is_backfill(ctx):
                return ctx.tables, ctx.warnings
            progress("an older export: keeping the live tables, adding its snapshot to the history")
            state_sql = (MODEL_DIR / "33_opportunity_state.sql").read_text(encoding="utf-8")
            shutil.move(backfill_live(db_file, live, Path(work), state_sql), db_file)
            return _staging_counts(db_file), [w for w in ctx.warnings if w.code == "snapshot"]

    try:
        with IngestLock(store, str(export_path)):
            final, tables, warnings = build_and_publish(store, build, defs, progress, allow_shrink)
            if lake:
                _write_lake(final, Path(lake), stash, progress)
    except (IngestError, ConfigError, IngestBusy, StorageError):
        raise
    except (OSError, duckdb.Error) as exc:
        if (unreadable := export_read_error(exc, export_path)) is not None:
            raise unreadable from exc
        if is_storage_failure(exc):
            raise storage_error(exc, store) from exc
        raise
    finally:
        if stash is not None:
            shutil.rmtree(stash, ignore_errors=True)
    seconds = time.monotonic() - progress.start
    progress(f"done: {store.live} -> {final.name} in {seconds:.1f}s")
    return IngestSummary(store.live, final, tables, warnings, seconds)


def _build(db_file: Path, ctx: LoadContext) -> None:
    """Build a complete database at db_file; the load's staging row counts, warnings and snapshot times go to ctx."""
    try:
        _build_in(db_file, ctx)
    except IngestError as exc:
        if ctx.remap is None:
            raise
        remapped = [ctx.remap(p) for p in exc.problems]
        # a value copied into derived rows (stage history) is refused once, at the record it came from
        seen = {(p.file, p.column, p.value, p.message) for p in remapped if p.record is not None}
        kept = [p for p in remapped if p.record is not None or (p.file, p.column, p.value, p.message) not in seen]
        raise IngestError(kept, exc.total - (len(remapped) - len(kept))) from None


def _build_in(db_file: Path, ctx: LoadContext) -> None:
    defs, progress = ctx.defs, ctx.progress
    con = ctx.con = connect(db_file)
    try:
        # Naive date-times in the export are in the configured zone; everything is stored in UTC, so
        # results never depend on the machine's time zone.
        con.execute(f"SET TimeZone = '{defs.company.export_time_zone}'")
        con.execute("SET preserve_insertion_order = true")
        # DuckDB's default limit (80% of the machine) let the large sample's load pass 12 GiB: see the function
        con.execute(f"SET memory_limit = '{ingest_memory_limit()}'")
        if ctx.threads:  # --threads: leave cores to a dashboard serving viewers (data/ingest/priority.py)
            con.execute(f"SET threads = {int(ctx.threads)}")
        _read(ctx)
        _type_and_check(ctx)
        progress("building the model")
        build_model(ctx)
        progress("checking references, stages and currencies")
        ctx.warnings = collect_warnings(con, ctx.loaded, ctx.no_rate, ctx.warnings + currency_warnings(ctx.loaded, ctx.corporate))
        ctx.tables = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in staging_tables(con)}
        write_report(ctx)
        con.execute("CHECKPOINT")
        if ctx.lake_stash is not None:
            stash_typed(con, ctx.lake_stash)
    finally:
        con.close()


def _staging_counts(db_file: Path) -> dict[str, int]:
    """Rows per staging table of a built database (what check_built checks)."""
    con = connect(db_file, read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in staging_tables(con)}
    finally:
        con.close()


def _hubspot(ctx: LoadContext) -> Path:
    """A HubSpot export converted to the canonical layout (its folder); other exports as they are."""
    if ctx.source == "salesforce" or (ctx.source == "auto" and not is_hubspot_export(ctx.export_path)):
        return ctx.export_path
    ctx.progress("reading a HubSpot export")
    converted = convert_export(ctx.export_path, ctx.work / "hubspot", ctx.defs)
    ctx.defs = hubspot_definitions(ctx.defs)
    ctx.remap = converted.origins.remap
    ctx.warnings.extend(converted.warnings)
    return converted.folder


def _write_lake(live: Path, lake: Path, stash: Path | None, progress: Progress) -> None:
    """The lake (Iceberg tables) from the version just made live; the database is live whatever happens here."""
    from data.lake import LakeError, write_lake

    try:
        written = write_lake(live, lake, stash)
    except Exception as exc:  # the database is live already: say so, whatever the lake's failure
        raise LakeError(f"the database {live.name} is loaded and live, but the lake {lake} was not written: {exc}") from exc
    progress(f"lake: wrote {len(written)} Iceberg tables into {lake}")


def _read(ctx: LoadContext) -> None:
    """Find the export's files and read each object's into its raw table; refuse what cannot be read at all."""
    ctx.files, unknown = discover(_hubspot(ctx), ctx.work)
    ctx.progress(f"found {sum(len(v) for v in ctx.files.values())} export file(s) for {len(ctx.files)} object(s)")
    ctx.warnings.extend(
        LoadWarning(
            "unknown_file",
            "-",
            f"file {name} is not a known CRM object and was ignored",
            1,
            [name],
            "Rename it after its object (e.g. Opportunity.csv) or remove it",
        )
        for name in unknown
    )
    for obj in OBJECTS:
        parts = ctx.files.get(obj.name, [])
        if not parts:
            if obj.required:
                ctx.problems.append(
                    Problem(
                        f"{obj.name}.csv",
                        f"the {obj.name} export is missing; without it: {obj.disables}",
                        f"Add {obj.name}.csv (or {obj.canonical_file}.csv) to the export",
                    )
                )
            continue
        object_problems: list[Problem] = []
        lo = load_object(ctx.con, obj, parts, ctx.defs, ctx.encoding, ctx.work, ctx.progress, object_problems)
        shape = [p for p in object_problems if p.message.startswith("required column")]
        if lo and shape and not obj.required and len(shape) == len(object_problems):
            # A file named like an optional object that does not have its shape (e.g. a sync tool's
            # history-mode copy of Opportunity named opportunity_history): ignore it, say so.
            ctx.con.execute(f"DROP TABLE {obj.table}")
            ctx.warnings.append(
                LoadWarning(
                    "not_this_object",
                    obj.name,
                    f"{shape[0].file} is named like {obj.name} but lacks its columns "
                    f"({shape[0].message}); it was ignored, so without {obj.name}: {obj.disables}",
                    1,
                    [part.file.name for part in lo.parts],
                    shape[0].advice,
                )
            )
            continue
        ctx.problems.extend(object_problems)
        if lo:
            ctx.loaded[obj.name] = lo
    if ctx.problems and any(p.record is None for p in ctx.problems):
        raise IngestError(sorted(ctx.problems, key=problem_order))


def _type_and_check(ctx: LoadContext) -> None:
    """Type every value once, check values and Ids, then refuse or set aside bad records and drop excluded rows."""
    is_sf = is_salesforce_layout(ctx.loaded)
    create_typing_macros(ctx.con, is_sf)
    ctx.con.execute("CREATE TEMP TABLE _excluded (tbl VARCHAR, rid BIGINT, reason VARCHAR)")
    ctx.con.execute("CREATE TABLE deleted_record (object VARCHAR, record_id VARCHAR)")
    # the value rules' conditions are evaluated in the typing pass: collected first
    scans = {name: collect_rules(ctx.con, lo, is_sf, ctx.defs, ctx.started) for name, lo in ctx.loaded.items()}
    for obj in OBJECTS:
        create_typed_table(ctx.con, obj, ctx.loaded.get(obj.name), ctx.defs, scans.get(obj.name))
    ctx.progress("values typed")
    for lo in ctx.loaded.values():
        ctx.problems.extend(type_problems(ctx.con, lo))
        ctx.problems.extend(duplicate_problems(ctx.con, lo))
    warnings = check_values(ctx.con, ctx.loaded, scans, is_sf, ctx.defs, ctx.started, ctx.problems)
    ctx.warnings.extend(LoadWarning(*w) for w in warnings)
    ctx.progress("values and Ids checked")
    ctx.rejects = decide(ctx.problems, ctx.defs.ingest.max_rejected_rows)
    mark_rejected(ctx.con, ctx.loaded, ctx.rejects)
    for lo in ctx.loaded.values():
        drop_excluded(ctx.con, lo)
