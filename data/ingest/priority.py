"""How hard a load may use the machine: a reload beside a live dashboard runs at low CPU priority.

A load at medium scale keeps both cores of a small server busy for over a minute. Beside a dashboard that is
serving viewers it made every page wait (25 viewers on 2 cores: p95 15.8 s while two loads ran, bench/load.py).
At low priority the load lowers its own CPU priority to nice 19, so the scheduler gives it only what the
dashboard leaves idle: it takes longer when viewers are busy, and no longer when they are not. Where the
dashboard runs in another login session or service, Linux may share the cores between sessions first
(autogrouping) and nice then weighs only within the load's own session: `--threads` (DuckDB's threads for the
load) leaves cores free whatever the scheduler does, at the price of a slower load.

`--priority auto` (the default) is low when a live database already exists at --db (a reload, which a dashboard
may be serving) and normal for a first load, which nobody can be viewing yet. Applied by the command line only:
the ingest() function never renices the process that calls it.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass

PRIORITIES = ("auto", "normal", "low")
LOW_NICE = 19  # the lowest CPU priority: the load runs on what nothing else wants


@dataclass(frozen=True)
class Plan:
    """What the load does to its own priority: its niceness (None: leave it) and DuckDB's threads (None: all)."""

    nice: int | None
    threads: int | None

    def describe(self) -> str:
        """One progress line."""
        nice = "normal CPU priority" if self.nice is None else f"low CPU priority (nice {self.nice})"
        return f"{nice}, DuckDB threads: {self.threads or 'every core'}"


def plan(priority: str, live_exists: bool, threads: int | None = None) -> Plan:
    """The plan for `priority` ("auto": low when a live database exists, "normal", "low"); `threads` as given."""
    if priority not in PRIORITIES:
        raise ValueError(f"priority must be one of {', '.join(PRIORITIES)}, not {priority!r}")
    if threads is not None and threads < 1:
        raise ValueError(f"threads must be at least 1, not {threads}")
    low = priority == "low" or (priority == "auto" and live_exists)
    return Plan(LOW_NICE if low else None, threads)


def apply(p: Plan) -> int:
    """Lower this process's CPU priority to the plan's niceness (never raise it); returns the niceness now.

    Call it before DuckDB starts: on Linux a niceness is per thread and new threads inherit it, so DuckDB's
    workers do; threads already running are lowered too (as far as /proc lists them)."""
    current = os.nice(0)
    if p.nice is None or p.nice <= current:
        return current
    now = os.nice(p.nice - current)
    for tid in _other_threads():
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            os.setpriority(os.PRIO_PROCESS, tid, now)
    return now


def _other_threads() -> list[int]:
    """The ids of this process's other threads (none where /proc is missing)."""
    try:
        return [int(t) for t in os.listdir("/proc/self/task") if int(t) != threading.get_native_id()]
    except OSError:
        return []
