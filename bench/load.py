"""Load: N viewers at once against a real `streamlit run dashboard/app.py`, while the database is swapped.

    python -m bench.load [--sessions 25] [--steps 40] [--think 5] [--scale small|medium] [--swaps 2]
                         [--swap-mode ingest|prepared] [--out FILE]

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
Meanwhile the export is loaded again into the same --db path `--swaps` times, as an operator does it
(`python -m data.ingest`, whose default priority on a reload is low: nice 19, data/ingest/priority.py), each
ending in the atomic switch; with `--swap-mode prepared` the loads run before the sessions start and only the
switches happen during the run. Errors are exceptions, the app's error messages, script runs that never
finish, and lost connections. Everything is on 127.0.0.1; every loop is bounded and the whole run has a
deadline. `make bench` runs the same measurement at medium (run_load) on a copy of its database.
Writes JSON and prints a summary; exits 1 unless the target is met: wait p95 <= --target-p95, no error, every
swap done and served (judge).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field, fields
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


async def swapper(plan: SwapPlan, total: int, progress: list[int], log: list[dict], swapped: list[float]) -> None:
    """Swap the database when 1/(swaps+2), 2/(swaps+2), ... of the steps are done (the last swap well before the
    end, so that sessions run on the new database too); note when the last one ended. Each swap is a real load
    (`python -m data.ingest` into the live path, its default priority: low on a reload) or, with prepared
    versions, only the atomic switch to the next one."""
    for i in range(1, plan.swaps + 1):
        while progress[0] < total * i / (plan.swaps + 2):
            await asyncio.sleep(0.2)
        at_step, start = progress[0], time.perf_counter()
        if plan.prepared:
            code, err = await asyncio.to_thread(switch_to, plan.db, plan.prepared[i - 1], plan.warm_seconds)
        else:
            code, err = await _ingest(plan)
        log.append(
            {
                "swap": i,
                "kind": "switch to a prepared version" if plan.prepared else f"ingest --priority {plan.priority}",
                "caption": load_caption(plan.db) if code == 0 else None,
                "started_at_step": at_step,
                "ended_at_step": progress[0],
                "seconds": round(time.perf_counter() - start, 2),
                "exit": code,
                "stderr": err[-300:],
                "at": time.perf_counter(),
            }
        )
        _say(f"swap {i}: {log[-1]['kind']}: exit {code} in {log[-1]['seconds']} s")
    swapped.append(time.perf_counter())


async def _ingest(plan: SwapPlan) -> tuple[int, str]:
    """One real load of the export into the live path, as an operator runs it; (exit code, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "data.ingest",
        str(plan.export),
        "--db",
        str(plan.db),
        "--quiet",
        "--priority",
        plan.priority,
        *(["--config", str(plan.config)] if plan.config else []),
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    return proc.returncode or 0, err.decode()


def load_caption(db: Path) -> str | None:
    """How the page caption names the load live at `db` ("2026-11-27 19:34 UTC", after "· loaded "); None when
    it cannot be read. Two loads in the same minute read alike."""
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute("SELECT strftime(finished_at, '%Y-%m-%d %H:%M') FROM ingest_run").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return f"{row[0]} UTC" if row and row[0] else None


def switch_to(db: Path, version: Path, warm_seconds: float = 0.0) -> tuple[int, str]:
    """Make a prepared version file live at `db` the way a load ends (under the ingest lock: rename, hold it up to
    `warm_seconds` for the dashboard to prepare it, then one atomic swap of the link); (0, "") or (1, the error)."""
    from data.store import IngestLock, Store

    store = Store(db)
    try:
        with IngestLock(store, f"bench.load: {version.name}"):
            store.publish(version, keep=3, hold_s=warm_seconds)
    except Exception as exc:  # reported as a failed swap, like a load's non-zero exit
        return 1, f"{type(exc).__name__}: {exc}"
    return 0, ""


def prepare_versions(export: Path, db: Path, n: int) -> list[Path]:
    """`n` new versions of `db`'s data, loaded before the run (each a real load of `export` into a scratch store
    beside `db`, on the same file system): the prepared swaps only switch to them."""
    from data.ingest import ingest
    from data.store import Store

    scratch = db.parent / "prepared" / db.name
    shutil.rmtree(scratch.parent, ignore_errors=True)
    copy_live(db, scratch)
    out = []
    for i in range(n):
        _say(f"preparing version {i + 1}/{n} ...")
        ingest(export, scratch, quiet=True)
        out.append(Store(scratch).live_version() or scratch)
    return out


def copy_live(src: Path, dst: Path) -> Path:
    """A copy of the live version of the database at `src` as the only version of a new store at `dst` (its
    versions folder and link, as a load leaves them); returns the copied version file."""
    from data.store import Store

    version = Store(src).live_version()
    if version is None:
        raise FileNotFoundError(f"no database at {src}")
    target = Store(dst)
    target.versions_dir.mkdir(parents=True, exist_ok=True)
    copied = target.versions_dir / version.name
    shutil.copyfile(version, copied)
    dst.unlink(missing_ok=True)
    os.symlink(os.path.relpath(copied, dst.parent), dst)
    return copied


async def drive(url: str, pool: list[dict[str, str]], cfg: LoadConfig, plan: SwapPlan) -> tuple:
    """All sessions and the swapper, under one deadline."""
    result, progress = Result(), [0]
    swaps: list[dict] = []
    swapped: list[float] = []
    total = cfg.sessions * cfg.steps
    tasks = [
        session(n, url, pool, cfg.as_of, cfg.steps, cfg.per_link, result, cfg.step_timeout, progress, swapped, cfg.think)
        for n in range(cfg.sessions)
    ]
    started = time.perf_counter()
    try:
        await asyncio.wait_for(asyncio.gather(swapper(plan, total, progress, swaps, swapped), *tasks), cfg.deadline)
    except TimeoutError:
        result.errors.append(f"the run did not finish within its {cfg.deadline:.0f} s deadline")
    return result, swaps, time.perf_counter() - started


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else (values or [0])[0]


def summarise(result: Result, swaps: list[dict], seconds: float, cfg: LoadConfig) -> dict[str, Any]:
    """p50/p95/max of run and wait times, overall and per page; errors; the swaps."""

    def stats(rows: list[dict], key: str) -> dict[str, float]:
        values = [r[key] for r in rows]
        return {"p50": round(_pct(values, 50), 3), "p95": round(_pct(values, 95), 3), "max": round(max(values, default=0), 3)}

    pages = sorted({r["page"] for r in result.runs})
    # runs that finished while a swap was running (a load competes for the same cores) and the others
    during = [r for r in result.runs if any(s["at"] - s["seconds"] <= r["at"] <= s["at"] for s in swaps)]
    outside = [r for r in result.runs if r not in during]
    return {
        "sessions": cfg.sessions,
        "steps_per_session": cfg.steps,
        "scale": cfg.scale,
        "think_s": cfg.think,
        "swap_mode": cfg.swap_mode,
        "ingest_priority": cfg.priority if cfg.swap_mode == "ingest" else None,
        "warm_seconds": cfg.warm_seconds,
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


def judge(summary: dict[str, Any], target_p95: float, swaps: int) -> dict[str, Any]:
    """The target: wait p95 <= target_p95 s, no error, every swap done (exit 0) and served (each load's caption seen
    by some session: the first database's and each swap's)."""
    p95 = summary["wait_s"]["p95"]
    swaps_ok = len(summary["swaps"]) == swaps and all(s["exit"] == 0 for s in summary["swaps"])
    expected = [summary.get("first_load"), *(s.get("caption") for s in summary["swaps"])]
    served = None not in expected and set(expected) <= set(summary["loads_seen"])
    return {
        "p95_s": p95,
        "target_p95_s": target_p95,
        "errors": summary["errors"],
        "swaps_done": swaps_ok,
        "every_load_served": served,
        "met": p95 <= target_p95 and summary["errors"] == 0 and swaps_ok and served,
        "over_by_s": round(max(0.0, p95 - target_p95), 3),
    }


def render(summary: dict[str, Any]) -> list[str]:
    """The load section of the benchmark's table (Markdown lines)."""
    w, v = summary["wait_s"], summary.get("verdict", {})
    during, outside = summary["wait_s_during_swaps"], summary["wait_s_outside_swaps"]
    swaps = ", ".join(f"{s['seconds']} s (exit {s['exit']})" for s in summary["swaps"]) or "none"
    return [
        "",
        f"{summary['sessions']} viewers at once ({summary['scale']}, {summary['think_s']} s reading between clicks, "
        f"swaps: {summary['swap_mode']}{' --priority ' + summary['ingest_priority'] if summary['ingest_priority'] else ''}"
        f", warm_seconds {summary.get('warm_seconds', 0):g}"
        f"; load average {summary.get('load_average_start')} at the start, {summary['load_average_end']} at the end):",
        "",
        "| measure | value |",
        "|---|---|",
        f"| script runs | {summary['script_runs']} in {summary['seconds']} s |",
        f"| wait p50 / p95 / max | {w['p50']} / {w['p95']} / {w['max']} s |",
        f"| wait p95 during / outside swaps | {during['p95']} s ({during['runs']} runs) / {outside['p95']} s |",
        f"| run p50 / p95 | {summary['run_s']['p50']} / {summary['run_s']['p95']} s |",
        f"| swaps | {swaps}; loads seen {len(summary['loads_seen'])}, {summary['runs_after_last_swap']} runs after the last |",
        f"| errors | {summary['errors']} |",
        f"| server peak memory | {summary.get('server_peak_mb')} MB |",
        f"| target p95 <= {v.get('target_p95_s')} s, 0 errors | {v.get('met')} |",
    ]


@dataclass(frozen=True)
class LoadConfig:
    """One load run's settings (the command line's, or the benchmark's)."""

    sessions: int = 25
    steps: int = 40
    per_link: int = 4
    scale: str = "medium"
    as_of: str = "2026-11-22"
    swaps: int = 2
    swap_mode: str = "ingest"  # "ingest": real loads during the run; "prepared": loads first, only the switches during
    priority: str = "auto"  # the swaps' `data.ingest --priority`
    warm_seconds: float = 0.0  # the loads' ingest.warm_seconds (the project's default 0; > 0: prepared before the switch)
    think: float = 5.0
    step_timeout: float = 120.0
    deadline: float = 1200.0
    target_p95: float = 3.0


@dataclass(frozen=True)
class SwapPlan:
    """What the swapper does: load `export` into `db` (at `priority`), or switch to the `prepared` versions."""

    db: Path
    export: Path
    swaps: int
    priority: str = "auto"
    prepared: list[Path] = field(default_factory=list)
    warm_seconds: float = 0.0
    config: Path | None = None  # the definitions the loads read (warm_seconds set), None: the project's


def warm_config(db: Path, warm_seconds: float) -> Path | None:
    """The project's definitions with `ingest.warm_seconds` set, beside `db` (None when it is 0: the project's own)."""
    if not warm_seconds:
        return None
    text = (ROOT / "definitions.toml").read_text(encoding="utf-8")
    if "\nwarm_seconds = 0\n" not in text:
        raise ValueError("definitions.toml has no 'warm_seconds = 0' line to set")
    out = db.parent / "definitions-warm.toml"
    out.write_text(text.replace("\nwarm_seconds = 0\n", f"\nwarm_seconds = {warm_seconds:g}\n"), encoding="utf-8")
    return out


def server_peak_mb(pid: int) -> float | None:
    """The peak resident memory of a process in MB (Linux /proc), None where unknown."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            return round(next(int(line.split()[1]) for line in fh if line.startswith("VmHWM")) / 1024, 1)
    except (OSError, StopIteration, ValueError):
        return None


def run_load(db: Path, export: Path, cfg: LoadConfig) -> dict[str, Any]:
    """The whole measurement against a current database at `db` (swapped `cfg.swaps` times with `export`): a
    server, the sessions, the summary with its verdict."""
    prepared = prepare_versions(export, db, cfg.swaps) if cfg.swap_mode == "prepared" else []
    pool, first = filter_pool(db), load_caption(db)
    port = _free_port()
    load_start = [round(x, 1) for x in os.getloadavg()]
    server = start_server(db, port)
    _say(f"server pid {server.pid}")
    plan = SwapPlan(db, export, cfg.swaps, cfg.priority, prepared, cfg.warm_seconds, warm_config(db, cfg.warm_seconds))
    try:
        _say(f"{cfg.sessions} sessions x {cfg.steps} steps against 127.0.0.1:{port}, {cfg.swaps} swaps ({cfg.swap_mode})")
        result, swaps, seconds = asyncio.run(drive(f"ws://127.0.0.1:{port}/_stcore/stream", pool, cfg, plan))
        peak_mb = server_peak_mb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    summary = {**summarise(result, swaps, seconds, cfg), "load_average_start": load_start, "first_load": first}
    summary["server_peak_mb"] = peak_mb  # resident memory at its highest (garbage is collected as Python allocates)
    summary["verdict"] = judge(summary, cfg.target_p95, cfg.swaps)
    return summary


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--steps", type=int, default=40, help="script runs per session (default 40)")
    parser.add_argument("--per-link", type=int, default=4, help="steps before a session opens another link")
    parser.add_argument("--scale", default="small", choices=["small", "medium", "large"])
    parser.add_argument("--as-of", default="2026-11-22")
    parser.add_argument("--swaps", type=int, default=2)
    parser.add_argument(
        "--swap-mode",
        choices=["ingest", "prepared"],
        default="ingest",
        help="ingest: each swap is a real load during the run (default); prepared: the loads run first, only the "
        "atomic switches happen during the run",
    )
    parser.add_argument("--priority", choices=["auto", "normal", "low"], default="auto", help="the swaps' ingest --priority")
    parser.add_argument(
        "--warm-seconds",
        type=float,
        default=0.0,
        help="the loads' ingest.warm_seconds: how long a load may wait for the dashboard to prepare it (default 0, the "
        "project's: switch at once)",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=5.0,
        help="seconds a viewer reads a page before the next click, +-50%% (default 5; 0: back to back)",
    )
    parser.add_argument("--db", default=None, help="database path (default build/load/<scale>/crm.duckdb)")
    parser.add_argument("--reuse-db", action="store_true", help="use a current database already at --db (no first load)")
    parser.add_argument("--export", default=None, help="the export the swaps load (default: the sample, generated once)")
    parser.add_argument("--step-timeout", type=float, default=120.0)
    parser.add_argument("--deadline", type=float, default=1200.0, help="the whole run stops after this many seconds")
    parser.add_argument("--target-p95", type=float, default=3.0, help="seconds; exit 1 when the wait p95 is above")
    parser.add_argument("--out", default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    db = Path(args.db) if args.db else ROOT / "build" / "load" / args.scale / "crm.duckdb"
    export = prepare(args.scale, db, args.as_of, args.reuse_db, Path(args.export) if args.export else None)
    # every LoadConfig field has a command-line option of the same name
    cfg = LoadConfig(**{f.name: getattr(args, f.name) for f in fields(LoadConfig)})
    summary = run_load(db, export, cfg)
    print(json.dumps(summary, indent=2))
    print("\n".join(render(summary)), file=sys.stderr)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if summary["verdict"]["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
