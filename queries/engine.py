"""Which engine answers the dashboard's metric queries: DuckDB (the default) or Spark over the lake (a setting).

    CRM_ENGINE=spark CRM_LAKE=DIR make run     # the pages' queries run on Spark over DIR's Iceberg tables

With CRM_ENGINE=spark the metric queries run, compiled (queries/compile.py), on a Spark session over the
tables of the lake's `crm_spark` namespace (written by `python -m data.build --engine spark --lake DIR`),
so viewers no longer share one database file; SPARK_MASTER points the session at a cluster. The DuckDB file
still tells which version is live (the ingest writes the lake from it), so cached results follow a new load.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import pandas as pd


def spark_lake() -> str | None:
    """The lake folder when the dashboard is set to run its queries on Spark (CRM_ENGINE=spark), else None."""
    if os.environ.get("CRM_ENGINE", "duckdb").lower() != "spark":
        return None
    lake_dir = os.environ.get("CRM_LAKE")
    if not lake_dir:
        raise RuntimeError("CRM_ENGINE=spark needs CRM_LAKE, the lake folder written by python -m data.ingest --lake")
    return lake_dir


@cache
def _spark_queries(lake_dir: str) -> Any:
    from data.spark import open_lake

    # The lake's tables as they are (Parquet files, tiny tables as Arrow), not checkpointed into the driver's memory:
    # on the medium sample, checkpointing every table took 79 s at start (19 s without), the pages were not faster
    # (194 s against 175 s for all eleven) and more heap stayed in use (README "Scaling out").
    return open_lake(lake_dir)


def run_on_spark(lake_dir: str, name: str, params: dict[str, Any]) -> pd.DataFrame:
    """A metric query's result from Spark over the lake (one session per process, tables registered once)."""
    return _spark_queries(lake_dir).run(name, params, duckdb_types=True)  # the pages' types
