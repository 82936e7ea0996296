"""Where an ingest spends its time: one real load with every statement on its connection timed.

    python -m bench.ingest_statements EXPORT DB [--top N] [--out FILE.json]

Runs `data.ingest.ingest` as `python -m data.ingest` does (progress lines on stderr), with the load's DuckDB
connection wrapped so that each `execute` is timed, then prints the slowest statements and writes them all
(seconds, SQL) as JSON. The wrapper adds nothing measurable (one clock read per statement). This is how the
large ingest's account in the README ("Large in detail") was taken: which statement, over which table, costs
what, rather than the five steps the progress lines name (`tests/test_bench_tools.py` pins it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import data.ingest.load as load  # noqa: E402
from data.config import ConfigError  # noqa: E402
from data.ingest.preflight import StorageError  # noqa: E402
from data.ingest.read import IngestError  # noqa: E402
from data.store import IngestBusy  # noqa: E402


class TimedConnection:
    """A DuckDB connection whose `execute` calls are timed into `log`; everything else passes through."""

    def __init__(self, con: Any, log: list[tuple[float, str]]):
        self._con, self._log = con, log

    def execute(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        """The connection's execute, timed."""
        started = time.monotonic()
        result = self._con.execute(sql, *args, **kwargs)
        self._log.append((round(time.monotonic() - started, 3), sql))
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def timed_ingest(export: Path, db: Path) -> list[tuple[float, str]]:
    """Load `export` into `db` with every statement timed; (seconds, SQL) in the order they ran."""
    log: list[tuple[float, str]] = []
    connect = load.connect
    load.connect = lambda *a, **k: TimedConnection(connect(*a, **k), log)  # type: ignore[assignment]
    try:
        load.ingest(export, db)
    except IngestError as exc:  # a refused export: say why, keep the statements timed until then
        print(f"Ingest refused ({exc.total} problem(s)); the statements up to the refusal follow.", file=sys.stderr)
    except (ConfigError, IngestBusy, StorageError) as exc:  # the load's other named errors: their message, no traceback
        print(f"Ingest stopped: {exc}; the statements up to it follow.", file=sys.stderr)
    finally:
        load.connect = connect
    return log


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export", type=Path)
    parser.add_argument("db", type=Path)
    parser.add_argument("--top", type=int, default=25, help="statements printed, slowest first")
    parser.add_argument("--out", type=Path, default=None, help="every statement as JSON (default DB.statements.json)")
    args = parser.parse_args(argv)
    log = timed_ingest(args.export, args.db)
    out = args.out or args.db.with_name(args.db.name + ".statements.json")
    out.write_text(json.dumps([{"seconds": s, "sql": q} for s, q in log], indent=1), encoding="utf-8")
    print(f"{len(log)} statements, {sum(s for s, _ in log):.1f} s in all; every one in {out}")
    for seconds, sql in sorted(log, key=lambda r: -r[0])[: args.top]:
        print(f"{seconds:8.2f}  {' '.join(sql.split())[:150]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
