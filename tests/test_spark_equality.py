"""The same metric SQL on DuckDB and on Spark over the lake gives the same numbers (issue 15).

For the hand-built metrics fixture and the small sample company: the export is loaded by the ingest with
`--lake` (DuckDB file + Iceberg tables), the model's derived tables are rebuilt on Spark in local mode from
the lake's source tables (the compiled CREATE TABLE statements of data/model), and every metric query in
queries/ runs with two filter sets on both engines. Results must match row for row (order-free), money to
the cent, other numbers to 1e-9 relative. Spark reads only what Spark built (and the tables the load fills
in Python), so the build is checked as well as the queries. Spark's tables stay in memory (local checkpoints);
for the metrics fixture one of them (mql) also makes python -m data.build's round trip through Iceberg.

Speed (the budget is two minutes; README "Scaling out"): one JVM for the module, one shuffle partition, no UI,
interpreted plans (no generated code: for tables this small compiling it costs more than it saves), every built
table a local checkpoint, the compiled SQL compiled once, and both data sets at once, each in its own Spark
session of that JVM (one's load and build overlap the other's queries). Needs Java (Debian's
default-jre-headless, installed by `make test`). Without Java the module is skipped, except in CI (CI set),
where it fails.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pytest

from data.ingest import ingest
from queries import all_queries, run_query
from tests.conftest import FIXTURES
from tests.spark_compare import differences

pytestmark = pytest.mark.slow

_JAVA = shutil.which("java") is not None
if not _JAVA and not os.environ.get("CI"):
    pytest.skip(
        "Spark needs Java: no `java` on PATH (make test installs default-jre-headless); not in CI, so skipped",
        allow_module_level=True,
    )
pytest.importorskip("pyspark", reason="pyspark is in requirements-spark.txt (make install-dev)")

DRILL = {"measure": "pipeline", "slice_kind": None, "slice_value": None, "limit": 1000, "offset": 0, "step": None}


@pytest.fixture(scope="module")
def spark() -> Any:
    if not _JAVA:
        pytest.fail("CI: no `java` on PATH; `make test` installs Debian's default-jre-headless")
    from data.spark import session

    return session(small=True)


@pytest.fixture(scope="module")
def compiled() -> list:
    from queries.compile import compile_all

    return compile_all()


def _load(export: Path, where: Path) -> tuple[Path, Path]:
    db, lake_dir = where / "crm.duckdb", where / "lake"
    ingest(export, db, quiet=True, lake=lake_dir)
    return db, lake_dir


def _spark_side(spark: Any, compiled: list, lake_dir: Path, through_lake: bool) -> Any:
    """Spark's model from the lake's source tables; the compiled metric queries over it."""
    from data import lake
    from data.spark import SparkQueries, build

    cat = lake.catalog(lake_dir)
    build(spark, cat, lake.SOURCE_NS, None, compiled)
    if through_lake:
        # python -m data.build's write: Spark's Parquet files committed by PyIceberg, read back equal (one table:
        # writing all 24 would cost the test minutes; the command does it, README "Scaling out")
        rows = lake.write_spark_frame(cat, lake.SPARK_NS, "mql", spark.table("mql"))
        assert rows == spark.table("mql").count() == lake.read_table(cat, lake.SPARK_NS, "mql").num_rows
    return SparkQueries(spark, compiled)


def _compare(
    spark: Any, compiled: list, db: Path, lake_dir: Path, param_sets: list[dict[str, Any]], through_lake: bool
) -> list[str]:
    """Build on Spark, run every query with every filter set on both engines; the differences."""
    on_spark = _spark_side(spark, compiled, lake_dir, through_lake)
    queries = all_queries()
    assert {q.name for q in queries} == set(on_spark.queries), "every metric query is compiled for Spark"
    runs = [(q.name, i, {k: params[k] for k in q.params}) for q in queries for i, params in enumerate(param_sets)]
    con = duckdb.connect(str(db), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    duck = {(name, i): run_query(con, name, bound) for name, i, bound in runs}
    con.close()

    def on_spark_run(run: tuple) -> tuple:
        name, i, bound = run
        try:
            return name, i, on_spark.run(name, bound), None
        except Exception as exc:  # a Spark error is a difference, reported with the others
            lines = [line for line in str(exc).strip().splitlines() if line.strip()] or [type(exc).__name__]
            return name, i, None, " ".join(lines[:2])[:400]  # a Java error's cause is on its second line

    # two queries at a time: Spark plans each on one driver thread, the machine has two cores
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(on_spark_run, runs))
    problems = []
    for name, i, frame, error in results:
        if error:
            problems.append(f"{name} [filters {i}]: fails on Spark: {error}")
        else:
            problems.extend(f"{name} [filters {i}]: {d}" for d in differences(duck[(name, i)], frame))
    return problems


def _metrics_fixture(spark: Any, compiled: list, where: Path) -> list[str]:
    db, lake_dir = _load(FIXTURES / "metrics", where)
    base = {
        "start_date": dt.date(2026, 10, 1),
        "end_date": dt.date(2026, 12, 31),
        "as_of": dt.date(2026, 11, 20),
        "dimension": "source",
        "currency": "USD",
        "region": None,
        "segment": None,
        "owner": None,
        "since": dt.date(2026, 11, 6),
        "model": "linear",
        **DRILL,
    }
    # a region, a manager's team, another currency, model and dimension, a drill-down slice
    narrow = {
        "region": "AMER",
        "owner": "U3",
        "currency": "EUR",
        "model": "w_shaped",
        "dimension": "persona",
        "as_of": dt.date(2026, 11, 17),
        "measure": "won",
        "slice_kind": "region",
        "slice_value": "AMER",
    }
    return _compare(spark, compiled, db, lake_dir, [base, {**base, **narrow}], through_lake=True)


def _small_sample(spark: Any, compiled: list, export: Path, where: Path) -> list[str]:
    from queries.__main__ import default_params

    db, lake_dir = _load(export, where)
    con = duckdb.connect(str(db), read_only=True)
    base = default_params(con)
    con.close()
    narrow = {
        "region": "EMEA",
        "segment": "Enterprise",
        "currency": "EUR",
        "model": "time_decay",
        "dimension": "persona",
        "start_date": base["start_date"] - dt.timedelta(days=92),
        "measure": "closed",
        "slice_kind": "segment",
        "slice_value": "Enterprise",
    }
    return _compare(spark, compiled, db, lake_dir, [base, {**base, **narrow}], through_lake=False)


@pytest.fixture(scope="module")
def differences_by_data_set(
    spark: Any, compiled: list, small_export: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[str]]:
    """Both data sets compared at once, each in its own Spark session of the one JVM (own temporary views): one
    data set's load and build (sequential work) overlap the other's queries, so both cores stay busy."""
    from data.spark import spark_conf

    sessions = spark.newSession(), spark.newSession()
    for own in sessions:  # a new session starts from the JVM's settings: the same tuning
        assert {k: own.conf.get(k) for k in spark_conf(small=True) if k.startswith("spark.sql.")} == {
            k: v for k, v in spark_conf(small=True).items() if k.startswith("spark.sql.")
        }
    with ThreadPoolExecutor(max_workers=2) as pool:
        metrics = pool.submit(_metrics_fixture, sessions[0], compiled, tmp_path_factory.mktemp("metrics"))
        small = pool.submit(_small_sample, sessions[1], compiled, small_export, tmp_path_factory.mktemp("small"))
        return {"metrics": metrics.result(), "small": small.result()}


def _report(problems: list[str]) -> str:
    return f"{len(problems)} difference(s) between DuckDB and Spark:\n" + "\n".join(problems[:40])


def test_metrics_fixture_equal_on_spark(differences_by_data_set: dict[str, list[str]]) -> None:
    problems = differences_by_data_set["metrics"]
    assert not problems, _report(problems)


def test_small_sample_equal_on_spark(differences_by_data_set: dict[str, list[str]]) -> None:
    problems = differences_by_data_set["small"]
    assert not problems, _report(problems)
