"""How Spark is handed the lake's tables (data.spark._frame): a table bigger than configuration size is read from its
Parquet files, never kept on the driver as a LocalRelation (at medium scale those held 0.8 GB of the driver's heap and
the quota page ran it out of memory; README "Scaling out"). Needs Java and pyspark, like the equality test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

if shutil.which("java") is None:
    pytest.skip("Spark needs Java: no `java` on PATH (make test installs default-jre-headless)", allow_module_level=True)
pytest.importorskip("pyspark", reason="pyspark is in requirements-spark.txt (make install-dev)")
pytest.importorskip("pyiceberg", reason="pyiceberg is in requirements-spark.txt (make install-dev)")


def test_tables_over_the_row_limit_are_read_from_their_files(tmp_path: Path) -> None:
    import pyarrow as pa

    from data import lake
    from data.spark import SMALL_TABLE_ROWS, _frame, session

    cat = lake.catalog(tmp_path / "lake")
    lake.write_table(cat, "t", "big", pa.table({"n": list(range(SMALL_TABLE_ROWS + 1))}))
    lake.write_table(cat, "t", "small", pa.table({"n": list(range(SMALL_TABLE_ROWS))}))
    spark = session(small=True)
    big, small = _frame(spark, cat, "t", "big"), _frame(spark, cat, "t", "small")

    assert len(big.inputFiles()) == len(lake.data_files(cat, "t", "big")) == 1  # a scan of the Parquet file
    assert "LocalRelation" not in big._jdf.queryExecution().analyzed().toString()
    assert small.inputFiles() == []  # handed over as Arrow: a LocalRelation, configuration-sized
    assert "LocalRelation" in small._jdf.queryExecution().analyzed().toString()
    assert (big.count(), small.count()) == (SMALL_TABLE_ROWS + 1, SMALL_TABLE_ROWS)
    assert big.agg({"n": "sum"}).collect()[0][0] == SMALL_TABLE_ROWS * (SMALL_TABLE_ROWS + 1) // 2


def test_dashboard_results_come_back_with_duckdbs_types() -> None:
    """The pages are written for DuckDB's DataFrames (dates as datetime64, decimals as float64); Spark's toPandas gives
    date and Decimal objects, on which the filters failed on every page (`.dt` on quarter_start). Same values."""
    import datetime as dt
    from decimal import Decimal

    import pandas as pd
    from pyspark.sql.types import DateType, DecimalType, LongType, StructField, StructType

    from data.spark import as_duckdb_types

    schema = StructType(
        [StructField("quarter_start", DateType()), StructField("amount", DecimalType(18, 2)), StructField("n", LongType())]
    )
    frame = pd.DataFrame({"quarter_start": [dt.date(2026, 10, 1), None], "amount": [Decimal("1234.56"), None], "n": [3, 4]})
    out = as_duckdb_types(frame, schema)
    assert str(out["quarter_start"].dtype) == "datetime64[us]"
    assert out["quarter_start"].dt.date.tolist()[0] == dt.date(2026, 10, 1) and pd.isna(out["quarter_start"][1])
    assert str(out["amount"].dtype) == "float64" and out["amount"][0] == 1234.56 and pd.isna(out["amount"][1])
    assert out["n"].tolist() == [3, 4]
