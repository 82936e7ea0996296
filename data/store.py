"""Where the live database lives, which schema it has, and how a new one replaces it atomically.

The default location is defined here and only here: $CRM_DB when set, else warehouse/crm.duckdb; a
relative path is taken from the project root, so the dashboard, the ingest and the command line find
the same file wherever they are started from.

The live path (e.g. `warehouse/crm.duckdb`) is a symbolic link to one immutable version file in
`warehouse/crm.duckdb.versions/`. An ingest builds a new version under a temporary name, checks
it, renames it into place, and only then swaps the link with one `rename(2)`, which is atomic: a
reader sees the old version or the new one, never a half-built file. A killed ingest leaves at most
a `.building-*` file behind, which the next ingest removes. A running dashboard keeps reading the
version it has open and notices the new one on its next rerun (see `live_version`).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import duckdb

# Bumped whenever the tables a load builds change; a database of another version must be reloaded.
SCHEMA_VERSION = "16"


def project_root() -> Path:
    """The folder holding definitions.toml, data/, queries/ and dashboard/."""
    return Path(__file__).resolve().parent.parent


def default_db_path() -> Path:
    """The live database path: $CRM_DB, else warehouse/crm.duckdb; relative paths from the project root."""
    path = Path(os.environ.get("CRM_DB", "warehouse/crm.duckdb"))
    return path if path.is_absolute() else project_root() / path


DEFAULT_DB = default_db_path()


def schema_version(db_path: str | Path) -> str | None:
    """The schema version a database was built with (None when missing or unreadable)."""
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except (duckdb.Error, OSError):
        return None
    try:
        rows = con.execute("SELECT value FROM cfg_setting WHERE key = 'schema_version'").fetchall()
        return rows[0][0] if rows else None
    except duckdb.Error:
        return None
    finally:
        con.close()


class IngestBusy(RuntimeError):
    """Another ingest holds the lock for this database."""


@dataclass(frozen=True)
class Store:
    """The live database path and its versions folder."""

    live: Path

    @property
    def versions_dir(self) -> Path:
        return self.live.with_name(self.live.name + ".versions")

    @property
    def lock_path(self) -> Path:
        return self.live.with_name(self.live.name + ".lock")

    def new_building_path(self) -> Path:
        """A fresh temporary path for a version being built."""
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return self.versions_dir / f".building-{stamp}-{os.getpid()}.duckdb"

    def remove_stale_building(self) -> list[Path]:
        """Delete half-built versions left by killed ingests (call only while holding the lock)."""
        removed = []
        if self.versions_dir.exists():
            for p in self.versions_dir.glob(".building-*"):
                p.unlink(missing_ok=True)
                removed.append(p)
        return removed

    def publish(self, built: Path, keep: int, hold_s: float = 0.0) -> Path:
        """Rename a checked build into a version and point the live link at it atomically. With `hold_s`, the
        version waits beside the live one first (staged) until a dashboard has prepared its results (it marks it
        warmed) or `hold_s` seconds have passed (dashboard/warm.py)."""
        final = self.versions_dir / built.name.removeprefix(".building-")
        os.replace(built, final)
        _fsync_dir(self.versions_dir)
        if hold_s > 0:
            self.wait_warmed(final, hold_s)
        if self.live.exists() and not self.live.is_symlink():
            # A plain file from elsewhere: keep it as a version before the link replaces it.
            legacy = self.versions_dir / f"0-previous-{self.live.name}"
            os.link(self.live, legacy)
        tmp_link = self.live.with_name(f".{self.live.name}.link-{os.getpid()}")
        tmp_link.unlink(missing_ok=True)
        os.symlink(os.path.relpath(final, self.live.parent), tmp_link)
        os.replace(tmp_link, self.live)
        _fsync_dir(self.live.parent)
        self.prune(keep)
        return final

    def versions(self) -> list[Path]:
        """Published versions, oldest first."""
        if not self.versions_dir.exists():
            return []
        return sorted(p for p in self.versions_dir.glob("*.duckdb") if not p.name.startswith("."))

    def prune(self, keep: int) -> None:
        """Keep the live version and the `keep` newest others; a dashboard holding an old one open keeps reading it."""
        live = self.live_version()
        others = [p for p in self.versions() if p != live]
        for old in others[: max(0, len(others) - keep)]:
            old.unlink(missing_ok=True)
            Path(str(old) + ".wal").unlink(missing_ok=True)
            self.warmed_marker(old).unlink(missing_ok=True)

    def staged_version(self) -> Path | None:
        """A version newer than the live one that is not live yet (a load holding it for the dashboards to prepare,
        or one a killed load published without switching), or None."""
        newest = self.versions()[-1:]
        live = self.live_version()
        if newest and (live is None or newest[0].name > live.name):
            return newest[0].resolve()
        return None

    def warmed_marker(self, version: Path) -> Path:
        """The file a dashboard writes once it has prepared a staged version's results."""
        return self.versions_dir / f"{version.name}.warmed"

    def wait_warmed(self, version: Path, hold_s: float, poll_s: float = 0.2) -> bool:
        """Wait until `version` is marked warmed (True) or `hold_s` seconds have passed (False)."""
        deadline = time.monotonic() + hold_s
        while not self.warmed_marker(version).exists():
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll_s)
        return True

    def live_version(self) -> Path | None:
        """The version file the live path points at now, or None when there is no database yet."""
        if not self.live.exists():
            return None
        return self.live.resolve()


class IngestLock:
    """An exclusive, non-blocking lock on the database; the OS releases it when the process dies."""

    def __init__(self, store: Store, source: str):
        self.store = store
        self.source = source
        self._fh: IO[str] | None = None

    def __enter__(self) -> IngestLock:
        self.store.live.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.store.lock_path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "{}"
            fh.close()
            try:
                info = json.loads(holder)
            except json.JSONDecodeError:
                info = {}
            raise IngestBusy(
                f"another ingest is already loading {self.store.live} (pid {info.get('pid', '?')}, "
                f"started {info.get('started', '?')}, from {info.get('source', '?')}); "
                "wait for it to finish and run this one again. Nothing was changed."
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(
            json.dumps({"pid": os.getpid(), "started": datetime.now(UTC).isoformat(timespec="seconds"), "source": self.source})
        )
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh:
            self._fh.seek(0)
            self._fh.truncate()
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def wait_for_lock_free(store: Store, timeout_s: float = 30.0) -> bool:
    """True once no ingest holds the lock (used by tests and scripts that chain loads)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with open(store.lock_path, "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(fh, fcntl.LOCK_UN)
                return True
            except BlockingIOError:
                time.sleep(0.05)
    return False
