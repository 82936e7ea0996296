"""`python -m data.ingest EXPORT --lake DIR`: the loaded data as Iceberg tables beside the DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

pytest.importorskip("pyiceberg", reason="pyiceberg is in requirements-spark.txt (make install-dev)")

from data import lake
from data.ingest import ingest
from tests.conftest import FIXTURES


def test_ingest_writes_the_model_and_its_sources(tmp_path: Path) -> None:
    db, lake_dir = tmp_path / "crm.duckdb", tmp_path / "lake"
    ingest(FIXTURES / "metrics", db, quiet=True, lake=lake_dir)
    cat = lake.catalog(lake_dir)
    con = duckdb.connect(str(db), read_only=True)
    tables = {
        name: n
        for name, n in con.execute(
            "SELECT table_name, estimated_size FROM duckdb_tables() WHERE table_name NOT LIKE 'raw_%'"
        ).fetchall()
    }
    # the model as DuckDB built it, every table, the same rows
    assert set(lake.table_names(cat, lake.MODEL_NS)) == set(tables)
    for name in ("mql", "attribution_share", "stg_opportunities", "fx_conversion"):
        assert lake.read_table(cat, lake.MODEL_NS, name).num_rows == con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    con.close()
    # what the model starts from: the typed export (without the ingest's own bookkeeping) and the load-filled tables
    source = set(lake.table_names(cat, lake.SOURCE_NS))
    assert {"typed_opportunity", "typed_lead", "cfg_setting", "stg_exchange_rates", "work_day", "ingest_run"} <= source
    assert not {"mql", "stg_opportunities"} & source
    typed = lake.read_table(cat, lake.SOURCE_NS, "typed_opportunity")
    assert not [c for c in typed.column_names if c.startswith("_")]
    assert typed.num_rows > 0
