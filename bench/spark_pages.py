"""Each dashboard page's queries on DuckDB and on Spark (local mode) over the lake: the numbers in README "Scaling out".

    python -m bench.spark_pages --db DB --lake DIR [--runs 3] [--out build/bench/spark-pages.json]

The pages' queries and parameters are recorded by running each page in Streamlit's AppTest on the DuckDB
file (bench.benchmark.record_page_queries, default filters). DuckDB: each page's queries cold, in a new
process (bench.benchmark.cold_run), median of --runs. Spark: the same queries compiled for Spark over the
tables `python -m data.build --engine spark` wrote (namespace crm_spark), after one warm-up pass (the
JVM's JIT); median of --runs passes (--runs 0: the first pass only). A ratio, not a promise: one machine, local mode.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.benchmark import PAGES, cold_run, record_page_queries


class _Results:
    """The measurements so far, written to --out after every step: a run stopped half-way keeps what it measured."""

    def __init__(self, out: str, calls: dict[str, list], duck: dict[str, float], load_before: tuple) -> None:
        self.out = Path(out)
        self.data: dict[str, Any] = {
            "spark_session_s": None,
            "load_average": {"start": load_before, "end": None},
            "pages": {
                page: {"queries": len(calls[page]), "duckdb_s": duck[page], "spark_first_s": None, "spark_s": None, "ratio": None}
                for page in calls
            },
        }
        self.write()

    def spark(self, page: str, key: str, seconds: float) -> None:
        row = self.data["pages"][page]
        row[key] = seconds
        if key == "spark_s" and row["duckdb_s"]:
            row["ratio"] = seconds / row["duckdb_s"]
        self.write()

    def write(self) -> None:
        self.data["load_average"]["end"] = os.getloadavg()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.out.write_text(json.dumps(self.data, indent=2))


def _spark_pages(lake_dir: str, calls: dict[str, list], runs: int, results: _Results, pages: list[str]) -> None:
    from data.spark import open_lake

    t0 = time.perf_counter()
    spark = open_lake(lake_dir)
    results.data["spark_session_s"] = time.perf_counter() - t0
    print(f"Spark session and tables registered ({results.data['spark_session_s']:.0f}s)", file=sys.stderr, flush=True)

    def page_seconds(page: str) -> float:
        t = time.perf_counter()
        for name, params in calls[page]:
            try:
                spark.run(name, params)
            except Exception as exc:
                raise RuntimeError(f"query {name}: {exc}") from exc
        seconds = time.perf_counter() - t
        print(f"spark {page}: {seconds:.1f}s (load average {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)
        return seconds

    for page in pages:
        try:
            results.spark(page, "spark_first_s", page_seconds(page))
        except Exception as exc:  # a query Spark cannot answer (e.g. out of memory): noted, the other pages go on
            cause = [line for line in str(exc).splitlines() if "Caused by" in line or "Error" in line][:1]
            results.data["pages"][page]["spark_error"] = f"{str(exc).split(':')[0]}: {(cause or [''])[0][:300]}"
            print(f"spark {page}: failed: {results.data['pages'][page]['spark_error']}", file=sys.stderr, flush=True)
            results.write()
            continue
        if not runs:  # the first pass only (a medium-scale run on a shared machine has time for one)
            results.spark(page, "spark_s", results.data["pages"][page]["spark_first_s"])
    for page in pages if runs else []:
        results.spark(page, "spark_s", statistics.median(page_seconds(page) for _ in range(runs)))


def main(argv: list[str] | None = None) -> int:
    """Record each page's queries, time them on both engines, print a Markdown table and write JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.spark_pages", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--lake", required=True)
    parser.add_argument("--runs", type=int, default=3, help="Spark passes after the first (0: the first only)")
    parser.add_argument("--out", default="build/bench/spark-pages.json")
    parser.add_argument("--pages", help="only these pages on Spark (comma-separated; DuckDB times every page)")
    args = parser.parse_args(argv)
    db = Path(args.db)
    load_before = os.getloadavg()
    started = time.perf_counter()
    calls = {page: record_page_queries(db, page, {})[0] for page in PAGES}
    print(f"recorded the pages' queries ({time.perf_counter() - started:.0f}s)", file=sys.stderr, flush=True)
    duck = {page: statistics.median(cold_run(db, c) for _ in range(max(args.runs, 1))) for page, c in calls.items()}
    print(f"DuckDB cold runs done ({time.perf_counter() - started:.0f}s)", file=sys.stderr, flush=True)
    results = _Results(args.out, calls, duck, load_before)
    _spark_pages(args.lake, calls, args.runs, results, args.pages.split(",") if args.pages else list(calls))
    print("| page | queries | DuckDB (cold) | Spark local (first) | Spark local (median) | ratio |\n|---|---|---|---|---|---|")
    for page, r in results.data["pages"].items():
        print(
            f"| {page} | {r['queries']} | {r['duckdb_s'] * 1000:.0f} ms | {r['spark_first_s'] or 0:.1f} s "
            f"| {r['spark_s'] or 0:.1f} s | {r['ratio'] or 0:.0f}x |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
