"""Build a new version beside the live one, check it, and switch the live path to it atomically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from data.config import Definitions
from data.ingest.context import LoadWarning, Progress
from data.ingest.preflight import check_shrink, loaded_counts, record_warnings
from data.ingest.sql import connect
from data.store import Store


def build_and_publish(
    store: Store,
    build: Callable[[Path], tuple[dict[str, int], list[LoadWarning]]],
    defs: Definitions,
    progress: Progress,
    allow_shrink: bool,
) -> tuple[Path, dict[str, int], list[LoadWarning]]:
    """Build a new version beside the live one with `build`, check it, publish it; remove every trace of it on failure."""
    for stale in store.remove_stale_building():
        progress(f"removed a half-built version left by an interrupted ingest: {stale.name}")
    live_counts = loaded_counts(store.live)
    building = store.new_building_path()
    published = store.versions_dir / building.name.removeprefix(".building-")
    try:
        tables, warnings = build(building)
        shrink = [LoadWarning(*w) for w in check_shrink(live_counts, building, defs.ingest.max_shrink_share, allow_shrink)]
        record_warnings(building, list(shrink))
        check_built(building, tables)
        hold = defs.ingest.warm_seconds
        progress(
            f"checks passed; holding it up to {hold:g} s for running dashboards to prepare it, then switching"
            if hold
            else "checks passed; switching the live database"
        )
        final = store.publish(building, defs.ingest.keep_versions, hold)
    except BaseException:
        for leftover in (building, published):
            if leftover != store.live_version():  # a version the live link already points at stays
                leftover.unlink(missing_ok=True)
                Path(str(leftover) + ".wal").unlink(missing_ok=True)
        raise
    return final, tables, warnings + shrink


def check_built(db_file: Path, tables: dict[str, int]) -> None:
    """Reopen the built file read-only and check it answers: every staging table and the report."""
    con = connect(db_file, read_only=True)
    try:
        for table, rows in tables.items():
            got = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            if got != rows:
                raise RuntimeError(f"built database check failed: {table} has {got} rows, expected {rows}")
        if con.execute("SELECT count(*) FROM ingest_run").fetchall()[0][0] != 1:
            raise RuntimeError("built database check failed: ingest report missing")
    finally:
        con.close()
