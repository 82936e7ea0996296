"""queries.compile --target spark covers every SQL file (none skipped silently) and writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sqlglot", reason="sqlglot is in requirements-spark.txt (make install-dev)")

from queries.compile import KINDS, ROOT, SQL_FOLDERS, CompileError, compile_all, main


@pytest.fixture(scope="module")
def compiled() -> list:
    return compile_all()


def test_every_sql_file_compiles(compiled: list) -> None:
    on_disk = sorted(p for _, folder in SQL_FOLDERS for p in (ROOT / folder).glob("*.sql"))
    assert [cf.path for cf in compiled] == on_disk  # every file, in build order (model first)
    assert all(cf.statements for cf in compiled)
    by_kind = {k: {s.name for cf in compiled for s in cf.statements if s.kind == k} for k in KINDS}
    assert {"mql", "attribution_share", "fx_daily", "opportunity_state"} <= by_kind["table"]
    assert {"deals_at", "to_money", "mqls_judged", "fiscal_quarter_of"} <= by_kind["macro"]
    assert {"cfg_setting", "stg_exchange_rates", "ingest_run"} <= by_kind["ddl"]
    assert {q.stem for q in on_disk if q.parent.name == "queries"} == by_kind["query"]
    queries = {cf.name: cf.statements[0] for cf in compiled if cf.layer == "metrics"}
    assert "deals_at" not in queries["overview"].sql.lower()  # macros expanded
    assert "as_of" in queries["overview"].params  # parameters bound, not formatted in
    assert "fx_lo" in queries["overview"].params  # the exchange-rate range: a load-time parameter


def test_command_writes_one_file_per_source(tmp_path: Path) -> None:
    assert main(["--target", "spark", "--out", str(tmp_path)]) == 0
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.sql"))
    assert "model/40_mql.sql" in written and "metrics/overview.sql" in written
    assert len(written) == sum(len(list((ROOT / folder).glob("*.sql"))) for _, folder in SQL_FOLDERS)


def test_unknown_table_function_is_an_error_naming_the_file() -> None:
    import sqlglot

    from queries.compile import to_spark

    tree = sqlglot.parse_one("SELECT * FROM no_such_macro(1)", read="duckdb")
    with pytest.raises(CompileError, match=r"x\.sql: table function no_such_macro"):
        to_spark(tree, {}, "x.sql")
