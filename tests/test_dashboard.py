"""Every page driven by Streamlit's AppTest on the hand-built metrics fixture: exact tile values."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.brief_export import render_csv, render_html
from data.ingest import ingest
from tests.conftest import FIXTURES, ROOT_DIR, TINY, export_with

APP = str(ROOT_DIR / "dashboard" / "app.py")
Q4 = {"quarter": "2026-10-01", "as_of": "2026-11-20"}


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


def test_overview_side_by_side(metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_app_db, monkeypatch, **Q4)
    assert tiles(at) == {
        "MQLs": "3",
        "Followed up within SLA": "33.3%",
        "Marketing-sourced pipeline": "USD 40.0k",
        "Bookings": "USD 36.7k",
        "Quota attainment": "24.4%",
        "Pipeline coverage": "0.04x",
    }
    # compared with 11-06 (the default: 14 days before): then 1 MQL (K1), 10,000 booked (O1), the same created;
    # the date is said once, in the "Changes since" box above the tiles (in every delta it did not fit a tile)
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["MQLs"] == "+2"
    assert deltas["Bookings"] == "+USD 26.7k"
    assert deltas["Marketing-sourced pipeline"] == "no change"  # nothing was created after 11-06
    assert at.date_input(key="overview_since").label == "Changes since"
    assert at.date_input(key="overview_since").value == dt.date(2026, 11, 6)
    assert at.query_params["overview_since"] == "2026-11-06"
    # status against target and pace (targets from the definitions; the fixture's file sets an SLA target only)
    status = [m.value for m in at.markdown]
    assert "**SLA** :red[**Below target**] · target 80%" in status
    assert "**Attainment** :red[**Behind**] · 44% of the even pace (no past quarters to compare with)" in status
    infos = [i.value for i in at.info]
    assert any("1 opportunity(ies) in a currency without an exchange rate" in i for i in infos)
    # an as-of date past the data is said, never silently accepted
    assert any("The data runs to 2026-11-19" in i and "as of 2026-11-20 are those of 2026-11-19" in i for i in infos)
    assert "Data through 2026-11-19 10:00 UTC" in at.caption[0].value
    assert any("Sourced can exceed influenced" in c.value for c in at.caption)


def test_overview_compare_date_from_the_link(metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_app_db, monkeypatch, overview_since="2026-10-31", **Q4)
    assert at.date_input(key="overview_since").value == dt.date(2026, 10, 31)
    assert {m.label: m.delta for m in at.metric}["Bookings"] == "+USD 26.7k"


def test_region_filter_from_the_url(metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_app_db, monkeypatch, region="EMEA", **Q4)
    got = tiles(at)
    # EMEA: O2 25,000 marketing-sourced, O4 16,000 sales; O2 booked at 0.75 = 26,667; Eve's quota 60,000
    assert (got["MQLs"], got["Marketing-sourced pipeline"], got["Bookings"], got["Quota attainment"]) == (
        "0",
        "USD 25.0k",
        "USD 26.7k",
        "44.4%",
    )


def test_changing_a_filter_changes_tiles_and_the_url(metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_app_db, monkeypatch, **Q4)
    at.sidebar.selectbox(key="f_region").set_value("AMER").run()
    assert at.query_params["region"] == "AMER"
    assert (tiles(at)["Marketing-sourced pipeline"], tiles(at)["Bookings"]) == ("USD 15.0k", "USD 10.0k")
    at.sidebar.selectbox(key="f_currency").set_value("EUR").run()
    # AMER in EUR: O1 10,000 USD at 0.80 and O3 5,000 USD at 0.75 (created 11-01)
    assert tiles(at)["Marketing-sourced pipeline"] == "EUR 11.8k"
    assert at.query_params["currency"] == "EUR"


def test_invalid_link_values_are_ignored_with_a_notice(metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_app_db, monkeypatch, quarter="2026-10-01", as_of="yesterday", region="MARS", model="magic", owner="<script>")
    notices = [w.value for w in at.warning]
    assert any("`as_of=yesterday`" in n and "not a date" in n for n in notices)
    assert any("`region=MARS`" in n for n in notices)
    assert any("`model=magic`" in n for n in notices)
    assert any("`owner=<script>`" in n for n in notices)
    assert tiles(at)["Marketing-sourced pipeline"] == "USD 40.0k"  # all regions, as if the values were absent


PAGES = {
    "leads": {"Leads": "3", "MQLs": "3", "Handed off": "2", "Accepted": "2", "Converted": "1", "Won": "1"},
    "pipeline": {
        "Pipeline created": "USD 56.0k",
        "Marketing-sourced": "USD 40.0k",
        "Marketing-influenced": "USD 40.0k",
        "Influenced share": "71.4%",
    },
    "quota": {
        "Attainment": "24.4%",
        "Won": "USD 36.7k",
        "Gap": "USD 113.3k",
        "Coverage": "0.04x",
        "Pace vs linear": "44.1%",
        "Pace vs typical quarter": "–",
        "Expected from open pipeline": "USD 5,000",
    },
    "sla": {
        "Within SLA (wall clock)": "33.3%",
        "Within SLA (business hours)": "66.7%",
        "Untouched past target": "1",
        "Ignored": "0",
        "Median response": "40 min 00 s",
    },
    "regions": {
        "Bookings (USD, day's rates)": "USD 36.7k",
        "Bookings (USD, constant rates)": "USD 35.0k",
        "Exchange-rate effect": "USD 1,667",
        "Deals without a rate": "1",
    },
    "deals": {
        "Closed": "2 won · 1 lost",
        "Win rate (count)": "66.7%",
        "Won amount": "USD 36.7k",
        "Average cycle (won)": "28 days",
    },
    "brief": {
        "MQLs handed off": "1",
        "Pipeline created": "USD 0",
        "Bookings": "USD 26.7k",
        "SLA compliance": "0.0%",
        "Attainment to date": "24.4%",
    },
    "data_quality": {
        "Objects loaded": "13 of 15",
        "Records loaded": "60",
        "Records rejected": "0",
        "Records excluded": "0",
        "To look at": "5",
    },
}


# The first row of every table, as the page shows it: human headers, key column first (shares in %, durations in
# words, dates without a time; money and counts keep their numbers and get their format from dashboard/columns.py).
FIRST_ROWS = {
    "leads": [{"Split": "Web", "Leads": 2, "MQLs": 2, "Handed off": 1, "Accepted": 1, "Converted": 0, "Won": 0}],
    "pipeline": [
        {"Attribution model": "First touch", "Pipeline created": 56000.0, "Attributed": 40000.0, "Unattributed": 16000.0}
    ],
    "quota": [
        {
            "Name": "Ada AE",
            "Region": "AMER",
            "Quota": 50000.0,
            "Won": 10000.0,
            "Attainment": 20.0,
            "Gap": 40000.0,
            "Open pipeline": 0.0,
            "Coverage": 0.0,
            "Deals without a rate": 0.0,
        }
    ],
    "sla": [
        {
            "Region": "AMER",
            "SLA target": "15 min",
            "MQLs": 3,
            "Touched": 2,
            "Within SLA": 1,
            "Within SLA (business hours)": 2,
            "Untouched past target": 1,
            "Pending": 0,
            "Ignored": 0,
            "Share within SLA": pytest.approx(100 / 3),
            "Share within SLA (business hours)": pytest.approx(200 / 3),
            "Median response": "40 min",
            "90% answered within": "1 h 04 min",
            "Median response (business hours)": "10 min",
            "90% answered within (business hours)": "10 min",
        }
    ],
    "regions": [
        {
            "Region": "AMER",
            "Currency": "USD",
            "Bookings (local)": 10000.0,
            "Bookings": 10000.0,
            "Bookings at constant rates": 10000.0,
            "Open pipeline (local)": 5000.0,
            "Open pipeline": 5000.0,
            "Open pipeline at constant rates": 5000.0,
            "Exchange-rate effect": 0.0,
            "Deals without a rate": 0,
        }
    ],
    "deals": [
        {
            "Split": "Enterprise",
            "Won": 1,
            "Lost": 0,
            "Win rate": 100.0,
            "Won amount": 26666.67,
            "Lost amount": 0.0,
            "Win rate (amount)": 100.0,
            "Average cycle": 31.0,
            "Deals without a rate": 0,
        }
    ],
    "brief": [
        {
            "Event": "won",
            "Deal": "Berlin new",
            "Region": "EMEA",
            "Stage": "Closed Won",
            "Date": dt.date(2026, 11, 10),
            "Deal Id": "O2",
            "Amount": 26666.67,
            "Owner": "Eve AE",
        }
    ],
    "data_quality": [
        {
            "Object": "Lead",
            "Problem": "Lead without owner",
            "What happened": "leads owned by a queue or by nobody, so no rep is accountable for follow-up",
            "Records": 1,
            "Example Ids": "L3",
            "What to do": "Assign the leads in the CRM or fix the assignment rules",
        }
    ],
}


# The first row of every other table of each page, by its place on the page (the first tables are in FIRST_ROWS):
# Newsletter's linear credit is 35,000 of which 30,000 won (O1, O2), its 500 USD cost 70x; the queue's MQL was never
# touched; the week of 09-28 holds AMER's one MQL, touched in 10 minutes; the one open Negotiation deal is in ARS
# (no rate, so no amount), 36 days in the stage; the ARS deal is the one unconverted amount.
MORE_FIRST_ROWS: dict[str, dict[int, dict]] = {
    "pipeline": {
        1: {
            "Campaign": "Newsletter",
            "Campaign Id": "C3",
            "Channel": "Email",
            "Cost (own currency)": 500.0,
            "Currency": "USD",
            "Cost": 500.0,
            "Pipeline": 35000.0,
            "Won": 30000.0,
            "Pipeline per 1 of cost": 70.0,
            "Cost per 1 of pipeline": pytest.approx(500 / 35000),
            "Won per 1 of cost": 60.0,
        },
        2: {"Campaign": "Newsletter", "Channel": "Email", "Campaign Id": "C3", "Credit": 35000.0},
    },
    "sla": {
        1: {
            "Owner": "(queue)",
            "Region": "AMER",
            "MQLs": 1,
            "Touched": 0,
            "Untouched past target": 1,
            "Median response": "–",
            "Owner Id": "–",
        },
        2: {"Region": "AMER", "Week of": dt.date(2026, 9, 28), "MQLs": 1, "Share within SLA": 100.0, "Median response": "10 min"},
    },
    "deals": {
        1: {
            "Stage": "Negotiation",
            "Open deals": 1,
            "Open amount": 0.0,
            "Median time in stage": 36.0,
            "90% of deals within": 36.0,
            "Past close date": 0,
            "Deals without a rate": 1,
        }
    },
    "definitions": {
        0: {"Setting": "company_name", "Value": "Sample Company"},
        1: {"Region": "AMER", "SLA target": "15 min", "Time zone": "America/New_York", "Working hours": "09:00-17:00"},
        2: {"Stage": "Closed Lost", "Counts as": "lost", "Deals": 1},
    },
    "data_quality": {
        1: {"Currency": "ARS", "Deals": 1, "Amount (own currency)": 1000000.0},
        2: {"Object": "Event", "Status": "missing", "Files": 0, "Records loaded": 0},
        3: {"Object": "Account", "File": "accounts.csv", "Part": 1, "Encoding": "utf-8", "Records read": 3, "Columns": 5},
    },
}


@pytest.mark.parametrize("page", sorted(MORE_FIRST_ROWS))
def test_every_other_table_shows_its_first_row(page: str, metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_app_db, monkeypatch, page=page, **Q4)
    for place, expected in MORE_FIRST_ROWS[page].items():
        first = at.dataframe[place].value.head(1).to_dict("records")[0]
        assert {k: first[k] for k in expected} == expected, (page, place)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_shows_exact_tiles(page: str, metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_app_db, monkeypatch, page=page, **Q4)
    assert tiles(at) == PAGES[page]
    if page in FIRST_ROWS:
        first = at.dataframe[0].value
        assert first.head(1).to_dict("records") == FIRST_ROWS[page]


@pytest.mark.parametrize("page", ["overview", *sorted(p for p in PAGES if p not in ("brief", "data_quality"))])
def test_every_tile_opens_records_that_add_up_to_it(page: str, metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each tile's drill-down query, run with the page's filters, gives rows that make the tile's number."""
    from dashboard.db import connect
    from data.store import Store
    from queries import run_query

    at = run(metrics_app_db, monkeypatch, page=None if page == "overview" else page, **Q4)
    recorded = at.session_state["_drill_totals"]
    shown = tiles(at)
    assert recorded and set(recorded) <= set(shown)
    f = at.session_state["filters"]
    con = connect(Store(metrics_app_db).live_version())
    for label, (drill, total) in recorded.items():
        assert total is not None, label
        params = f.params(
            measure=drill.measure,
            slice_kind=drill.slice_kind,
            slice_value=drill.slice_value,
            **dict(drill.extra),
            limit=1_000_000,
            offset=0,
        )
        rows = run_query(con, drill.query, params)
        if drill.reconcile == "count":
            got = float(len(rows))
            assert len(rows) == 0 or int(rows["rows_total"].iloc[0]) == len(rows)
        elif drill.reconcile == "share":
            got = float(rows["wall_ok"].fillna(False).astype(bool).sum()) / len(rows)
        else:
            got = float(rows["amount"].fillna(0).sum())
            assert len(rows) == 0 or round(float(rows["amount_total"].iloc[0]), 2) == round(got, 2)
        assert round(got, 6) == round(total, 6), (label, got, total)


def test_a_drill_down_pages_its_rows(metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_app_db, monkeypatch, page="pipeline", **Q4)
    at.button(key="drill-pipeline-created").click().run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if d.value.columns[0] == "Deal")
    assert list(table.columns[:3]) == ["Deal", "Region", "Stage"] and len(table) == 5
    assert table["Amount"].tolist()[:2] == [25000.0, 16000.0]  # largest first
    assert any("**5** records, adding up to **USD 56,000**." in m.value for m in at.markdown)


@pytest.mark.parametrize("page", ["data_quality", "definitions"])
def test_the_load_caption_names_the_export_not_its_server_path(
    page: str, metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run(metrics_app_db, monkeypatch, page=page, **Q4)
    caption = at.caption[0].value
    assert "from the export `metrics`" in caption, caption
    assert str(FIXTURES) not in caption and "/" not in caption.split("from the export", 1)[1]


def test_campaigns_without_a_cost_are_listed_apart_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No grey 'None' in the campaign return: a campaign with no cost in the view is listed apart, saying why."""
    export = tmp_path / "export"
    shutil.copytree(FIXTURES / "metrics", export)
    campaigns = (export / "campaigns.csv").read_text()
    campaigns = campaigns.replace("2026-01-01,2026-12-31,500.00,500.00,USD", "2026-01-01,2026-12-31,500.00,,USD")
    campaigns = campaigns.replace(
        "C1,Demo requests,Demo Request,2026-01-01,2026-12-31", "C1,Demo requests,Demo Request,2026-01-01,2026-09-30"
    )
    (export / "campaigns.csv").write_text(campaigns)
    db = tmp_path / "crm.duckdb"
    ingest(export, db, quiet=True)
    at = run(db, monkeypatch, page="pipeline", **Q4)
    with_cost = next(d.value for d in at.dataframe if "Pipeline per 1 of cost" in d.value.columns)
    assert with_cost[["Campaign", "Cost", "Pipeline"]].to_dict("records") == [
        {"Campaign": "Autumn webinar", "Cost": 2500.0, "Pipeline": 2500.0}
    ]
    without = next(d.value for d in at.dataframe if "Why no cost" in d.value.columns)
    assert without[["Campaign", "Why no cost", "Pipeline", "Won"]].to_dict("records") == [
        {
            "Campaign": "Newsletter",
            "Why no cost": "no cost recorded in the CRM (actual cost empty)",
            "Pipeline": 35000.0,
            "Won": 30000.0,
        },
        {
            "Campaign": "Demo requests",
            "Why no cost": "did not run in this quarter: its cost counts in the quarters it ran",
            "Pipeline": 2500.0,
            "Won": 2500.0,
        },
    ]
    assert any("2 campaign(s) credited here have no cost" in c.value for c in at.caption)


def test_pages_follow_the_owner_filter(metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_app_db, monkeypatch, page="quota", owner="U3", **Q4)  # Cat's team: Ada and Ben
    assert (tiles(at)["Won"], tiles(at)["Attainment"]) == ("USD 10.0k", "11.1%")
    at = run(metrics_app_db, monkeypatch, page="sla", owner="U1", **Q4)
    assert tiles(at)["Within SLA (wall clock)"] == "100.0%"


def test_definitions_page_renders_the_contract(metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_app_db, monkeypatch, page="definitions", **Q4)
    assert at.title[0].value == "Definitions"
    assert "Pipeline influenced" in [e.label for e in at.expander]
    assert any(e.label == "MQL" for e in at.expander)  # the glossary, by concept
    assert any("fiscal_year_start_month = 1" in c.value for c in at.code)


def test_brief_export_is_self_contained_and_escapes_crm_text() -> None:
    changes = pd.DataFrame([{"measure": "Bookings", "previous": 10.0, "current": 25.0, "change": 15.0}])
    movers = pd.DataFrame(
        [
            {
                "event": "won",
                "event_date": "2026-11-10",
                "opportunity_name": "<script>alert(1)</script>",
                "region": "EMEA",
                "owner": "Eve & Co",
                "amount": 25.0,
            }
        ]
    )
    page = render_html("Brief", "view", dt.date(2026, 11, 6), dt.date(2026, 11, 20), changes, movers, "USD")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "Eve &amp; Co" in page and "USD 25.00" in page and "+USD 15.00" in page
    assert "http" not in page.replace('lang="en"', "")  # no external assets
    # the movers read as on the page (dashboard/columns.py): its headers, key columns first, money with currency
    assert "<tr><th>Event</th><th>Deal</th><th>Region</th><th>Date</th><th>Owner</th><th>Amount</th></tr>" in page
    assert "<td>2026-11-10</td>" in page and "<td class=num>USD 25</td>" in page
    sheet = render_csv(changes, movers, "USD").splitlines()
    assert sheet[0] == "Measure,Before,Now,Change,Unit" and sheet[1] == "Bookings,10.0,25.0,15.0,USD"
    assert sheet[3] == "Event,Deal,Region,Date,Owner,Amount (USD)"  # raw values under headers with units
    assert sheet[4] == "won,<script>alert(1)</script>,EMEA,2026-11-10,Eve & Co,25.0"


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


EMPTY = {
    "pipeline": "No opportunity was created",
    "regions": "No deal was won",
    "deals": "No deal was closed",
    "sla": "No MQLs in this quarter",
    "leads": "No leads or MQLs",
    "quota": "No quota is loaded",
}


@pytest.mark.parametrize("page", sorted(set(PAGES) | {"overview", "definitions"}))
def test_pages_with_no_data_say_what_is_missing(page: str, metrics_app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(metrics_app_db, monkeypatch, page=page, region="LATAM", **Q4)  # nothing happens in LATAM in this fixture
    if page in EMPTY:
        assert any(EMPTY[page] in i.value for i in at.info), [i.value for i in at.info]


def test_the_dashboard_depends_on_queries_the_store_and_access_only() -> None:
    import ast

    for path in (ROOT_DIR / "dashboard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            for name in names:
                # data.access: who is reading and the audit log (sign-in, dashboard/auth.py)
                assert name.split(".")[0] != "data" or name in ("data.store", "data.access"), f"{path.name} imports {name}"


def test_a_zero_step_never_reads_minus_zero() -> None:
    """A negated zero (no deal won in the window: -0.0) is 'USD 0' in tiles and tables, never 'USD -0'."""
    from dashboard.components import fmt_money
    from dashboard.components import fmt_money_short as short_in_components
    from dashboard.formats import fmt_money_short

    assert [fmt_money_short(-0.0, "USD"), short_in_components(-0.0, "USD"), fmt_money(-0.0, "USD")] == ["USD 0"] * 3
    assert fmt_money_short(-55_200.0, "USD") == "USD -55.2k"
