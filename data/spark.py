"""Our SQL on Spark (local mode or a cluster) over the lake's Iceberg tables.

What runs where:

* Spark runs the compiled SQL (queries/compile.py): the model's CREATE TABLE ... AS statements in build order
  and the metric queries, with parameters bound as Spark named parameters (never formatted into the text).
* The tables the load fills in Python (data.lake.FROM_LOAD: configuration, exchange rates with the ECB
  fallback, work calendar, deleted records, load report) come from the lake's source namespace, with the
  typed export.
* Spark reads lake tables through the Parquet data files of their current Iceberg snapshot and writes its
  results as Parquet files into the Iceberg table's location, which PyIceberg commits (data.lake): the
  Iceberg Spark runtime is a Maven jar that no PyPI package ships, and nothing here downloads jars.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from data import lake
from queries.compile import CompiledFile, Statement, compile_all

_SESSION: Any = None


def spark_conf(cores: int = 2, small: bool = False) -> dict[str, str]:
    """The settings of session(cores, small)."""
    java_opts = "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m -XX:+UseSerialGC -Xss16m" if small else "-Xss16m"
    conf = {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.timestampType": "TIMESTAMP_NTZ",
        "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
        "spark.sql.shuffle.partitions": os.environ.get("SPARK_SHUFFLE_PARTITIONS", "1" if small else str(cores)),
        "spark.default.parallelism": "1" if small else str(cores),
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": os.environ.get("SPARK_DRIVER_MEMORY", "2g"),
        "spark.sql.ansi.enabled": "false",
        # Constraint propagation fails on drill_deals' UNION of expanded macros (Spark 4.x: "key not found" in
        # UnionBase.rewriteConstraints) and is the costliest optimizer step on plans this large; it only prunes.
        "spark.sql.constraintPropagation.enabled": "false",
        "spark.sql.adaptive.enabled": "false" if small else "true",
        # tiny tables: a sort-merge join in the one partition costs less than a broadcast job per join
        "spark.sql.autoBroadcastJoinThreshold": "-1" if small else "10485760",
        "spark.driver.extraJavaOptions": f"-Duser.timezone=UTC {java_opts} " + os.environ.get("SPARK_DRIVER_JAVA_OPTIONS", ""),
        "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
    }
    if small:
        # Tiny tables: interpreting the plan costs less than generating and compiling Java code for every stage
        # and expression (Janino). Measured on the metrics fixture, each query once: execution 30.6 s -> 16.9 s.
        conf["spark.sql.codegen.wholeStage"] = "false"
        conf["spark.sql.codegen.factoryMode"] = "NO_CODEGEN"
    return conf


def session(cores: int = 2, small: bool = False, overrides: dict[str, str] | None = None) -> Any:
    """The process's local Spark session (created once): UTC, timestamps without time zone as DuckDB's TIMESTAMP.

    small=True tunes it for many short queries on tiny tables (the equality test): one shuffle partition, no
    adaptive re-planning, no broadcast jobs, no generated code (interpreted plans), and the JVM's quick JIT
    only (C1: a cold JVM spends less CPU compiling) with a 256 MB code cache (C1's default 48 MB filled up on
    the compiled queries' plans and the JVM fell back to interpreting, ten times slower). overrides: settings
    on top (measurements).
    """
    global _SESSION
    if _SESSION is not None:
        return _SESSION
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf = {**spark_conf(cores, small), **(overrides or {})}
    builder = SparkSession.builder.master(os.environ.get("SPARK_MASTER", f"local[{cores}]")).appName("alignment-dashboard")
    for key, value in conf.items():
        builder = builder.config(key, value)
    _SESSION = builder.getOrCreate()
    _SESSION.sparkContext.setLogLevel("OFF")
    return _SESSION


# A lake table of at most this many rows is handed to Spark as Arrow (read by PyIceberg): no file-listing and
# schema-inference job per table. Counted in rows, not bytes: Spark keeps an Arrow frame under
# spark.sql.execution.arrow.localRelationThreshold (48 MB) as a LocalRelation, its rows held on the driver's heap
# for the life of the session, out of sight of Spark's memory manager, and every query that reads it filters and
# projects those rows on the driver while it is planned and carries the copies in its plan and tasks. At medium
# scale the tables under the former limit (32 MB of Parquet) held 2.4 M rows, about 800 MB of driver heap, and
# forecast_categories took 24 s to plan (6 s over Parquet); the quota page ran the JVM out of heap (README
# "Scaling out").
SMALL_TABLE_ROWS = 10_000


def _frame(spark: Any, cat: Any, namespace: str, name: str) -> Any:
    files = lake.data_files(cat, namespace, name)
    if files and lake.table_rows(cat, namespace, name) > SMALL_TABLE_ROWS:
        return spark.read.parquet(*files)
    return spark.createDataFrame(lake.read_table(cat, namespace, name))


def register(name: str, df: Any, cache: bool) -> None:
    """df as the temporary view `name`; with cache, materialised in memory now and cut from the query that made
    it (a local checkpoint): later queries plan against a leaf, not the whole chain of model SQL behind it."""
    if cache:
        df = df.localCheckpoint(eager=True)
    df.createOrReplaceTempView(name)


def register_lake(
    spark: Any, cat: Any, namespace: str, cache: bool = False, only: Callable[[str], bool] | None = None
) -> list[str]:
    """Every table of a lake namespace (or those `only` accepts) as a Spark temporary view of the same name."""
    names = [n for n in lake.table_names(cat, namespace) if only is None or only(n)]
    for name in names:
        register(name, _frame(spark, cat, namespace, name), cache)
    return names


def load_params(spark: Any) -> dict[str, Any]:
    """Parameters of the load-time layer, from the tables built so far: the days fx_daily covers."""
    lo, hi = spark.sql("SELECT min(rate_date), max(rate_date) FROM fx_daily").collect()[0]
    return {"fx_lo": lo or dt.date(2000, 1, 1), "fx_hi": hi or dt.date(2000, 1, 1)}


def _args(st: Statement, values: dict[str, Any]) -> dict[str, Any]:
    missing = [p for p in st.params if p not in values]
    if missing:
        raise KeyError(f"{st.name} needs parameter(s) {', '.join(missing)}")
    return {p: values[p] for p in st.params}


def model_tables(compiled: list[CompiledFile]) -> list[Statement]:
    """The model's CREATE TABLE ... AS statements Spark builds, in order (the load-filled tables left out)."""
    return [
        st
        for cf in compiled
        if cf.layer == "model"
        for st in cf.statements
        if st.kind in ("table", "view") and not lake.is_from_load(st.name)
    ]


def build(
    spark: Any,
    cat: Any | None,
    source_ns: str = lake.SOURCE_NS,
    out_ns: str | None = lake.SPARK_NS,
    compiled: list[CompiledFile] | None = None,
    progress: Callable[[str], None] = lambda _: None,
    cache: bool = False,
) -> dict[str, float]:
    """The model on Spark: every table of model_tables from the lake's source tables, in order. With out_ns,
    each result is written to that namespace (PyIceberg) and read back from it; without (cat may then be
    None once the sources are registered), results stay in the session, cached when asked. Seconds per table."""
    compiled = compiled or compile_all()
    if cat is not None:
        register_lake(spark, cat, source_ns, cache)
    params: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for st in model_tables(compiled):
        t0 = time.perf_counter()
        df = spark.sql(st.sql, args=_args(st, params))
        if out_ns and cat is not None:
            rows = lake.write_spark_frame(cat, out_ns, st.name, df)
            register(st.name, _frame(spark, cat, out_ns, st.name), cache)
        else:
            register(st.name, df, cache=True)  # in memory, cut from the SQL that made it
            rows = -1
        timings[st.name] = time.perf_counter() - t0
        progress(f"built {st.name} ({rows:,} rows) in {timings[st.name]:.1f}s" if rows >= 0 else f"built {st.name}")
        if st.name == "fx_daily":
            params = load_params(spark)
    if out_ns and cat is not None:
        # The load-filled tables the queries read as they are (configuration, report): into out_ns too, so that
        # out_ns alone answers every query.
        for name in lake.table_names(cat, source_ns):
            if lake.is_from_load(name):
                lake.write_table(cat, out_ns, name, lake.read_table(cat, source_ns, name))
    return timings


class SparkQueries:
    """The metric queries compiled once, run on Spark over the tables registered in the session."""

    def __init__(self, spark: Any, compiled: list[CompiledFile] | None = None):
        self.spark = spark
        compiled = compiled or compile_all()
        self.queries = {cf.name: cf.statements[0] for cf in compiled if cf.layer == "metrics"}
        self._load = load_params(spark)  # the tables must be registered already

    def run(self, name: str, params: dict[str, Any], duckdb_types: bool = False) -> pd.DataFrame:
        """A metric query's result (parameters bound by Spark; safe to call from several threads). duckdb_types: dates
        and decimals as DuckDB's runner gives them (datetime64, float64), the types the pages are written for;
        otherwise as Spark gives them (datetime.date and Decimal objects)."""
        st = self.queries[name]
        df = self.spark.sql(st.sql, args=_args(st, {**params, **self._load}))
        frame = df.toPandas()
        if duckdb_types:
            frame = as_duckdb_types(frame, df.schema)
        release_java_garbage()
        return frame


def as_duckdb_types(frame: pd.DataFrame, schema: Any) -> pd.DataFrame:
    """frame (Spark's toPandas) with DATE columns as datetime64[us] and DECIMAL ones as float64, as DuckDB gives them."""
    from pyspark.sql.types import DateType, DecimalType

    for field in schema.fields:
        if isinstance(field.dataType, DateType):
            frame[field.name] = pd.to_datetime(frame[field.name]).astype("datetime64[us]")
        elif isinstance(field.dataType, DecimalType):
            frame[field.name] = frame[field.name].astype("float64")
    return frame


def release_java_garbage() -> None:
    """Let the JVM free what the last query left: py4j keeps every Java object whose method Python called in a
    reference cycle with its method handles (JavaObject <-> JavaMember), so a query's Dataset (its executed plan,
    broadcast hash tables and all) stays on the driver's heap until Python's cycle collector happens to run and
    py4j releases it. A full collection costs tens of milliseconds, a query on Spark seconds. Measured over the
    medium sample's pages: without it, up to 1.0 GB of such plans alive after a full JVM GC (README "Scaling out")."""
    gc.collect()


def open_lake(lake_dir: str | Path, namespace: str = lake.SPARK_NS, cache: bool = False) -> SparkQueries:
    """A Spark session with every table of a lake namespace registered, and the compiled metric queries."""
    spark = session()
    register_lake(spark, lake.catalog(lake_dir), namespace, cache)
    return SparkQueries(spark)
