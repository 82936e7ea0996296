"""A single-currency org, past as-of dates read from stage history, and the segment filter: hand-worked numbers.

The fixture and every answer are in tests/fixtures/single_currency/README.md.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data.ingest import ingest
from queries import run_query
from tests.conftest import FIXTURES, ROOT_DIR, copy_loaded, rows

SINGLE = FIXTURES / "single_currency"
APP = str(ROOT_DIR / "dashboard" / "app.py")
Q4 = {
    "start_date": dt.date(2026, 10, 1),
    "end_date": dt.date(2026, 12, 31),
    "currency": "USD",
    "region": None,
    "segment": None,
    "owner": None,
    "model": "linear",
    "dimension": "source",
    "since": dt.date(2026, 11, 6),
}
HEADLINE = ["won", "quota", "attainment", "open_pipeline", "coverage", "pipeline", "mqls"]


@pytest.fixture(scope="module")
def con(single_db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(single_db), read_only=True)


@pytest.fixture(scope="module")
def no_history(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    export = tmp_path_factory.mktemp("nohist") / "export"
    shutil.copytree(SINGLE, export)
    (export / "OpportunityHistory.csv").unlink()
    db = export.parent / "crm.duckdb"
    ingest(export, db, quiet=True)
    return duckdb.connect(str(db), read_only=True)


def headline(con: duckdb.DuckDBPyConnection, as_of: str, **filters: object) -> dict[str, object]:
    row = run_query(con, "overview", {**Q4, "as_of": dt.date.fromisoformat(as_of), **filters}).iloc[0]
    return {k: (None if row[k] != row[k] else round(float(row[k]), 4)) for k in HEADLINE}


def test_single_currency_amounts_carry_the_corporate_currency(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(
        con,
        "SELECT DISTINCT currency_code FROM stg_opportunities UNION ALL "
        "SELECT DISTINCT currency_code FROM stg_quotas UNION ALL SELECT DISTINCT currency_code FROM stg_campaigns",
    ) == [("USD",), ("USD",), ("USD",)]
    assert rows(con, "SELECT object FROM ingest_warning WHERE code = 'single_currency' ORDER BY 1") == [
        ("Campaign",),
        ("ForecastingQuota",),
        ("Opportunity",),
    ]
    assert rows(con, "SELECT corporate_currency FROM ingest_run") == [("USD",)]


def test_the_last_day_with_data(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "SELECT data_through_at FROM data_extent") == [(dt.datetime(2026, 11, 20, 11, 0),)]
    assert headline(con, "2026-11-20") == {
        "won": 55000.0,
        "quota": 100000.0,
        "attainment": 0.55,
        "open_pipeline": 8000.0,
        "coverage": 0.1778,
        "pipeline": 63000.0,
        "mqls": 2,
    }


def test_a_past_date_reads_deals_as_they_stood_from_stage_history(con: duckdb.DuckDBPyConnection) -> None:
    # 11-10: O2 was in Negotiation at 40,000, O4 in Prospecting, O5 just created at 6,000; O3 already lost
    assert headline(con, "2026-11-10") == {
        "won": 10000.0,
        "quota": 100000.0,
        "attainment": 0.1,
        "open_pipeline": 51000.0,
        "coverage": 0.5667,
        "pipeline": 61000.0,
        "mqls": 1,
    }
    # 10-12: O2 at 30,000 and O3 still open; O4 and O5 did not exist
    assert headline(con, "2026-10-12") == {
        "won": 0.0,
        "quota": 100000.0,
        "attainment": 0.0,
        "open_pipeline": 65000.0,
        "coverage": 0.65,
        "pipeline": 40000.0,
        "mqls": 0,
    }
    stalled = run_query(con, "deals_stalled", {**Q4, "as_of": dt.date(2026, 11, 10)})
    assert sorted(zip(stalled["stage_name"], stalled["deals"], stalled["amount"].astype(float), strict=True)) == [
        ("Negotiation", 1, 40000.0),
        ("Prospecting", 2, 11000.0),
    ]


def test_without_stage_history_a_deal_closed_later_is_open_at_its_current_amount(no_history: duckdb.DuckDBPyConnection) -> None:
    assert headline(no_history, "2026-11-10") == {
        "won": 10000.0,
        "quota": 100000.0,
        "attainment": 0.1,
        "open_pipeline": 53000.0,
        "coverage": 0.5889,
        "pipeline": 63000.0,
        "mqls": 1,
    }
    assert rows(no_history, "SELECT DISTINCT state_source FROM opportunity_state") == [("close_date",)]


def test_bookings_owned_by_a_non_sales_user_count_the_same_on_every_page(con: duckdb.DuckDBPyConnection) -> None:
    params = {**Q4, "as_of": dt.date(2026, 11, 20)}
    levels = run_query(con, "quota_attainment", params)
    reps = levels[levels["level"] == "rep"]
    assert sorted(zip(reps["name"], reps["won"].astype(float), reps["quota"].astype(float), strict=True)) == [
        ("Ada Rep", 10000.0, 50000.0),
        ("Ben Rep", 40000.0, 50000.0),
        ("Max Marketer", 5000.0, 0.0),
    ]
    company = levels[levels["level"] == "company"].iloc[0]
    brief = run_query(con, "brief_changes", params).set_index("measure")
    assert round(company["attainment"], 4) == round(brief.loc["Attainment to date", "current"], 4) == 0.55


def test_segment_filter_applies_to_every_number_or_says_it_does_not(con: duckdb.DuckDBPyConnection) -> None:
    assert headline(con, "2026-11-20", segment="SMB") == {
        "won": 10000.0,
        "quota": None,
        "attainment": None,
        "open_pipeline": 8000.0,
        "coverage": None,
        "pipeline": 18000.0,
        "mqls": 1,
    }
    assert headline(con, "2026-11-20", segment="Enterprise") == {
        "won": 45000.0,
        "quota": None,
        "attainment": None,
        "open_pipeline": 0.0,
        "coverage": None,
        "pipeline": 45000.0,
        "mqls": 1,
    }
    params = {**Q4, "as_of": dt.date(2026, 11, 20), "segment": "SMB"}
    sla = run_query(con, "sla_by_region", params)
    assert (int(sla["mqls"].sum()), int(sla["within_target"].sum())) == (1, 1)
    funnel = run_query(con, "lead_funnel", params)
    assert (int(funnel["leads"].sum()), int(funnel["mqls"].sum())) == (1, 1)
    regions = run_query(con, "region_currency", params)
    assert (float(regions["bookings_reporting"].sum()), float(regions["pipeline_reporting"].sum())) == (10000.0, 8000.0)


def _app(db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **url: str) -> AppTest:
    monkeypatch.setenv("CRM_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in url.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_pages_agree_and_say_what_a_segment_leaves_out(single_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a copy of its own: the app opens it with its locked settings, which DuckDB refuses next to a plain connection
    single_db = copy_loaded(single_db, tmp_path / "app")
    overview = {m.label: m.value for m in _app(single_db, monkeypatch, quarter="2026-10-01", as_of="2026-11-20").metric}
    quota = {m.label: m.value for m in _app(single_db, monkeypatch, "quota", quarter="2026-10-01", as_of="2026-11-20").metric}
    brief = {m.label: m.value for m in _app(single_db, monkeypatch, "brief", quarter="2026-10-01", as_of="2026-11-20").metric}
    assert overview["Quota attainment"] == quota["Attainment"] == brief["Attainment to date"] == "55.0%"
    assert overview["Bookings"] == quota["Won"] == "USD 55.0k"
    smb = _app(single_db, monkeypatch, quarter="2026-10-01", as_of="2026-11-20", segment="SMB")
    tiles = {m.label: m.value for m in smb.metric}
    assert (tiles["Bookings"], tiles["Quota attainment"], tiles["Pipeline coverage"], tiles["MQLs"]) == (
        "USD 10.0k",
        "–",
        "–",
        "1",
    )
    assert any("quotas are set per owner, not per segment" in c.value for c in smb.caption)
    past = _app(single_db, monkeypatch, quarter="2026-10-01", as_of="2026-11-10")
    assert {m.label: m.value for m in past.metric}["Pipeline coverage"] == "0.57x"
