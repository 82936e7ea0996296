"""What one load carries from step to step: the files, the objects loaded, the warnings, the progress lines."""

from __future__ import annotations

import bisect
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import duckdb

from data.config import Definitions
from data.ingest.read import PreparedFile, Problem
from data.schema import SourceObject


class LoadWarning(NamedTuple):
    """A problem that lets the data load, recorded in `ingest_warning` for the Data quality page."""

    code: str
    object: str
    message: str
    records: int  # how many records (or columns) it concerns
    sample_ids: list[str]
    advice: str = ""


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
    kept: int = 0  # records loaded: not deleted, duplicate or rejected (counted once they are dropped)

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


@dataclass
class LoadContext:
    """One load: its database connection, definitions, inputs, and what the steps found so far."""

    con: duckdb.DuckDBPyConnection
    defs: Definitions
    export_path: Path
    work: Path
    config_file: Path
    encoding: str | None
    started: datetime
    progress: Progress
    files: dict[str, list[tuple[Path, str]]] = field(default_factory=dict)
    loaded: dict[str, LoadedObject] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)
    rejects: list[Problem] = field(default_factory=list)
    corporate: str = ""
    no_rate: list[str] = field(default_factory=list)
    source: str = "auto"  # "auto" (found by file names and headers), "salesforce" or "hubspot"
    remap: Callable[[Problem], Problem] | None = None  # names a converted export's problems by its own files
    as_of_export: datetime | None = None  # the export's time when given (--as-of-export)
    live_db: Path | None = None  # the live version when the load started (its snapshots are carried)
    snapshot_at: datetime | None = None  # this export's snapshot time
    live_at: datetime | None = None  # the live data's snapshot time
    tables: dict[str, int] = field(default_factory=dict)  # staging tables' row counts, once built
    lake_stash: Path | None = None  # with --lake: where the typed export is kept as Parquet for the lake
    threads: int | None = None  # DuckDB threads for the build (--threads); None: every core
