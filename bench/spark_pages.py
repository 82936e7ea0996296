"""Each dashboard page's queries on DuckDB and on Spark (local mode) over the lake: the numbers in README "Scaling out".

    python -m bench.spark_pages --db DB --lake DIR [--runs 3] [--out build/bench/spark-pages.json]

The pages' queries and parameters are recorded by running each page in Streamlit's AppTest on the DuckDB
file (bench.benchmark.record_page_queries, default filters). DuckDB: each page's queries cold, in a new
process (bench.benchmark.cold_run), median of --runs. Spark: the same queries compiled for Spark over the
tables `python -m data.build --engine spark` wrote (namespace crm_spark), after one warm-up pass (the
JVM's JIT); median of --runs passes. A ratio, not a promise: one machine, local mode.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.benchmark import PAGES, cold_run, record_page_queries


def _spark_pages(lake_dir: str, calls: dict[str, list], runs: int) -> dict[str, Any]:
    from data.spark import open_lake

    t0 = time.perf_counter()
    spark = open_lake(lake_dir)
    opened = time.perf_counter() - t0

    def page_seconds(page: str) -> float:
        t = time.perf_counter()
        for name, params in calls[page]:
            spark.run(name, params)
        return time.perf_counter() - t

    first = {page: page_seconds(page) for page in calls}
    median = {page: statistics.median(page_seconds(page) for _ in range(runs)) for page in calls}
    return {"session_and_registration_s": opened, "first": first, "median": median}


def main(argv: list[str] | None = None) -> int:
    """Record each page's queries, time them on both engines, print a Markdown table and write JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.spark_pages", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--lake", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default="build/bench/spark-pages.json")
    args = parser.parse_args(argv)
    db = Path(args.db)
    calls = {page: record_page_queries(db, page, {})[0] for page in PAGES}
    duck = {page: statistics.median(cold_run(db, c) for _ in range(args.runs)) for page, c in calls.items()}
    spark = _spark_pages(args.lake, calls, args.runs)
    pages = {
        page: {
            "queries": len(calls[page]),
            "duckdb_s": duck[page],
            "spark_first_s": spark["first"][page],
            "spark_s": spark["median"][page],
            "ratio": spark["median"][page] / duck[page] if duck[page] else None,
        }
        for page in PAGES
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"spark_session_s": spark["session_and_registration_s"], "pages": pages}, indent=2))
    print("| page | queries | DuckDB (cold) | Spark local (first) | Spark local (median) | ratio |\n|---|---|---|---|---|---|")
    for page, r in pages.items():
        print(
            f"| {page} | {r['queries']} | {r['duckdb_s'] * 1000:.0f} ms | {r['spark_first_s']:.1f} s | {r['spark_s']:.1f} s "
            f"| {r['ratio'] or 0:.0f}x |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
