"""Every page driven by Streamlit's AppTest on the hand-built metrics fixture: exact tile values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.brief_export import render_html
from data.ingest import ingest
from tests.conftest import FIXTURES, ROOT_DIR, TINY, export_with

APP = str(ROOT_DIR / "dashboard" / "app.py")
Q4 = {"quarter": "2026-10-01", "as_of": "2026-11-20"}


@pytest.fixture(scope="module")
def metrics_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("dash") / "crm.duckdb"
    ingest(FIXTURES / "metrics", db, quiet=True)
    return db


def run(db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **url: str) -> AppTest:
    monkeypatch.setenv("CRM_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in url.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]  # the app turns page errors into a message: none expected
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_side_by_side(metrics_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_db, monkeypatch, **Q4)
    assert tiles(at) == {
        "MQLs": "3", "Handed off to sales": "2", "Followed up within SLA": "33.3%",
        "Marketing-sourced pipeline": "USD 40.0k", "Marketing-influenced pipeline": "USD 40.0k",
        "Influenced share of pipeline": "71.4%", "Bookings quarter to date": "USD 36.7k", "Quota attainment": "24.4%",
        "Quota": "USD 150.0k", "Pipeline created": "USD 56.0k", "Pipeline coverage": "0.04x", "Accepted by sales": "2"}
    # compared with 11-06 (the default: 14 days before): then 1 MQL (K1), 10,000 booked (O1), the same created
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["MQLs"] == "+2"
    assert deltas["Bookings quarter to date"] == "+USD 26.7k"
    assert not deltas["Pipeline created"]  # nothing was created after 11-06
    infos = [i.value for i in at.info]
    assert any("1 opportunity(ies) in a currency without an exchange rate" in i for i in infos)
    # an as-of date past the data is said, never silently accepted
    assert any("The data runs to 2026-11-19" in i and "as of 2026-11-20 are those of 2026-11-19" in i for i in infos)
    assert "Data through 2026-11-19 10:00 UTC" in at.caption[0].value


def test_region_filter_from_the_url(metrics_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_db, monkeypatch, region="EMEA", **Q4)
    got = tiles(at)
    # EMEA: O2 25,000 marketing-sourced, O4 16,000 sales; O2 booked at 0.75 = 26,667; Eve's quota 60,000
    assert (got["MQLs"], got["Marketing-sourced pipeline"], got["Pipeline created"], got["Bookings quarter to date"],
            got["Quota"], got["Quota attainment"]) == ("0", "USD 25.0k", "USD 41.0k", "USD 26.7k", "USD 60.0k", "44.4%")


def test_changing_a_filter_changes_tiles_and_the_url(metrics_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_db, monkeypatch, **Q4)
    at.sidebar.selectbox(key="f_region").set_value("AMER").run()
    assert at.query_params["region"] == "AMER"
    assert (tiles(at)["Pipeline created"], tiles(at)["Quota"]) == ("USD 15.0k", "USD 90.0k")
    at.sidebar.selectbox(key="f_currency").set_value("EUR").run()
    # AMER in EUR: O1 10,000 USD at 0.80 and O3 5,000 USD at 0.75 (created 11-01)
    assert tiles(at)["Pipeline created"] == "EUR 11.8k"
    assert at.query_params["currency"] == "EUR"


def test_invalid_link_values_are_ignored_with_a_notice(metrics_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_db, monkeypatch, quarter="2026-10-01", as_of="yesterday", region="MARS", model="magic",
             owner="<script>")
    notices = [w.value for w in at.warning]
    assert any("`as_of=yesterday`" in n and "not a date" in n for n in notices)
    assert any("`region=MARS`" in n for n in notices)
    assert any("`model=magic`" in n for n in notices)
    assert any("`owner=<script>`" in n for n in notices)
    assert tiles(at)["Pipeline created"] == "USD 56.0k"  # all regions, as if the values were absent


PAGES = {
    "leads": {"Leads": "3", "MQLs": "3", "Handed off": "2", "Accepted": "2", "Converted": "1", "Won": "1"},
    "pipeline": {"Pipeline created": "USD 56.0k", "Marketing-sourced": "USD 40.0k",
                 "Marketing-influenced": "USD 40.0k", "Influenced share": "71.4%"},
    "quota": {"Attainment": "24.4%", "Won": "USD 36.7k", "Gap": "USD 113.3k", "Coverage": "0.04x",
              "Pace vs linear": "44.1%", "Pace vs typical quarter": "–", "Expected from open pipeline": "USD 5,000",
              "New pipeline needed": "USD 108.3k", "New opportunities needed": "16", "MQLs needed": "–"},
    "sla": {"Within SLA (wall clock)": "33.3%", "Within SLA (business hours)": "66.7%", "Untouched past target": "1",
            "Ignored": "0", "Median response": "40 min 00 s"},
    "regions": {"Bookings (USD, day's rates)": "USD 36.7k", "Bookings (USD, constant rates)": "USD 35.0k",
                "Exchange-rate effect": "USD 1,667", "Deals without a rate": "1"},
    "deals": {"Closed": "2 won · 1 lost", "Win rate (count)": "66.7%", "Win rate (amount)": "69.6%",
              "Average cycle (won)": "28 days"},
    "brief": {"MQLs handed off": "1", "Pipeline created": "USD 0", "Bookings": "USD 26.7k",
              "SLA compliance": "0.0%", "Attainment to date": "24.4%"},
    "data_quality": {"Objects loaded": "13 of 15", "Records loaded": "60", "Records rejected": "0",
                     "Records excluded": "0", "Warnings": "3"},
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_shows_exact_tiles(page: str, metrics_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_db, monkeypatch, page=page, **Q4)
    assert tiles(at) == PAGES[page]


def test_pages_follow_the_owner_filter(metrics_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_db, monkeypatch, page="quota", owner="U3", **Q4)  # Cat's team: Ada and Ben
    assert (tiles(at)["Won"], tiles(at)["Attainment"]) == ("USD 10.0k", "11.1%")
    at = run(metrics_db, monkeypatch, page="sla", owner="U1", **Q4)
    assert tiles(at)["Within SLA (wall clock)"] == "100.0%"


def test_definitions_page_renders_the_contract(metrics_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_db, monkeypatch, page="definitions", **Q4)
    assert at.title[0].value == "Definitions"
    assert "Pipeline influenced" in [e.label for e in at.expander]
    assert any("fiscal_year_start_month = 1" in c.value for c in at.code)


def test_brief_export_is_self_contained_and_escapes_crm_text() -> None:
    changes = pd.DataFrame([{"measure": "Bookings", "previous": 10.0, "current": 25.0, "change": 15.0}])
    movers = pd.DataFrame([{"event": "won", "event_date": "2026-11-10", "opportunity_name": "<script>alert(1)</script>",
                            "region": "EMEA", "owner": "Eve & Co", "amount": 25.0}])
    page = render_html("Brief", "view", dt.date(2026, 11, 6), dt.date(2026, 11, 20), changes, movers, "USD")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "Eve &amp; Co" in page and "USD 25.00" in page and "+USD 15.00" in page
    assert "http" not in page.replace('lang="en"', "")  # no external assets


def test_without_a_database_the_app_says_how_to_load_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_DB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "No data has been loaded yet" in at.warning[0].value


def test_an_open_dashboard_picks_up_a_new_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "wh" / "crm.duckdb"
    ingest(TINY, db, quiet=True)
    at = run(db, monkeypatch, page="data_quality")
    assert tiles(at)["Records excluded"] == "0"
    ingest(export_with(tmp_path, "deleted_rows"), db, quiet=True)  # one deleted deal more
    at.run()
    assert tiles(at)["Records excluded"] == "1"
    assert tiles(at)["Records loaded"] == "32"


EMPTY = {"pipeline": "No opportunity was created", "regions": "No deal was won", "deals": "No deal was closed",
         "sla": "No MQLs in this quarter", "leads": "No leads or MQLs", "quota": "No quota is loaded"}


@pytest.mark.parametrize("page", sorted(set(PAGES) | {"overview", "definitions"}))
def test_pages_with_no_data_say_what_is_missing(page: str, metrics_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_db, monkeypatch, page=page, region="LATAM", **Q4)  # nothing happens in LATAM in this fixture
    if page in EMPTY:
        assert any(EMPTY[page] in i.value for i in at.info), [i.value for i in at.info]
