"""Benchmark section: time travel at scale (a weekly series of exports loaded as dated snapshots).

    python -m bench.benchmark --scale medium ...        # runs this section with --snapshots 13 (the default)
    python -m bench.snapshots --scale medium            # this section alone, on the benchmark's export

1. Rewinds the benchmark's export to the as-of date and each of the N-1 weeks before it
   (data/sample/series.py, in a child process), so the series tells one story.
2. Loads the first N-1 exports oldest first into one database (`python -m data.ingest FOLDER
   --as-of-export DATE`, each a child process): seconds, peak memory, the snapshot step's seconds (from the
   ingest's own stage lines), the change rows each snapshot stored, the database's size after each load.
3. One more snapshot: the last export loaded onto a copy of that database (N-1 snapshots of history)
   against the same export loaded into a new database, taking turns, --ingest-pairs times each: the
   median extra seconds and the extra bytes are what the history costs a load.
4. The Pipeline changes page on the N-snapshot database: its queries recorded by rendering the page in
   AppTest (a week back, and back to the oldest snapshot), then timed cold (a new process and a new DuckDB instance per
   run, bench/cold.py), `pipeline_waterfall` alone too. Median, p95 with at least 20 runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchmark import COLD, _say, _stats, cold_run, record_page_queries, run_child, run_child_full  # noqa: E402

WATERFALL_TARGET_MS = 150  # the target: the waterfall cold at medium with 13 weekly snapshots
ONE_MORE_TARGET = 0.10  # one more snapshot adds under 10% to the ingest time
STAGE_LINE = re.compile(r"\[\s*([0-9.]+)s\] (.+)")


def write_series(export: Path, series: Path, as_of: dt.date, snapshots: int, reuse: bool) -> dict[str, Any]:
    """The weekly series rewound from `export` (a child process); with reuse, one written before is kept."""
    meta = series / ".bench-series.json"
    if reuse and meta.exists() and json.loads(meta.read_text()).get("snapshots") == snapshots:
        _say(f"reusing the series in {series}")
        return {**json.loads(meta.read_text()), "reused": True}
    if series.exists():
        shutil.rmtree(series)
    series.mkdir(parents=True)
    _say(f"writing {snapshots} weekly exports into {series} ...")
    code = (
        "import datetime as dt, sys; from pathlib import Path; from data.sample.series import write_series; "
        "write_series(Path(sys.argv[1]), Path(sys.argv[2]), dt.date.fromisoformat(sys.argv[3]), int(sys.argv[4]))"
    )
    seconds, peak, _ = run_child([sys.executable, "-c", code, str(export), str(series), as_of.isoformat(), str(snapshots)])
    info = {"snapshots": snapshots, "seconds": round(seconds, 1), "peak_mb": round(peak), "folders": len(_folders(series))}
    meta.write_text(json.dumps(info, indent=2))
    return info


def _folders(series: Path) -> list[Path]:
    """The series' export folders, oldest first (their names are their dates)."""
    return sorted(p for p in series.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.name))


def stage_seconds(stderr: str, stage: str) -> float | None:
    """Seconds one stage of an ingest took, from its stage lines ('[  66.4s] built snapshots')."""
    previous = None
    for line in re.split(r"[\r\n]+", stderr):
        m = STAGE_LINE.search(line)
        if not m:
            continue
        at = float(m.group(1))
        if m.group(2).strip() == stage:
            return None if previous is None else round(at - previous, 2)
        previous = at
    return None


def ingest_one(folder: Path, db: Path) -> dict[str, Any]:
    """One load of the series (a child process): seconds, peak memory, the snapshot step, size and change rows after."""
    # --priority normal: a reload would lower its own priority (nice 19) while a first load would not; the
    # comparison of one more snapshot against a new database must run both alike.
    cmd = [
        sys.executable,
        "-m",
        "data.ingest",
        str(folder),
        "--db",
        str(db),
        "--as-of-export",
        folder.name,
        "--priority",
        "normal",
    ]
    seconds, peak, _, err = run_child_full(cmd)
    con = duckdb.connect(str(db), read_only=True)
    try:
        opps, leads = con.execute(
            "SELECT opportunity_changes, lead_changes FROM snapshot_load ORDER BY loaded_at DESC LIMIT 1"
        ).fetchall()[0]
        stored = con.execute("SELECT count(*) FROM snapshot_load").fetchall()[0][0]
    finally:
        con.close()
    return {
        "export": folder.name,
        "seconds": round(seconds, 1),
        "peak_mb": round(peak),
        "snapshot_step_seconds": stage_seconds(err, "built snapshots"),
        "change_rows": int(opps) + int(leads),
        "opportunity_change_rows": int(opps),
        "snapshots_stored": int(stored),
        "db_mb": round(db.resolve().stat().st_size / 2**20, 1),
    }


def copy_db(src: Path, dest: Path) -> Path:
    """A private copy of the live database `src` (its live version only) at dest/crm.duckdb."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copyfile(src.resolve(), dest / "crm.duckdb")
    return dest / "crm.duckdb"


def one_more(last: Path, history_db: Path, work: Path, pairs: int) -> dict[str, Any]:
    """The last export onto the history (a copy each time) against the same export into a new database, taking turns."""
    with_history, fresh = [], []
    for i in range(pairs):
        _say(f"one more snapshot: pair {i + 1}/{pairs} ...")
        with_history.append(ingest_one(last, copy_db(history_db, work / "one-more-history")))
        target = work / "one-more-fresh"
        shutil.rmtree(target, ignore_errors=True)
        fresh.append(ingest_one(last, target / "crm.duckdb"))
    h = statistics.median(r["seconds"] for r in with_history)
    f = statistics.median(r["seconds"] for r in fresh)
    return {
        "pairs": pairs,
        "with_history": with_history,
        "fresh": fresh,
        "median_seconds_with_history": round(h, 1),
        "median_seconds_fresh": round(f, 1),
        "extra_fraction": round(h / f - 1, 3),
        "extra_db_mb": round(with_history[-1]["db_mb"] - fresh[-1]["db_mb"], 1),
    }


def time_waterfall(db: Path, as_of: dt.date, weeks: int, runs: int) -> dict[str, Any]:
    """The Pipeline changes page's queries (a week back, and `weeks` back: the oldest snapshot) and the waterfall
    alone, cold."""
    out: dict[str, Any] = {}
    for label, since in (("a week", as_of - dt.timedelta(days=7)), (f"{weeks} weeks", as_of - dt.timedelta(days=7 * weeks))):
        url = {"as_of": as_of.isoformat(), "changes_to": as_of.isoformat(), "changes_from": since.isoformat()}
        calls, _, cached = record_page_queries(db, "pipeline_changes", url)
        waterfall = [c for c in calls if c[0] == "pipeline_waterfall"]
        page, alone = [], []
        for i in range(runs):
            _say(f"pipeline changes ({label} back) cold run {i + 1}/{runs} ...")
            page.append(cold_run(db, calls))
            alone.append(cold_run(db, waterfall))
        out[label] = {
            "since": since.isoformat(),
            "queries": [c[0] for c in calls],
            "page_cold": _stats(page),
            "waterfall_cold": _stats(alone),
            "page_cached_rerun_ms": round(cached * 1000, 1),
        }
    return out


def run_section(export: Path, work: Path, as_of: dt.date, snapshots: int, runs: int, pairs: int, reuse: bool) -> dict[str, Any]:
    """The whole section: series, loads, one more snapshot, the page cold; returns its results."""
    series = work / f"series-{export.name.removeprefix('export-')}"
    info = write_series(export, series, as_of, snapshots, reuse)
    folders = _folders(series)
    history = work / "db-series" / "crm.duckdb"
    shutil.rmtree(history.parent, ignore_errors=True)
    loads = []
    for folder in folders[:-1]:
        _say(f"loading {folder.name} ({len(loads) + 1}/{len(folders) - 1}) ...")
        loads.append(ingest_one(folder, history))
    more = one_more(folders[-1], history, work, pairs)
    final = work / "one-more-history" / "crm.duckdb"
    results = {
        "series": info,
        "loads": loads,
        "one_more": more,
        "history_change_rows": sum(r["change_rows"] for r in loads),
        "pipeline_changes": time_waterfall(final, as_of, len(folders) - 1, runs),
    }
    COLD.close()
    results["verdict"] = section_verdict(results)
    return results


def section_verdict(r: dict[str, Any]) -> dict[str, Any]:
    """The issue's targets for this section: the waterfall cold, and one more snapshot's share of the ingest."""
    worst = max(v["waterfall_cold"]["median_ms"] for v in r["pipeline_changes"].values())
    extra = r["one_more"]["extra_fraction"]
    return {
        "waterfall_cold_median_ms": {"worst": worst, "target": WATERFALL_TARGET_MS, "met": worst < WATERFALL_TARGET_MS},
        "one_more_snapshot_extra": {"value": extra, "target": ONE_MORE_TARGET, "met": extra < ONE_MORE_TARGET},
    }


def render(r: dict[str, Any], targets: bool = True) -> str:
    """The section as Markdown (the README shows the committed one); with `targets`, its verdict too."""
    m = r["one_more"]
    lines = [
        "| export | load s | snapshot step s | change rows stored | database MB |",
        "|---|---|---|---|---|",
    ]
    for x in r["loads"] + [m["with_history"][-1]]:
        lines.append(f"| {x['export']} | {x['seconds']} | {x['snapshot_step_seconds']} | {x['change_rows']:,} | {x['db_mb']} |")
    lines += [
        "",
        f"One more snapshot (the last export, {m['pairs']} loads each way, taking turns): "
        f"{m['median_seconds_with_history']} s onto {len(r['loads'])} snapshots of history against "
        f"{m['median_seconds_fresh']} s into a new database: {m['extra_fraction']:+.1%}; the history adds "
        f"{m['extra_db_mb']} MB to the database ({r['history_change_rows']:,} change rows).",
        "",
        "| Pipeline changes | queries | page cold median (tail) ms | waterfall cold median (tail) ms | cached rerun ms |",
        "|---|---|---|---|---|",
    ]
    for label, v in r["pipeline_changes"].items():
        p, w = v["page_cold"], v["waterfall_cold"]
        lines.append(
            f"| {label} back (from {v['since']}) | {len(v['queries'])} | {p['median_ms']} ({_tail(p)}) | "
            f"{w['median_ms']} ({_tail(w)}) | {v['page_cached_rerun_ms']} |"
        )
    if not targets:
        return "\n".join(lines)
    lines += ["", "| target | value | met |", "|---|---|---|"]
    for k, v in r["verdict"].items():
        lines.append(f"| {k} (target {v['target']}) | {v.get('worst', v.get('value'))} | {v['met']} |")
    return "\n".join(lines)


def _tail(s: dict[str, Any]) -> str:
    return f"p95 {s['p95_ms']}" if "p95_ms" in s else f"max {s['max_ms']}"


def main(argv: list[str] | None = None) -> int:
    """This section alone, on an export the benchmark generated (build/bench/export-SCALE)."""
    parser = argparse.ArgumentParser(prog="python -m bench.snapshots")
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--export", default=None, help="the export to rewind (default: the benchmark's)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 22))
    parser.add_argument("--snapshots", type=int, default=13)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--ingest-pairs", type=int, default=2)
    parser.add_argument("--reuse-series", action="store_true")
    parser.add_argument("--workdir", default=str(ROOT / "build" / "bench"))
    parser.add_argument("--out", default=None)
    parser.add_argument("--render", default=None, metavar="FILE", help="print a results file's table and stop")
    parser.add_argument(
        "--retime", default=None, metavar="FILE", help="time the page again on the database a run of FILE left (no loads)"
    )
    args = parser.parse_args(argv)
    if args.render:
        print(render(json.loads(Path(args.render).read_text())))
        return 0
    work = Path(args.workdir)
    if args.retime:
        results = json.loads(Path(args.retime).read_text())
        final = work / "one-more-history" / "crm.duckdb"
        results["pipeline_changes"] = time_waterfall(final, args.as_of, len(results["loads"]), args.runs)
        COLD.close()
        results["verdict"] = section_verdict(results)
        Path(args.retime).write_text(json.dumps(results, indent=2, default=str) + "\n")
        print(render(results))
        return 0 if all(v["met"] for v in results["verdict"].values()) else 1
    export = Path(args.export) if args.export else work / f"export-{args.scale}"
    results = run_section(export, work, args.as_of, args.snapshots, args.runs, args.ingest_pairs, args.reuse_series)
    out = Path(args.out) if args.out else work / f"snapshots-{args.scale}.json"
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(render(results))
    return 0 if all(v["met"] for v in results["verdict"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
