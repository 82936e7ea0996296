"""Load: N viewers at once against a real `streamlit run dashboard/app.py`, while the database is swapped.

    python -m bench.load [--sessions 25] [--steps 8] [--scale small|medium] [--swaps 2] [--out FILE]

No browser per viewer: each session speaks Streamlit's own websocket protocol (the protobuf messages the
browser sends and receives) from one asyncio process, so the client costs almost nothing and the two
numbers per script run are the server's:

* wait: from sending the request to `script_finished`: the server's time for that script run including
  the time it queued behind other sessions (on 127.0.0.1 the network adds well under a millisecond).
  This is the number judged against --target-p95.
* run: from the arrival of the server's `new_session` message (sent when the script starts) to
  `script_finished`. A lower bound only: under load the server's event loop delivers `new_session` late.

Each session opens a link with a filter set drawn from a small pool (so identical filter sets recur across
sessions, as when a team shares links) and clicks through pages; every few steps it opens another link.
Meanwhile the sample is ingested again into the same --db path `--swaps` times (an atomic switch each
time). Errors are exceptions, the app's error messages, script runs that never finish, and lost
connections. Everything is on 127.0.0.1; every loop is bounded and the whole run has a deadline.
Writes JSON and prints a summary; exits 1 on any error or when the wait p95 exceeds --target-p95.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ["", "leads", "pipeline", "pipeline-changes", "quota", "sla", "regions", "deals", "brief", "definitions", "data-quality"]
ERROR_WORDS = ("cannot read its database", "Something went wrong")


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass
class Result:
    """What the sessions saw: one row per script run, and the errors."""

    runs: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    loaded: set[str] = field(default_factory=set)  # the "loaded ..." captions seen: which loads were served


def prepare(scale: str, db: Path, as_of: str, reuse_db: bool = False, export: Path | None = None) -> Path:
    """The sample export at `scale` (built once, kept under build/load/, unless `export` names one) loaded into
    `db`; returns the export. With `reuse_db`, a database already at `db` of the current schema is used as it is
    (the swaps still load)."""
    import datetime as dt

    from data.ingest import ingest
    from data.sample import generate

    export = export or ROOT / "build" / "load" / f"export-{scale}-{as_of}"
    if not (export / "Opportunity.csv").exists():
        _say(f"generating the {scale} sample into {export}")
        generate(export, scale, dt.date.fromisoformat(as_of), seed=7, quiet=True)
    if reuse_db and _is_current(db):
        _say(f"using the database already at {db}")
        return export
    _say(f"loading it into {db}")
    ingest(export, db, quiet=True)
    return export


def _is_current(db: Path) -> bool:
    """Whether `db` holds a database of this version's schema."""
    check = subprocess.run([sys.executable, "-m", "data.ingest", "--check", str(db)], cwd=ROOT, capture_output=True)
    return db.exists() and check.returncode == 0


def filter_pool(db: Path) -> list[dict[str, str]]:
    """Links to open: the two newest quarters, each with all regions and with each region."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        quarters = [
            r[0].isoformat()
            for r in con.execute("SELECT quarter_start FROM filter_quarter ORDER BY quarter_start DESC LIMIT 2").fetchall()
        ]
        regions = [r[0] for r in con.execute("SELECT value FROM filter_choice WHERE kind = 'region'").fetchall()]
    finally:
        con.close()
    return [{"quarter": q, **({"region": r} if r else {})} for q in quarters for r in [None, *regions]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    """`streamlit run dashboard/app.py` on 127.0.0.1 only; returns once it answers its health check."""
    env = {**os.environ, "CRM_DB": str(db)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard" / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the dashboard did not start within 60 s")


def _back_msg(query: dict[str, str], page: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = urlencode(query)
    msg.rerun_script.page_name = page
    msg.rerun_script.page_script_hash = ""
    return msg.SerializeToString()


def _inspect(msg: Any, result: Result, where: str) -> None:
    """Note exceptions, the app's error messages and the load caption in one ForwardMsg."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        result.errors.append(f"{where}: exception {element.exception.message[:200]}")
    elif kind == "alert" and any(w in element.alert.body for w in ERROR_WORDS):
        result.errors.append(f"{where}: {element.alert.body[:120]}")
    elif kind == "markdown" and "· loaded " in element.markdown.body:
        result.loaded.add(element.markdown.body.split("· loaded ", 1)[1][:20])


async def run_step(ws: Any, query: dict[str, str], page: str, result: Result, timeout: float) -> None:
    """One script run: ask for `page` with the link's `query`, read messages until the script finished."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    where = f"{page or 'overview'}?{urlencode(query)}"
    sent = time.perf_counter()
    started = None
    await ws.send(_back_msg(query, page))
    deadline = sent + timeout
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            result.errors.append(f"{where}: no script_finished within {timeout:.0f} s")
            return
        msg = ForwardMsg.FromString(await asyncio.wait_for(ws.recv(), remaining))
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            started = time.perf_counter()
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue  # a rerun follows; its own new_session restarts the clock
            done = time.perf_counter()
            result.runs.append({"page": page or "overview", "wait_s": done - sent, "run_s": done - (started or sent), "at": done})
            return
        else:
            _inspect(msg, result, where)


async def session(
    n: int,
    url: str,
    pool: list[dict[str, str]],
    as_of: str,
    steps: int,
    per_link: int,
    result: Result,
    timeout: float,
    progress: list[int],
    swapped: list[float],
    think: float,
) -> None:
    """One viewer: `steps` script runs, opening a new link (a new websocket session) every `per_link` steps;
    then on (at most 3 x steps in all) until one of its runs started after the last swap finished."""
    import websockets

    rng = random.Random(n)
    done, last_start = 0, 0.0

    def more() -> bool:
        return done < steps or (done < 3 * steps and not (swapped and last_start > swapped[0]))

    while more():
        query = {**rng.choice(pool), "as_of": as_of}
        try:
            async with websockets.connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout) as ws:
                for _ in range(per_link):
                    if not more():
                        break
                    if done and think:
                        await asyncio.sleep(think * rng.uniform(0.5, 1.5))  # a viewer reads the page
                    last_start = time.perf_counter()
                    await run_step(ws, query, rng.choice(PAGES), result, timeout)
                    done += 1
                    progress[0] += 1
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            result.errors.append(f"session {n}: {type(exc).__name__}: {exc}")
            done += 1
            progress[0] += 1


async def swapper(
    export: Path, db: Path, total: int, swaps: int, progress: list[int], log: list[dict], swapped: list[float]
) -> None:
    """Load the export again into `db` when 1/(swaps+2), 2/(swaps+2), ... of the steps are done (the last
    swap well before the end, so that sessions run on the new database too); note when the last one ended."""
    for i in range(1, swaps + 1):
        while progress[0] < total * i / (swaps + 2):
            await asyncio.sleep(0.2)
        at_step, start = progress[0], time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "data.ingest",
            str(export),
            "--db",
            str(db),
            "--quiet",
            cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await proc.communicate()
        log.append(
            {
                "swap": i,
                "started_at_step": at_step,
                "ended_at_step": progress[0],
                "seconds": round(time.perf_counter() - start, 2),
                "exit": proc.returncode,
                "stderr": err.decode()[-300:],
                "at": time.perf_counter(),
            }
        )
        _say(f"swap {i}: ingest exit {proc.returncode} in {log[-1]['seconds']} s")
    swapped.append(time.perf_counter())


async def drive(url: str, pool: list[dict[str, str]], args: argparse.Namespace, export: Path, db: Path) -> tuple:
    """All sessions and the swapper, under one deadline."""
    result, progress, swaps, swapped = Result(), [0], [], []
    total = args.sessions * args.steps
    tasks = [
        session(n, url, pool, args.as_of, args.steps, args.per_link, result, args.step_timeout, progress, swapped, args.think)
        for n in range(args.sessions)
    ]
    started = time.perf_counter()
    try:
        await asyncio.wait_for(
            asyncio.gather(swapper(export, db, total, args.swaps, progress, swaps, swapped), *tasks), args.deadline
        )
    except TimeoutError:
        result.errors.append(f"the run did not finish within its {args.deadline:.0f} s deadline")
    return result, swaps, time.perf_counter() - started


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else (values or [0])[0]


def summarise(result: Result, swaps: list[dict], seconds: float, args: argparse.Namespace) -> dict[str, Any]:
    """p50/p95/max of run and wait times, overall and per page; errors; the swaps."""

    def stats(rows: list[dict], key: str) -> dict[str, float]:
        values = [r[key] for r in rows]
        return {"p50": round(_pct(values, 50), 3), "p95": round(_pct(values, 95), 3), "max": round(max(values, default=0), 3)}

    pages = sorted({r["page"] for r in result.runs})
    # runs that finished while a swap's ingest was running (it competes for the same cores) and the others
    during = [r for r in result.runs if any(s["at"] - s["seconds"] <= r["at"] <= s["at"] for s in swaps)]
    outside = [r for r in result.runs if r not in during]
    return {
        "sessions": args.sessions,
        "steps_per_session": args.steps,
        "scale": args.scale,
        "think_s": args.think,
        "script_runs": len(result.runs),
        "seconds": round(seconds, 1),
        "run_s": stats(result.runs, "run_s"),
        "wait_s": stats(result.runs, "wait_s"),
        "by_page": {p: stats([r for r in result.runs if r["page"] == p], "run_s") for p in pages},
        "wait_s_during_swaps": {"runs": len(during), **stats(during, "wait_s")},
        "wait_s_outside_swaps": {"runs": len(outside), **stats(outside, "wait_s")},
        "errors": len(result.errors),
        "error_samples": result.errors[:10],
        "swaps": [{k: v for k, v in s.items() if k != "at"} for s in swaps],
        "runs_after_last_swap": sum(1 for r in result.runs if swaps and r["at"] > swaps[-1]["at"]),
        "loads_seen": sorted(result.loaded),
        "cores": os.cpu_count(),
        "load_average_end": [round(x, 1) for x in os.getloadavg()],  # the machine may be shared: say how busy it was
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--steps", type=int, default=8, help="script runs per session (default 8)")
    parser.add_argument("--per-link", type=int, default=4, help="steps before a session opens another link")
    parser.add_argument("--scale", default="small", choices=["small", "medium", "large"])
    parser.add_argument("--as-of", default="2026-11-22")
    parser.add_argument("--swaps", type=int, default=2)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds a viewer reads a page before the next click, +-50%% (default 0: back to back)",
    )
    parser.add_argument("--db", default=None, help="database path (default build/load/<scale>/crm.duckdb)")
    parser.add_argument("--export", default=None, help="the export the swaps load (default: the sample, generated once)")
    parser.add_argument("--reuse-db", action="store_true", help="use a current database already at --db (no first load)")
    parser.add_argument("--step-timeout", type=float, default=120.0)
    parser.add_argument("--deadline", type=float, default=1200.0, help="the whole run stops after this many seconds")
    parser.add_argument("--target-p95", type=float, default=3.0, help="seconds; exit 1 when the run p95 is above")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    db = Path(args.db) if args.db else ROOT / "build" / "load" / args.scale / "crm.duckdb"
    export = prepare(args.scale, db, args.as_of, args.reuse_db, Path(args.export) if args.export else None)
    pool = filter_pool(db)
    port = _free_port()
    load_start = [round(x, 1) for x in os.getloadavg()]
    server = start_server(db, port)
    _say(f"server pid {server.pid}")
    try:
        _say(f"{args.sessions} sessions x {args.steps} steps against 127.0.0.1:{port}, {args.swaps} swaps")
        result, swaps, seconds = asyncio.run(drive(f"ws://127.0.0.1:{port}/_stcore/stream", pool, args, export, db))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    summary = {**summarise(result, swaps, seconds, args), "load_average_start": load_start}
    print(json.dumps(summary, indent=2))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(summary, indent=2))
    failed = summary["errors"] or any(s["exit"] for s in swaps) or summary["wait_s"]["p95"] > args.target_p95
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
