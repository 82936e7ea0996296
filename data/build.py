"""Run the load-time layer (the model's derived tables) on Spark over the lake.

    python -m data.build --engine spark --lake DIR [--namespace crm_spark]

Reads the lake's `crm_source` namespace (written by `python -m data.ingest EXPORT --lake DIR`, or landed
by a connector in the same layout), runs every CREATE TABLE ... AS statement of data/model compiled for
Spark (queries/compile.py) in build order, in local mode (SPARK_MASTER for another), and writes each
table into `--namespace` as an Iceberg table (Spark computes, PyIceberg commits: see data/spark.py).
"""

from __future__ import annotations

import argparse
import sys
import time

from data import lake


def main(argv: list[str] | None = None) -> int:
    """Command line: 0 when every table was built, 2 when the lake has no source tables."""
    parser = argparse.ArgumentParser(prog="python -m data.build", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--engine", choices=["spark"], required=True)
    parser.add_argument("--lake", required=True, metavar="DIR", help="the lake folder (catalog.db and warehouse/)")
    parser.add_argument("--namespace", default=lake.SPARK_NS, help=f"namespace written (default {lake.SPARK_NS})")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    cat = lake.catalog(args.lake)
    if not lake.table_names(cat, lake.SOURCE_NS):
        print(
            f"{args.lake} has no {lake.SOURCE_NS} tables; write them with python -m data.ingest EXPORT --lake {args.lake}",
            file=sys.stderr,
        )
        return 2
    from data.spark import build, session

    spark = session()
    progress("Spark session started")
    timings = build(spark, cat, lake.SOURCE_NS, args.namespace, progress=progress)
    print(
        f"built {len(timings)} tables into {args.lake} namespace {args.namespace} in {time.perf_counter() - started:.1f}s "
        f"(SQL and writes {sum(timings.values()):.1f}s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
