"""One cold timed run, in its own process: a new DuckDB instance (no buffer pool shared with anything else).

    python -m bench.cold < job.json      # prints {"seconds": ..., "connect_seconds": ...}
    python -m bench.cold --serve         # one job per line on stdin, one result per line on stdout

--serve imports everything once and then forks a new child process for every job (it never opens DuckDB
itself), so each timed run is still a new process with a new DuckDB instance, without paying for the
interpreter's start and the imports every time.

The job is JSON: {"db": path, "calls": [[query name, params], ...]} runs the named queries the way the
app does (read-only, locked-down connection; results fetched into DataFrames), or {"db": path, "sql": [...]}
runs plain statements (the floor), {"db": path, "raw": [[sql, params], ...]} runs query texts with bound
parameters (to compare a query's text before and after a change).
"evict": true first asks the kernel to drop the database file's pages
from the OS page cache (posix_fadvise DONTNEED on that one file: no root needed, nothing else is touched),
so the run also reads the file from disk. The clock starts before the connection opens and stops after the
last result is fetched and the connection is closed; the interpreter's start and imports are not timed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def encode(value: Any) -> Any:
    """Dates survive the trip through JSON."""
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(obj: dict[str, Any]) -> Any:
    return dt.date.fromisoformat(obj["__date__"]) if set(obj) == {"__date__"} else obj


def evict(path: str | Path) -> None:
    """Drop one file's pages from the OS page cache (clean pages only; the database is checkpointed)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def run(job: dict[str, Any]) -> dict[str, float]:
    from dashboard.db import connect
    from queries import run_query

    if job.get("evict"):
        evict(job["db"])
    start = time.perf_counter()
    con = connect(job["db"])
    connected = time.perf_counter()
    for name, params in job.get("calls", []):
        run_query(con, name, params)
    for sql in job.get("sql", []):
        con.execute(sql).fetchall()
    for sql, params in job.get("raw", []):  # a query's text with its parameters (before/after comparisons)
        con.execute(sql, params).df()
    con.close()
    return {"seconds": time.perf_counter() - start, "connect_seconds": connected - start}


def serve() -> int:
    """Fork a child per job line; the child runs it and prints its result line; the parent waits for it."""
    import dashboard.db  # noqa: F401  (imported once, before any fork; no DuckDB instance is opened here)
    import queries  # noqa: F401

    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line, object_hook=decode)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # the child: a new process, a new DuckDB instance
            try:
                out = json.dumps(run(job))
            except BaseException as exc:  # reported to the parent, which raises
                out = json.dumps({"error": f"{type(exc).__name__}: {exc}"})
            sys.stdout.write(out + "\n")
            sys.stdout.flush()
            os._exit(0)
        os.waitpid(pid, 0)
    return 0


def main() -> int:
    if "--serve" in sys.argv[1:]:
        return serve()
    job = json.loads(sys.stdin.read(), object_hook=decode)
    print(json.dumps(run(job)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
