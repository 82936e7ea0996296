"""`python -m data.ingest`: the command line, its exit codes and messages (never a traceback)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from data.config import ConfigError
from data.ingest.load import ingest
from data.ingest.preflight import StorageError
from data.ingest.priority import PRIORITIES, Plan, plan
from data.ingest.priority import apply as apply_priority
from data.ingest.read import IngestError
from data.lake import LakeError
from data.store import DEFAULT_DB, SCHEMA_VERSION, IngestBusy, schema_version


def _check_schema(argv: list[str]) -> int:
    """`--check [DB]`: 0 when the database was built by this version of the load, else 4 (load it again)."""
    path = Path(argv[0] if argv else DEFAULT_DB)
    found = schema_version(path) if path.exists() else None
    if found == SCHEMA_VERSION:
        print(f"{path}: current (schema {found})")
        return 0
    state = "missing" if not path.exists() else f"built by another version (schema {found})"
    print(f"{path}: {state}; load the export again", file=sys.stderr)
    return 4


def _export_time(text: str) -> datetime:
    """--as-of-export's value: an ISO date or date-time (a date alone is that day's start)."""
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=None)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; give YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None


def _threads(text: str) -> int:
    """--threads' value: a whole number of at least 1."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of threads; give a whole number of at least 1")
    return n


def _parser() -> argparse.ArgumentParser:
    """The command line's arguments."""
    parser = argparse.ArgumentParser(
        prog="python -m data.ingest",
        description="Load a CRM export into a new DuckDB version and make it live only when every check passed.",
    )
    parser.add_argument("export_path", help="folder or .zip of CSV exports (one file per object)")
    parser.add_argument("--db", default=str(DEFAULT_DB), help=f"live database path (default {DEFAULT_DB})")
    parser.add_argument("--config", default=None, help="definitions file (default definitions.toml)")
    parser.add_argument("--encoding", default=None, help="encoding of every file, e.g. cp1252 (default from config)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument(
        "--allow-shrink",
        action="store_true",
        help="load even when an object lost more than ingest.max_shrink_share of its records",
    )
    parser.add_argument(
        "--source",
        choices=["auto", "salesforce", "hubspot"],
        default="auto",
        help="export layout (default auto: HubSpot when a file's name or header is HubSpot's)",
    )
    parser.add_argument(
        "--as-of-export",
        type=_export_time,
        default=None,
        metavar="DATE",
        help="when the export was taken (YYYY-MM-DD or YYYY-MM-DDTHH:MM), the time its snapshot is stored at "
        "(default: the newest moment in the export); past exports may be loaded in any order",
    )
    parser.add_argument(
        "--lake",
        default=None,
        metavar="DIR",
        help="also write the loaded data as Iceberg tables in DIR (data/lake.py), once the load is live",
    )
    parser.add_argument(
        "--priority",
        choices=PRIORITIES,
        default="auto",
        help="CPU priority: low (nice 19) leaves the cores to a dashboard serving viewers; auto (default) is low when "
        "a live database already exists at --db, normal for a first load",
    )
    parser.add_argument(
        "--threads",
        type=_threads,
        default=None,
        metavar="N",
        help="DuckDB threads for the load (default: every core); fewer leave cores free for a dashboard",
    )
    return parser


def _priority(args: argparse.Namespace, renice: bool) -> Plan:
    """The load's CPU priority and threads (low on a reload: a dashboard may be serving the live database); the
    process lowers its own priority only when `renice`."""
    chosen = plan(args.priority, os.path.exists(args.db), args.threads)
    if renice:
        apply_priority(chosen)
    if not args.quiet:
        print(chosen.describe(), flush=True)
    return chosen


def main(argv: list[str] | None = None, renice: bool | None = None) -> int:
    """Command-line entry point; returns the exit code. The process lowers its own CPU priority as --priority says
    only when it is the program (`renice`, by default when `argv` is None: read from the command line), never when
    Python code calls main() with arguments (a test would renice its whole run)."""
    program = argv is None
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--check"]:
        return _check_schema(argv[1:])
    args = _parser().parse_args(argv)
    chosen = _priority(args, program if renice is None else renice)
    try:
        summary = ingest(
            args.export_path,
            args.db,
            args.config,
            args.encoding,
            args.quiet,
            args.allow_shrink,
            args.source,
            args.as_of_export,
            args.lake,
            chosen.threads,
        )
    except IngestError as exc:
        print(f"Ingest refused; the live database was not changed. {exc.total} problem(s):\n{exc.render()}", file=sys.stderr)
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
    except Exception as exc:  # every failure: a message and its exit code, never a traceback
        return _failed(exc)
    counts = ", ".join(f"{t} {n:,}" for t, n in summary.tables.items())
    print(f"Loaded {summary.db_path} ({summary.version_path.name}): {counts}")
    for code, obj, message, count, sample, _ in summary.warnings:
        print(
            f"warning [{code}] {obj}: {message}"
            + (f" - {count:,}" if count else "")
            + (f" e.g. {', '.join(sample[:3])}" if sample else "")
        )
    return 0


def _failed(exc: Exception) -> int:
    """The message and exit code of a failed ingest (a log file with the details for an unexpected one)."""
    if isinstance(exc, IngestError):
        message, code = f"Ingest refused; the live database was not changed. {exc.total} problem(s):\n{exc.render()}", 1
    elif isinstance(exc, ConfigError):
        message, code = f"Ingest refused; the live database was not changed.\n{exc}", 2
    elif isinstance(exc, IngestBusy):
        message, code = f"Ingest refused: {exc}", 3
    elif isinstance(exc, StorageError):
        message, code = f"Ingest failed; the live database was not changed. {exc}", 5
    elif isinstance(exc, LakeError):
        message, code = f"{exc}. Run the ingest again with --lake once the cause is fixed.", 6
    else:
        return _unexpected(exc)
    print(message, file=sys.stderr)
    return code


def _unexpected(exc: Exception) -> int:
    """Report an unexpected failure in one paragraph; the traceback goes to a log file for a bug report."""
    log = Path(tempfile.gettempdir()) / f"crm-ingest-error-{os.getpid()}.log"
    try:
        log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        where = f"Details for a bug report: {log}"
    except OSError:
        where = "(the details could not be written to a log file)"
    print(
        f"Ingest failed unexpectedly ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
        f"the live database was not changed. {where}",
        file=sys.stderr,
    )
    return 70
