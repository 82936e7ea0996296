"""bench/ingest_statements.py: one real load with every statement timed, the tool behind the large ingest's account."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from bench.ingest_statements import main, timed_ingest

FIXTURE = Path(__file__).parent / "fixtures" / "sf_tiny"


def test_every_statement_of_a_load_is_timed_and_the_load_is_live(tmp_path: Path) -> None:
    log = timed_ingest(FIXTURE, tmp_path / "crm.duckdb")
    built = [sql for _, sql in log if "CREATE TABLE stg_" in sql]
    # the staging files run in order, one statement each, among the load's own statements
    assert [sql.split("CREATE TABLE ", 1)[1].split()[0] for sql in built][:3] == ["stg_users", "stg_accounts", "stg_campaigns"]
    assert all(seconds >= 0 for seconds, _ in log) and len(log) > 100
    con = duckdb.connect(str(tmp_path / "crm.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM persona_of_title").fetchone()[0] > 0
    con.close()


def test_refused_export_still_writes_the_statements_until_the_refusal(tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    (export / "Lead.csv").write_text("Id,LastName\n00Q000000000001AAA,Doe\n", encoding="utf-8")
    out = tmp_path / "statements.json"
    assert main([str(export), str(tmp_path / "crm.duckdb"), "--out", str(out), "--top", "1"]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert all(set(r) == {"seconds", "sql"} for r in rows)
    # the lead file was read before the load found the required objects missing and refused it
    assert any(r["sql"].startswith("CREATE TABLE raw_lead AS SELECT * FROM read_csv(") for r in rows)
    assert not (tmp_path / "crm.duckdb").exists()  # nothing was made live
