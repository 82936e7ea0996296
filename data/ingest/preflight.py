"""Checks around a load that are not about the export's values: where the database goes, whether
there is room to write it, and whether the new load has lost records against the live one.

* `check_db_path` runs before anything is written, so a bad `--db` path (a folder, a file that is
  not a database, a folder that cannot be written) is refused without leaving files behind.
* `storage_error` turns a full disk, a full temporary folder or a read-only folder met during the
  build into a `StorageError` that names the folder and what to do.
* `check_shrink` compares records loaded per object with the live database and refuses a load in
  which an object lost more than `ingest.max_shrink_share` of them (a partial export), unless allowed.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from data.ingest.read import IngestError, Problem
from data.ingest.sql import connect
from data.store import Store

_DUCKDB_MAGIC = b"DUCK"
_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


class StorageError(RuntimeError):
    """The database or the temporary folder cannot be written (full, read-only, not a folder)."""


def check_db_path(store: Store) -> None:
    """Refuse a `--db` path the load could not publish to, before anything is created."""
    live, parent = store.live, store.live.parent
    if live.is_dir() and not live.is_symlink():
        raise StorageError(f"--db {live} is a folder; give the database file path, e.g. {live / 'crm.duckdb'}")
    if live.exists() and not live.is_symlink() and not _is_duckdb_file(live):
        raise StorageError(
            f"--db {live} is an existing file that is not a DuckDB database; it was left as it is. "
            "Give another path (e.g. warehouse/crm.duckdb)"
        )
    blocker = next((p for p in (parent, *parent.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise StorageError(f"--db {live}: {blocker} is a file, not a folder; give a path inside a folder")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=parent):
            pass
        if store.versions_dir.exists():
            with tempfile.TemporaryFile(dir=store.versions_dir):
                pass
    except OSError as exc:
        raise storage_error(exc, store) from None


def _is_duckdb_file(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    return len(head) == 0 or head[8:12] == _DUCKDB_MAGIC


def storage_error(exc: BaseException, store: Store) -> StorageError:
    """A named StorageError for an OSError or DuckDB I/O error met while writing."""
    code = getattr(exc, "errno", None)
    text = str(exc)
    where = getattr(exc, "filename", None) or str(store.live.parent)
    temp = tempfile.gettempdir()
    if code in _FULL or "No space left" in text or "Disk quota" in text:
        return StorageError(
            f"no space left on the device while writing {where}. Free space in "
            f"{store.live.parent} (the database) and {temp} (temporary files; set TMPDIR to a "
            "folder with room) and load again"
        )
    if code in _READ_ONLY or "Read-only file system" in text or "Permission denied" in text:
        return StorageError(
            f"cannot write {where} ({os.strerror(code) if code else text.splitlines()[0]}). "
            f"Give the user running the ingest write access to {store.live.parent}, or choose "
            "another --db path"
        )
    return StorageError(f"cannot write {where}: {text.splitlines()[0] if text else type(exc).__name__}")


def export_read_error(exc: BaseException, export_path: Path) -> IngestError | None:
    """An IngestError for an OSError met while reading the export itself (not the database), else None."""
    name = getattr(exc, "filename", None)
    if not isinstance(exc, OSError) or not name or getattr(exc, "errno", None) in _FULL:
        return None
    try:
        Path(name).resolve().relative_to(export_path.resolve())
    except ValueError:
        return None
    return IngestError(
        [
            Problem(
                str(name),
                f"cannot be read ({exc.strerror or exc})",
                "Give the user running the ingest read access to the export, or copy it elsewhere",
            )
        ]
    )


def is_storage_failure(exc: BaseException) -> bool:
    """True for an error that comes from writing files (disk full, read-only, permissions), not from the data."""
    if isinstance(exc, OSError):
        return True
    if isinstance(exc, duckdb.IOException | duckdb.PermissionException):
        return True
    return isinstance(exc, duckdb.Error) and any(s in str(exc) for s in ("No space left", "Read-only file system", "Disk quota"))


def loaded_counts(db_file: Path) -> dict[str, int] | None:
    """Records loaded per object in a database's ingest report (None when it has none or cannot be read)."""
    if not db_file.exists():
        return None
    try:
        con = connect(db_file, read_only=True)
    except duckdb.Error:
        return None
    try:
        return dict(con.execute("SELECT object, records_loaded FROM ingest_table").fetchall())
    except duckdb.Error:
        return None
    finally:
        con.close()


def check_shrink(live: dict[str, int] | None, built: Path, max_share: float, allow: bool) -> list[tuple]:
    """Refuse (IngestError) when an object lost more than `max_share` of its live records, unless `allow`.

    Returns the warnings to record when the shrink was allowed: (code, object, message, count, ids, advice).
    """
    new = loaded_counts(built) or {}
    shrunk = [
        (obj, before, new.get(obj, 0))
        for obj, before in sorted((live or {}).items())
        if before and (before - new.get(obj, 0)) / before > max_share
    ]
    if not shrunk:
        return []
    if not allow:
        raise IngestError(
            [
                Problem(
                    f"{obj}.csv",
                    f"{obj} would shrink from {before:,} to {after:,} records "
                    f"against the live database (more than {max_share:.0%} fewer): the export looks "
                    "partial",
                    "Check the export is complete; if the drop is real, load it with "
                    "--allow-shrink (or raise ingest.max_shrink_share)",
                )
                for obj, before, after in shrunk
            ]
        )
    return [
        (
            "shrink_allowed",
            obj,
            f"{obj} shrank from {before:,} to {after:,} records against the previous load (allowed with --allow-shrink)",
            before - after,
            [],
            "Nothing to do if the drop is real",
        )
        for obj, before, after in shrunk
    ]


def record_warnings(built: Path, warnings: Sequence[tuple]) -> None:
    """Append warnings to a built (not yet published) database's ingest_warning table."""
    if not warnings:
        return
    con = connect(built)
    try:
        con.executemany("INSERT INTO ingest_warning VALUES (?, ?, ?, ?, ?, ?)", [list(w) for w in warnings])
        con.execute("CHECKPOINT")
    finally:
        con.close()
