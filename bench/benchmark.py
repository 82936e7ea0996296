"""Benchmark: is the dashboard fast at a large company's size? Measured, with the alternatives beside it.

    python -m bench.benchmark [--scale small|medium|medium3x|large] [--runs N] [--out FILE]
    python -m bench.benchmark --render bench/results-medium.json             # one results file as a table
    python -m bench.benchmark --render-scales a.json b.json ...               # several scales in one table

1. Generates the sample company (in a child process: seconds and peak resident memory) and ingests it
   (a child process too: `python -m data.ingest`, seconds and peak memory, database size); times the
   ingest against DuckDB's bare read_csv of the same files (also a child process).
2. Runs every dashboard page once through Streamlit's AppTest to record the queries it runs, then times
   those queries cold: every timed run is a new process with a new DuckDB instance (bench/cold.py, forked
   from a server that imported everything once and never opens DuckDB itself), so
   nothing is shared with the app's buffer pool or with the previous run. The OS page cache is warm
   (the file was just written or read; caches are not dropped on a shared machine), except in the
   "evicted" runs, which first drop the database file's own pages (posix_fadvise) so it is read from
   disk. Pages take turns run by run, so a busy moment hits them alike. Median, and p95 only with at
   least 20 runs (else the max); with the default filters, with a region filter, and evicted.
   A cached rerun of each page (AppTest, median of 5) is the warm case.
3. The floor for each page: a cold full scan (same kind of process) of the very columns of the very
   tables that page's queries read (from DuckDB's plan), and the page's ratio to it.
4. Linear attribution and SLA by region and week, four ways (bench/alternatives.py): ours (the app's
   query on the derived tables), DuckDB on the staging tables without the derived tables, pandas and
   polars. The numbers are checked equal first; then each is the median of --compare-runs warm runs (the
   DataFrames already loaded; DuckDB on one open connection after a first run); loading the DataFrames
   is reported apart.
5. Peak memory of the app process serving every page (a real Streamlit server and headless Chromium,
   when Debian's chromium is installed).
6. At medium (or with --load): 25 viewers at once (bench/load.py) against a copy of the database just loaded,
   while the export is loaded into it twice (real loads, at their default priority); the wait p95 per script run
   is judged (<= 3 s, with 0 errors). --no-load skips it.
Writes JSON and prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import alternatives as alt  # noqa: E402
from bench.cold import encode  # noqa: E402
from dashboard.db import connect as connect_ro  # noqa: E402  (the app's locked-down, UTC connection)
from data.sample import SCALES  # noqa: E402
from queries import run_query  # noqa: E402

PAGES = [
    "overview",
    "leads",
    "pipeline",
    "pipeline_changes",
    "quota",
    "sla",
    "regions",
    "deals",
    "brief",
    "definitions",
    "data_quality",
]
# medium: the original targets. large: the targets on this machine (cold median per page, ingest ratio,
# peak memory of generator and ingest).
TARGETS = {
    "load_p95_s": 3.0,
    "page_queries_median_ms": 300,
    "cached_rerun_ms": 100,
    "ingest_ratio": 3.0,
    "app_memory_mb": 1024,
    "pandas_attribution_ratio": 10.0,
}
TARGETS_LARGE = {"page_queries_median_ms": 1500, "ingest_ratio": 3.0, "ingest_peak_mb": 12 * 1024, "generator_peak_mb": 12 * 1024}
P95_MIN_RUNS = 20


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    mem = 0
    try:
        with open("/proc/meminfo") as fh:
            mem = int(fh.readline().split()[1]) // 1024
    except OSError:
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_mb": mem,
        "cpu": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
    }


def run_child(cmd: list[str], stdin: str = "") -> tuple[float, float, str]:
    """Run a child process to the end; (seconds, its own peak resident memory in MB, its stdout)."""
    seconds, peak, out, _ = run_child_full(cmd, stdin)
    return seconds, peak, out


def run_child_full(cmd: list[str], stdin: str = "") -> tuple[float, float, str, str]:
    """Run a child process to the end; (seconds, its own peak resident memory in MB, its stdout, its stderr).

    The child is reaped with os.wait4, which gives that one child's rusage (RUSAGE_CHILDREN would give the
    maximum over every child so far)."""
    with tempfile.TemporaryFile("w+") as fin, tempfile.TemporaryFile("w+") as fout, tempfile.TemporaryFile("w+") as ferr:
        fin.write(stdin)
        fin.seek(0)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdin=fin, stdout=fout, stderr=ferr)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        fout.seek(0)
        ferr.seek(0)
        out, err = fout.read(), ferr.read()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd[:5])} failed ({proc.returncode}): {err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, out, err


def bare_read_csv(export: Path) -> float:
    """Seconds DuckDB takes to load every file of the export with read_csv and nothing else (run in a child)."""
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bare.duckdb"))
        start = time.perf_counter()
        for i, f in enumerate(sorted(export.glob("*.csv"))):
            con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv(?, all_varchar=true)", [str(f)])
        con.execute("CHECKPOINT")
        seconds = time.perf_counter() - start
        con.close()
    return seconds


def generate_export(scale: str, export: Path, as_of: dt.date, reuse: bool) -> dict[str, Any]:
    """Generate the sample company in a child process; with reuse, keep an export this benchmark made before."""
    meta = export / ".bench-generated.json"
    if reuse and meta.exists():
        _say(f"reusing {export} (generated {json.loads(meta.read_text()).get('measured_at')})")
        return {**json.loads(meta.read_text()), "reused": True}
    if export.exists():
        shutil.rmtree(export)
    _say(f"generating the {scale} sample company ...")
    seconds, peak, out = run_child(
        [sys.executable, "-m", "data.sample", str(export), "--scale", scale, "--as-of", as_of.isoformat(), "--quiet"]
    )
    rows = {k: int(v.replace(",", "")) for k, v in (part.rsplit(" ", 1) for part in out.strip().split(", "))}
    info = {
        "seconds": round(seconds, 1),
        "peak_mb": round(peak),
        "rows": rows,
        "csv_mb": round(sum(f.stat().st_size for f in export.glob("*.csv")) / 2**20, 1),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    meta.write_text(json.dumps(info, indent=2))
    return info


def run_ingest(export: Path, db: Path) -> dict[str, Any]:
    """Ingest in a child process (`python -m data.ingest`), after a bare read_csv of the same files."""
    _say("bare read_csv ...")
    bare, bare_peak, out = run_child([sys.executable, "-m", "bench.benchmark", "--bare-read-csv", str(export)])
    bare = float(out.strip().splitlines()[-1])
    _say("ingest ...")
    if db.parent.exists():
        shutil.rmtree(db.parent)
    seconds, peak, _ = run_child([sys.executable, "-m", "data.ingest", str(export), "--db", str(db), "--quiet"])
    return {
        "seconds": round(seconds, 1),
        "peak_mb": round(peak),
        "bare_read_csv_seconds": round(bare, 1),
        "bare_read_csv_peak_mb": round(bare_peak),
        "ratio": round(seconds / bare, 2),
        "db_mb": round(db.resolve().stat().st_size / 2**20, 1),
    }


class ColdServer:
    """bench/cold.py --serve: a child that forks a new process (a new DuckDB instance) for every timed run."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[str] | None = None

    def run(self, job: dict[str, Any]) -> float:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bench.cold", "--serve"],
                cwd=ROOT,
                text=True,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(job, default=encode) + "\n")
        self.proc.stdin.flush()
        out = json.loads(self.proc.stdout.readline())
        if "error" in out:
            raise RuntimeError(f"cold run failed: {out['error']}")
        return float(out["seconds"])

    def close(self) -> None:
        if self.proc is not None:
            self.proc.communicate(timeout=60)  # closes its stdin: it ends


COLD = ColdServer()


def cold_run(db: Path, calls: list[tuple[str, dict]] | None = None, sql: list[str] | None = None, evict: bool = False) -> float:
    """Seconds of one cold run in a new process (bench/cold.py): connect, run every call, close."""
    return COLD.run({"db": str(db), "calls": calls or [], "sql": sql or [], "evict": evict})


def scanned_columns(con: duckdb.DuckDBPyConnection, calls: list[tuple[str, dict]]) -> dict[str, set[str]]:
    """The columns of each table the calls' plans scan (DuckDB's EXPLAIN)."""
    from queries import load_query

    seen: dict[str, set[str]] = {}

    def walk(node: dict[str, Any]) -> None:
        info = node.get("extra_info") or {}
        if "SCAN" in str(node.get("name", "")) and isinstance(info, dict) and "Table" in info:
            table = str(info["Table"]).split(".")[-1]
            cols = info.get("Projections") or []
            seen.setdefault(table, set()).update([cols] if isinstance(cols, str) else cols)
        for child in node.get("children", []):
            walk(child)

    for name, params in calls:
        q = load_query(name)
        bound = {k: v for k, v in params.items() if k in q.params}
        for row in con.execute("EXPLAIN (FORMAT json) " + q.sql, bound).fetchall():
            for node in json.loads(row[1]):
                walk(node)
    return seen


def floor_sql(con: duckdb.DuckDBPyConnection, scans: dict[str, set[str]]) -> list[str]:
    """One full scan per table of the columns read (min of each column forces every value to be read)."""
    out = []
    for table, cols in sorted(scans.items()):
        names = set(con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]).df()["column_name"])
        cols = {c for c in cols if c in names}
        exprs = ", ".join(f'min("{c}")' for c in sorted(cols)) or "0"
        out.append(f"SELECT count(*), {exprs} FROM {table}")
    return out


def _stats(times: list[float]) -> dict[str, Any]:
    """Median; p95 only with at least P95_MIN_RUNS runs, else the max."""
    ms = sorted(t * 1000 for t in times)
    out: dict[str, Any] = {"median_ms": round(statistics.median(ms), 1), "runs": len(ms)}
    if len(ms) >= P95_MIN_RUNS:
        out["p95_ms"] = round(ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))], 1)
    else:
        out["max_ms"] = round(ms[-1], 1)
    return out


def _tail(s: dict[str, Any]) -> str:
    return f"p95 {s['p95_ms']}" if "p95_ms" in s else f"max {s['max_ms']}"


def time_pages(
    db: Path,
    page_calls: dict[str, list],
    region_calls: dict[str, list],
    floors: dict[str, list[str]],
    runs: int,
    region_runs: int,
    evict_runs: int,
) -> dict[str, dict[str, list[float]]]:
    """Cold runs, pages taking turns run by run (a busy moment of the machine hits every page alike)."""
    t: dict[str, dict[str, list[float]]] = {p: {"cold": [], "region": [], "evicted": [], "floor": []} for p in page_calls}
    for i in range(runs):
        _say(f"cold run {i + 1}/{runs} ...")
        for page, calls in page_calls.items():
            t[page]["cold"].append(cold_run(db, calls))
            t[page]["floor"].append(cold_run(db, sql=floors[page]))
            if i < region_runs:
                t[page]["region"].append(cold_run(db, region_calls[page]))
            if i < evict_runs:
                t[page]["evicted"].append(cold_run(db, calls, evict=True))
    return t


def _median_runs(fn: Any, runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def compare(db: Path, q_start: dt.date, q_end: dt.date, as_of: dt.date, runs: int) -> dict[str, Any]:
    """The two comparisons (bench/alternatives.py): numbers checked equal, then medians of warm runs."""
    con = connect_ro(db)
    params = {
        "start_date": q_start,
        "end_date": q_end,
        "as_of": as_of,
        "currency": "USD",
        "region": None,
        "segment": None,
        "owner": None,
        "model": "linear",
    }
    lookback = alt.lookback_days(con)
    n_opps = int(
        con.execute("SELECT count(*) FROM stg_opportunities WHERE created_date BETWEEN ? AND ?", [q_start, q_end]).fetchall()[0][
            0
        ]
    )
    out: dict[str, Any] = {}

    # linear attribution
    def ours_attr() -> pd.Series:
        return run_query(con, "attribution_credit", params).groupby("channel")["credit"].sum().astype(float)

    loads: dict[str, Any] = {}
    frames: dict[str, Any] = {}
    for kind in ("pandas", "polars"):
        loads[kind], frames[kind] = _median_runs(lambda k=kind: alt.load(con, alt.ATTR_SQL, "USD", k), 1)
    ways = {
        "ours": ours_attr,
        "duckdb_no_derived": lambda: alt.attribution_duckdb(con, q_start, q_end, lookback, "USD"),
        "pandas": lambda: alt.attribution_pandas(frames["pandas"], q_start, q_end, lookback),
        "polars": lambda: alt.attribution_polars(frames["polars"], q_start, q_end, lookback),
    }
    reference = ours_attr()
    attr: dict[str, Any] = {}
    for way, fn in ways.items():
        same, diff = alt.same_attribution(reference, fn(), n_opps)
        ms, _ = _median_runs(fn, runs)
        attr[way] = {"median_ms": round(ms * 1000, 1), "same_numbers": same, "max_channel_difference": round(diff, 2)}
    for kind in ("pandas", "polars"):
        attr[kind]["load_ms"] = round(loads[kind] * 1000, 1)
    frames.clear()  # free the DataFrames before the next comparison
    out["attribution_linear"] = attr

    # SLA by region and week
    def ours_sla() -> pd.DataFrame:
        return run_query(con, "sla_by_week", params)

    for kind in ("pandas", "polars"):
        loads[kind], frames[kind] = _median_runs(lambda k=kind: alt.load(con, alt.SLA_SQL, "USD", k), 1)
    sways = {
        "ours": ours_sla,
        "duckdb_no_derived": lambda: alt.sla_duckdb(con, q_start, q_end, as_of),
        "pandas": lambda: alt.sla_pandas(frames["pandas"], q_start, q_end, as_of),
        "polars": lambda: alt.sla_polars(frames["polars"], q_start, q_end, as_of),
    }
    sref = ours_sla()
    sla: dict[str, Any] = {}
    for way, fn in sways.items():
        same = alt.same_sla(sref, fn())
        ms, _ = _median_runs(fn, runs)
        sla[way] = {"median_ms": round(ms * 1000, 1), "same_numbers": same}
    for kind in ("pandas", "polars"):
        sla[kind]["load_ms"] = round(loads[kind] * 1000, 1)
    out["sla_by_region_week"] = sla
    out["runs"] = runs
    con.close()
    return out


def record_page_queries(db: Path, page: str, url: dict[str, str]) -> tuple[list[tuple[str, dict]], float, float]:
    """Run a page in AppTest; return the (query, params) it ran, the first run's and the median cached rerun's seconds."""
    from streamlit.testing.v1 import AppTest

    import dashboard.db as dashboard_db

    calls: list[tuple[str, dict]] = []
    original = dashboard_db.query

    def recording(name: str, **params: Any) -> pd.DataFrame:
        calls.append((name, params))
        return original(name, **params)

    os.environ["CRM_DB"] = str(db)
    dashboard_db.query = recording
    try:
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
        for k, v in url.items():
            at.query_params[k] = v
        start = time.perf_counter()
        at.run()  # the app's default page is the overview
        if page != "overview":
            calls.clear()  # only what the page itself (and the app around it) runs
            start = time.perf_counter()
            at.switch_page(f"views/{page}.py").run()
        first = time.perf_counter() - start
        if at.exception:
            raise RuntimeError(f"page {page} failed: {at.exception[0].value}")
        if at.error:  # e.g. a database of another schema: the page ran no query, so there is nothing to time
            raise RuntimeError(f"page {page} showed an error: {at.error[0].value}")
        recorded = list(calls)
        reruns = []
        for _ in range(5):  # a rerun with the same filters: every query and figure comes from the caches
            start = time.perf_counter()
            at.run()
            reruns.append(time.perf_counter() - start)
        cached = statistics.median(reruns)
    finally:
        dashboard_db.query = original
    # every query call of the first render, in order, once
    unique: list[tuple[str, dict]] = []
    for name, params in recorded:
        if (name, params) not in unique:
            unique.append((name, params))
    return unique, first, cached


def app_memory(db: Path, url: dict[str, str]) -> float | None:
    """Peak resident memory (MB) of a real Streamlit server after a browser opened every page; None without chromium."""
    chromium = shutil.which("chromium")
    if not chromium:
        return None
    from playwright.sync_api import sync_playwright

    from bench.load import PAGES as paths
    from bench.load import _free_port, start_server  # the one way the benchmarks start the app

    port = _free_port()
    proc = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        query = "&".join(f"{k}={v}" for k, v in url.items())
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            page = browser.new_page()
            for path in paths:
                page.goto(f"{base}/{path}?{query}")
                page.locator("h1").first.wait_for(timeout=120_000)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(1000)
            browser.close()
        with open(f"/proc/{proc.pid}/status") as fh:
            peak_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM"))
        return peak_kb / 1024
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _parser() -> argparse.ArgumentParser:
    """The benchmark's command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.benchmark")
    parser.add_argument("--scale", default="medium", choices=list(SCALES))
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 22))
    parser.add_argument("--runs", type=int, default=P95_MIN_RUNS, help="cold runs per page (p95 needs 20)")
    parser.add_argument("--region-runs", type=int, default=7, help="cold runs per page with a region filter")
    parser.add_argument("--evict-runs", type=int, default=5, help="cold runs per page with the file evicted")
    parser.add_argument("--compare-runs", type=int, default=5)
    parser.add_argument(
        "--compare",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the pandas/polars/DuckDB comparison (default: below large, where pandas would hold 83M campaign members)",
    )
    parser.add_argument("--no-app-memory", action="store_true")
    parser.add_argument("--reuse-export", action="store_true", help="keep an export this benchmark generated before")
    parser.add_argument(
        "--reuse-db", action="store_true", help="keep a database this benchmark loaded before (its ingest numbers are read back)"
    )
    parser.add_argument(
        "--derive-region-calls",
        action="store_true",
        help="region-filter runs: the recorded calls with the region bound, instead of a second render",
    )
    parser.add_argument(
        "--snapshots",
        type=int,
        default=None,
        help="time travel section: a weekly series of N exports loaded as snapshots (default 13 at medium, else 0)",
    )
    parser.add_argument("--workdir", default=str(ROOT / "build" / "bench"))
    parser.add_argument("--out", default=None, help="JSON results (default build/bench/results-SCALE.json)")
    parser.add_argument("--region", default="EMEA")
    parser.add_argument("--render", default=None, metavar="FILE", help="print the table of a results file and stop")
    parser.add_argument(
        "--render-scales",
        nargs="+",
        default=None,
        metavar="FILE",
        help="print one table of several results files (one column per scale) and stop",
    )
    parser.add_argument(
        "--load", action=argparse.BooleanOptionalAction, default=None, help="the load section (default: at medium only)"
    )
    parser.add_argument("--load-sessions", type=int, default=25)
    parser.add_argument("--load-steps", type=int, default=40, help="script runs per viewer (default 40)")
    parser.add_argument("--bare-read-csv", default=None, help=argparse.SUPPRESS)
    return parser


def _one_shot(args: argparse.Namespace) -> bool:
    """Print a results table or one bare read_csv timing instead of a run; True when done."""
    if args.bare_read_csv:
        print(bare_read_csv(Path(args.bare_read_csv)))
        return True
    if args.render:
        print(render_table(json.loads(Path(args.render).read_text())))
        return True
    if args.render_scales:
        print(render_scales([json.loads(Path(f).read_text()) for f in args.render_scales]))
        return True
    return False


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; at medium and large (where targets are set) returns 1 when a target is missed."""
    args = _parser().parse_args(argv)
    if _one_shot(args):
        return 0
    work = Path(args.workdir)
    export, db = work / f"export-{args.scale}", work / f"db-{args.scale}" / "crm.duckdb"
    results: dict[str, Any] = {
        "scale": args.scale,
        "as_of": args.as_of.isoformat(),
        "machine": machine(),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average_start": [round(x, 1) for x in os.getloadavg()],
        "targets": TARGETS_LARGE if args.scale == "large" else TARGETS,
        "page_cache": "warm (not dropped: shared machine), except the evicted runs, which drop the database file's pages first",
    }
    results["sample"] = generate_export(args.scale, export, args.as_of, args.reuse_export)
    meta = db.parent / "bench-ingest.json"
    if args.reuse_db and meta.exists():
        results["ingest"] = {**json.loads(meta.read_text()), "reused": True}
    else:
        results["ingest"] = run_ingest(export, db)
        meta.write_text(json.dumps(results["ingest"], indent=2))

    con = connect_ro(db)
    as_of = con.execute("SELECT CAST(data_through_at AS DATE) FROM ingest_run").fetchall()[0][0]
    q_start = con.execute("SELECT fiscal_quarter_start(?, 1)", [as_of]).fetchall()[0][0]
    url = {"quarter": q_start.isoformat(), "as_of": as_of.isoformat()}
    page_calls, region_calls, floors, firsts, cached = {}, {}, {}, {}, {}
    for page in PAGES:
        _say(f"recording page {page} ...")
        page_calls[page], firsts[page], cached[page] = record_page_queries(db, page, url)
        if args.derive_region_calls:  # the same calls with the region bound (what ?region= does), no second render
            region_calls[page] = [(n, {**p, "region": args.region} if "region" in p else p) for n, p in page_calls[page]]
        else:
            region_calls[page], _, _ = record_page_queries(db, page, {**url, "region": args.region})
        floors[page] = floor_sql(con, scanned_columns(con, page_calls[page]))
    con.close()
    times = time_pages(db, page_calls, region_calls, floors, args.runs, args.region_runs, args.evict_runs)
    COLD.close()
    pages: dict[str, Any] = {}
    for page in PAGES:
        cold, floor = _stats(times[page]["cold"]), _stats(times[page]["floor"])
        pages[page] = {
            "queries": len(page_calls[page]),
            "cold": cold,
            "cold_region": _stats(times[page]["region"]),
            "cold_evicted": _stats(times[page]["evicted"]) if times[page]["evicted"] else None,
            "floor": floor,
            "floor_tables": [s.split(" FROM ")[-1] for s in floors[page]],
            "ratio_to_floor": round(cold["median_ms"] / floor["median_ms"], 1),
            "cached_rerun_ms": round(cached[page] * 1000, 1),
            "first_render_ms": round(firsts[page] * 1000, 1),
        }
    results["pages"] = pages

    optional_sections(results, args, db, export, work, (q_start, as_of, url))
    results["load_average_end"] = [round(x, 1) for x in os.getloadavg()]
    results["verdict"] = verdict(results)
    out = Path(args.out) if args.out else work / f"results-{args.scale}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(render_table(results))
    print(f"\nresults: {out}")
    if args.scale not in ("medium", "large"):  # the targets are set for medium and large
        return 0
    return 0 if all(v["met"] for v in results["verdict"].values()) else 1


def optional_sections(
    results: dict[str, Any], args: argparse.Namespace, db: Path, export: Path, work: Path, when: tuple[Any, Any, Any]
) -> None:
    """The sections after the pages: the four-way comparison, app memory, time travel and the load (each may be off)."""
    q_start, as_of, url = when
    if args.compare or (args.compare is None and args.scale != "large"):
        _say("comparison: ours, DuckDB without derived tables, pandas, polars ...")
        q_end = (pd.Timestamp(q_start) + pd.offsets.QuarterEnd(0)).date()
        results["compare"] = compare(db, q_start, q_end, as_of, args.compare_runs)
    if not args.no_app_memory:
        _say("app memory ...")
        mem = app_memory(db, url)
        results["app_peak_memory_mb"] = round(mem, 1) if mem else None
    snapshots = args.snapshots if args.snapshots is not None else (13 if args.scale == "medium" else 0)
    if snapshots > 1:
        from bench import snapshots as snap

        _say(f"time travel: {snapshots} weekly exports ...")
        results["snapshots"] = snap.run_section(export, work, args.as_of, snapshots, args.runs, 2, args.reuse_export)
    if args.load or (args.load is None and args.scale == "medium"):
        results["load"] = load_section(db, export, work, args)


def load_section(db: Path, export: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """25 viewers at once (bench/load.py) on a copy of the benchmark's database, swapped twice by real loads."""
    from bench import load

    _say("load: viewers at once while the database is loaded again twice ...")
    copy = work / f"load-{args.scale}" / "crm.duckdb"
    shutil.rmtree(copy.parent, ignore_errors=True)
    load.copy_live(db, copy)
    cfg = load.LoadConfig(sessions=args.load_sessions, steps=args.load_steps, scale=args.scale, as_of=args.as_of.isoformat())
    try:
        return load.run_load(copy, export, cfg)
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)  # three versions of the database: not kept


def verdict(r: dict[str, Any]) -> dict[str, Any]:
    """Each target: the value and whether it is met."""
    pages = r["pages"]
    worst = max(p["cold"]["median_ms"] for p in pages.values())
    t = r["targets"]
    v: dict[str, Any] = {
        "page_queries_median_ms": {"worst": worst, "met": worst < t["page_queries_median_ms"]},
        "ingest_ratio": {"value": r["ingest"]["ratio"], "met": r["ingest"]["ratio"] <= t["ingest_ratio"]},
    }
    if "load" in r:  # the load section (bench/load.py judge: wait p95, no error, both swaps done and served)
        v["load_p95_s"] = {"value": r["load"]["verdict"]["p95_s"], "met": r["load"]["verdict"]["met"]}
    if r["scale"] == "large":
        v["ingest_peak_mb"] = {"value": r["ingest"]["peak_mb"], "met": r["ingest"]["peak_mb"] < t["ingest_peak_mb"]}
        gen = r["sample"].get("peak_mb")
        v["generator_peak_mb"] = {"value": gen, "met": gen is not None and gen < t["generator_peak_mb"]}
        return v
    if "snapshots" in r:
        v.update(r["snapshots"]["verdict"])
    worst_cached = max(p["cached_rerun_ms"] for p in pages.values())
    v["cached_rerun_ms"] = {"worst": worst_cached, "met": worst_cached < t["cached_rerun_ms"]}
    if "app_peak_memory_mb" in r:  # not measured with --no-app-memory
        mem = r["app_peak_memory_mb"]
        v["app_memory_mb"] = {"value": mem, "met": mem is not None and mem < t["app_memory_mb"]}
    if "compare" in r:
        a = r["compare"]["attribution_linear"]
        ratio = round(a["pandas"]["median_ms"] / a["ours"]["median_ms"], 1)
        v["pandas_attribution_ratio"] = {
            "value": ratio,
            "met": ratio >= t["pandas_attribution_ratio"] and all(w["same_numbers"] for w in a.values()),
        }
    return v


def render_table(r: dict[str, Any]) -> str:
    """One results file as Markdown tables (the README shows the committed ones)."""
    s, i = r["sample"], r["ingest"]
    lines = [
        f"Scale {r['scale']}: {s['rows'].get('Lead', 0):,} leads, {s['rows'].get('CampaignMember', 0):,} "
        f"campaign members, {s['rows'].get('Opportunity', 0):,} opportunities ({s['csv_mb']} MB of CSV); "
        f"{r['machine']['cores']} cores, {r['machine']['memory_mb'] // 1024} GiB, DuckDB {r['machine']['duckdb']}; "
        f"load average {r.get('load_average_start')} at the start, {r.get('load_average_end')} at the end.",
        "",
        'Cold = a new process and a new DuckDB instance per run; OS page cache warm except "evicted".',
        "",
        "| page | queries | cold median ms | cold tail ms | region median ms | evicted median ms | floor ms "
        "| x floor | cached rerun ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, p in r["pages"].items():
        ev = p.get("cold_evicted") or {}
        lines.append(
            f"| {name} | {p['queries']} | {p['cold']['median_ms']} | {_tail(p['cold'])} ({p['cold']['runs']} "
            f"runs) | {p['cold_region']['median_ms']} | {ev.get('median_ms', '-')} | "
            f"{p['floor']['median_ms']} | {p['ratio_to_floor']} | {p['cached_rerun_ms']} |"
        )
    lines += [
        "",
        "| measure | value |",
        "|---|---|",
        f"| generate | {s.get('seconds')} s, peak {s.get('peak_mb')} MB |",
        f"| ingest end to end | {i['seconds']} s ({i['ratio']}x bare read_csv {i['bare_read_csv_seconds']} s), "
        f"peak {i['peak_mb']} MB (bare read_csv {i['bare_read_csv_peak_mb']} MB) |",
        f"| database | {i['db_mb']} MB |",
    ]
    if r.get("app_peak_memory_mb") is not None:
        lines.append(f"| app peak memory | {r['app_peak_memory_mb']} MB |")
    if "compare" in r:
        lines += [
            "",
            f"Same work four ways (median of {r['compare']['runs']} warm runs each, numbers checked equal "
            "first; DataFrame loading apart):",
            "",
            "| work | ours (derived tables) | DuckDB, no derived tables | pandas | polars | same numbers |",
            "|---|---|---|---|---|---|",
        ]
        for work, label in (("attribution_linear", "linear attribution"), ("sla_by_region_week", "SLA by region, week")):
            w = r["compare"][work]
            cells = [f"{w['ours']['median_ms']} ms", f"{w['duckdb_no_derived']['median_ms']} ms"]
            cells += [f"{w[k]['median_ms']} ms (+{w[k]['load_ms']} ms load)" for k in ("pandas", "polars")]
            same = all(x["same_numbers"] for x in w.values() if isinstance(x, dict))
            lines.append(f"| {label} | {' | '.join(cells)} | {same} |")
    if "snapshots" in r:
        from bench.snapshots import render as render_snapshots

        n = r["snapshots"]["series"]["snapshots"]
        lines += [
            "",
            f"Time travel: {n} weekly exports loaded oldest first as dated snapshots:",
            "",
            render_snapshots(r["snapshots"], targets=False),
        ]
    if "load" in r:
        from bench.load import render

        lines += render(r["load"])
    lines += ["", "| target | value | met |", "|---|---|---|"]
    for k, v in r.get("verdict", {}).items():
        target = v.get("target", r["targets"].get(k))
        lines.append(f"| {k} (target {target}) | {v.get('worst', v.get('value'))} | {v['met']} |")
    return "\n".join(lines)


def render_scales(results: list[dict[str, Any]]) -> str:
    """Several scales side by side: one column per scale."""
    head = "| | " + " | ".join(r["scale"] for r in results) + " |"
    lines = [head, "|---" * (len(results) + 1) + "|"]

    def row(label: str, fn: Any) -> None:
        cells = []
        for r in results:
            try:
                cells.append(str(fn(r)))
            except (KeyError, TypeError):
                cells.append("-")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("leads", lambda r: f"{r['sample']['rows']['Lead']:,}")
    row("campaign members", lambda r: f"{r['sample']['rows']['CampaignMember']:,}")
    row("opportunities", lambda r: f"{r['sample']['rows']['Opportunity']:,}")
    row("CSV", lambda r: f"{r['sample']['csv_mb'] / 1024:.2f} GiB")
    row("generate: time, peak memory", lambda r: f"{r['sample']['seconds']} s, {r['sample']['peak_mb'] / 1024:.1f} GiB")
    row("ingest: time (x bare read_csv)", lambda r: f"{r['ingest']['seconds']} s ({r['ingest']['ratio']}x)")
    row("ingest: peak memory", lambda r: f"{r['ingest']['peak_mb'] / 1024:.1f} GiB")
    row("database size", lambda r: f"{r['ingest']['db_mb'] / 1024:.2f} GiB")
    for page in PAGES:
        row(
            f"{page}: cold median (tail) ms",
            lambda r, p=page: f"{r['pages'][p]['cold']['median_ms']} ({_tail(r['pages'][p]['cold'])})",
        )
    row("cold runs per page", lambda r: r["pages"]["overview"]["cold"]["runs"])
    row("load average start / end", lambda r: f"{r['load_average_start'][0]} / {r['load_average_end'][0]}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
