"""Snapshots kept across loads and the pipeline waterfall, on the hand-worked three-load fixture.

tests/fixtures/time_travel/README.md works every number below by hand.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.brief_export import render_csv, render_html
from data.ingest import IngestError, ingest, main
from data.sample.series import write_series
from queries import run_query
from queries.__main__ import default_params
from tests.conftest import FIXTURES, ROOT_DIR, named_rows, rows

TT = FIXTURES / "time_travel"
DAYS = ("2026-10-07", "2026-10-14", "2026-10-21")
D = {i: f"00600000000000{i}AAA" for i in range(1, 9)}


def load_day(day: str, db: Path, given: bool = True) -> list[str]:
    """Load one of the three exports at its own time; return the snapshot notices."""
    summary = ingest(TT / day, db, quiet=True, as_of_export=dt.datetime.fromisoformat(day) if given else None)
    return [w.message for w in summary.warnings if w.code == "snapshot"]


@pytest.fixture(scope="module")
def in_order(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("in_order") / "crm.duckdb"
    for day in DAYS:
        load_day(day, db)
    return db


@pytest.fixture(scope="module")
def con(in_order: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(in_order), read_only=True)


def waterfall(con: duckdb.DuckDBPyConnection, since: str, as_of: str, **filters: object) -> dict[str, tuple[int, float]]:
    params = {**default_params(con), "since": dt.date.fromisoformat(since), "as_of": dt.date.fromisoformat(as_of), **filters}
    frame = run_query(con, "pipeline_waterfall", params)
    return {r.step: (int(r.deals), float(r.amount)) for r in frame.itertuples()}


def snapshot_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return rows(con, "SELECT * FROM snapshot_opportunity ORDER BY ALL") + rows(con, "SELECT * FROM snapshot_lead ORDER BY ALL")


def test_each_load_stores_only_what_changed(con: duckdb.DuckDBPyConnection) -> None:
    assert named_rows(
        con,
        "SELECT as_of, as_of_source, opportunities, leads, opportunity_changes, lead_changes FROM snapshot_load ORDER BY as_of",
    ) == [
        {
            "as_of": dt.datetime(2026, 10, 7),
            "as_of_source": "setting",
            "opportunities": 6,
            "leads": 2,
            "opportunity_changes": 6,
            "lead_changes": 2,
        },
        {
            "as_of": dt.datetime(2026, 10, 14),
            "as_of_source": "setting",
            "opportunities": 7,
            "leads": 2,
            "opportunity_changes": 4,
            "lead_changes": 1,
        },
        {
            "as_of": dt.datetime(2026, 10, 21),
            "as_of_source": "setting",
            "opportunities": 8,
            "leads": 2,
            "opportunity_changes": 5,
            "lead_changes": 1,
        },
    ]
    # D1 moved forecast category at the second load, stage and amount at the third
    assert rows(
        con,
        "SELECT as_of::DATE, stage_name, amount, forecast_category FROM snapshot_opportunity "
        "WHERE opportunity_id = ? ORDER BY as_of",
        [D[1]],
    ) == [
        (dt.date(2026, 10, 7), "Prospecting", 10000, "Pipeline"),
        (dt.date(2026, 10, 14), "Prospecting", 10000, "Best Case"),
        (dt.date(2026, 10, 21), "Proposal", 12000, "Commit"),
    ]
    assert rows(
        con, "SELECT as_of::DATE, status, owner_id FROM snapshot_lead WHERE lead_id = '00Q000000000002EAA' ORDER BY as_of"
    ) == [
        (dt.date(2026, 10, 7), "Open", "005000000000002AAA"),
        (dt.date(2026, 10, 21), "Qualified", "005000000000001AAA"),
    ]


def test_waterfall_first_to_last_load(con: duckdb.DuckDBPyConnection) -> None:
    assert waterfall(con, "2026-10-07", "2026-10-21") == {
        "open_start": (4, 75000.0),
        "created": (2, 10000.0),
        "pulled_in": (1, 8000.0),
        "pushed_out": (1, -15000.0),
        "amount_changed": (1, 2000.0),
        "won": (1, -20000.0),
        "lost": (1, -30000.0),
        "other": (0, 0.0),
        "open_end": (4, 30000.0),
    }


def test_waterfall_first_to_second_load_and_by_region(con: duckdb.DuckDBPyConnection) -> None:
    week = waterfall(con, "2026-10-07", "2026-10-14")
    assert {k: v for k, v in week.items() if v != (0, 0.0)} == {
        "open_start": (4, 75000.0),
        "created": (1, 5000.0),
        "pushed_out": (1, -15000.0),
        "won": (1, -20000.0),
        "open_end": (3, 45000.0),
    }
    emea = waterfall(con, "2026-10-07", "2026-10-21", region="EMEA")
    assert {k: v for k, v in emea.items() if v != (0, 0.0)} == {
        "open_start": (2, 50000.0),
        "pulled_in": (1, 8000.0),
        "won": (1, -20000.0),
        "lost": (1, -30000.0),
        "open_end": (1, 8000.0),
    }


def test_waterfall_says_where_the_states_come_from(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    params = {**default_params(con), "since": dt.date(2026, 10, 7), "as_of": dt.date(2026, 10, 21)}
    frame = run_query(con, "pipeline_waterfall", params)
    assert set(frame["source_start"]) == {"snapshots"} and set(frame["source_end"]) == {"snapshots"}
    # one load without a given time: the snapshot takes the export's newest moment (D6 lost on 2026-10-19)
    one = tmp_path / "one" / "crm.duckdb"
    load_day(DAYS[2], one, given=False)
    single = duckdb.connect(str(one), read_only=True)
    assert rows(single, "SELECT as_of, as_of_source FROM snapshot_load") == [(dt.datetime(2026, 10, 19), "export")]
    assert run_query(single, "pipeline_waterfall", params)["source_start"].iloc[0] == "created and close dates"


def test_steps_add_up_and_ends_are_the_open_pipeline(con: duckdb.DuckDBPyConnection) -> None:
    for since, as_of in (("2026-10-07", "2026-10-21"), ("2026-10-10", "2026-10-19"), ("2026-09-01", "2026-10-14")):
        w = waterfall(con, since, as_of)
        steps = sum(amount for step, (_, amount) in w.items() if step not in ("open_start", "open_end"))
        assert round(w["open_start"][1] + steps, 2) == w["open_end"][1]
        for date, end in ((since, "open_start"), (as_of, "open_end")):
            expected = rows(
                con,
                "SELECT coalesce(sum(amount_rep), 0) "
                "FROM open_pipeline_at(DATE '2026-10-01', DATE '2026-12-31', ?, 'USD', NULL, NULL, NULL)",
                [dt.date.fromisoformat(date)],
            )[0][0]
            assert float(expected) == w[end][1]


def test_drill_lists_the_deals_behind_each_step(con: duckdb.DuckDBPyConnection) -> None:
    params = {**default_params(con), "since": dt.date(2026, 10, 7), "as_of": dt.date(2026, 10, 21)}
    every = run_query(con, "drill_pipeline_changes", params)
    assert sorted(zip(every["opportunity_id"], every["step"], every["change"].astype(float), strict=True)) == [
        (D[1], "amount_changed", 2000.0),
        (D[2], "won", -20000.0),
        (D[3], "pushed_out", -15000.0),
        (D[4], "pulled_in", 8000.0),
        (D[5], "created", 4000.0),
        (D[6], "lost", -30000.0),
        (D[7], "created", 6000.0),
    ]
    slipped = run_query(con, "drill_pipeline_changes", {**params, "step": "slipped"})
    assert list(zip(slipped["opportunity_id"], slipped["close_date_moved_days"], strict=True)) == [(D[3], 36)]


def test_same_export_twice_is_stored_once(in_order: Path, tmp_path: Path) -> None:
    db = tmp_path / "crm.duckdb"
    shutil.copytree(in_order.parent, db.parent, dirs_exist_ok=True, symlinks=True)
    before = snapshot_rows(duckdb.connect(str(db), read_only=True))
    assert load_day(DAYS[2], db) == ["this export's snapshot (2026-10-21 00:00) is already stored; nothing was added"]
    after = duckdb.connect(str(db), read_only=True)
    assert snapshot_rows(after) == before
    assert rows(after, "SELECT count(*) FROM snapshot_load") == [(3,)]


def test_another_export_at_a_stored_time_is_refused_and_nothing_is_lost(in_order: Path, tmp_path: Path) -> None:
    db = tmp_path / "crm.duckdb"
    shutil.copytree(in_order.parent, db.parent, dirs_exist_ok=True, symlinks=True)
    live = db.resolve()
    with pytest.raises(IngestError, match="a different export is already stored as the snapshot of 2026-10-14 00:00"):
        ingest(TT / DAYS[2], db, quiet=True, as_of_export=dt.datetime(2026, 10, 14))
    assert db.resolve() == live
    assert rows(duckdb.connect(str(db), read_only=True), "SELECT count(*) FROM snapshot_load") == [(3,)]


def test_a_corrected_export_of_the_same_moment_replaces_its_snapshot(tmp_path: Path) -> None:
    """No --as-of-export: an export whose newest moment is stored with other content is a corrected copy of it."""
    db = tmp_path / "crm.duckdb"
    load_day(DAYS[1], db, given=False)
    first = rows(duckdb.connect(str(db), read_only=True), "SELECT as_of FROM snapshot_load")
    fixed = tmp_path / "fixed"
    shutil.copytree(TT / DAYS[1], fixed)
    opps = fixed / "Opportunity.csv"
    opps.write_text(
        opps.read_text().replace(
            "Acme - Platform,001000000000001AAA,005000000000001AAA,10000.00",
            "Acme - Platform,001000000000001AAA,005000000000001AAA,11000.00",
        )
    )
    summary = ingest(fixed, db, quiet=True)
    notices = [w.message for w in summary.warnings if w.code == "snapshot"]
    assert len(notices) == 1 and "replaced that snapshot" in notices[0] and "1 opportunity record(s) differ" in notices[0]
    con = duckdb.connect(str(db), read_only=True)
    assert rows(con, "SELECT as_of FROM snapshot_load") == first  # still one snapshot, at the same moment
    assert rows(con, "SELECT amount FROM snapshot_opportunity WHERE opportunity_id = '006000000000001AAA'") == [(11000,)]


def test_past_exports_load_in_any_order(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    db = tmp_path / "crm.duckdb"
    assert load_day(DAYS[2], db) == []
    assert load_day(DAYS[0], db) == [
        "this export (2026-10-07 00:00) is older than the live data (2026-10-21 00:00): its snapshot was added "
        "to the history and the live tables still show the newer export"
    ]
    load_day(DAYS[1], db)
    shuffled = duckdb.connect(str(db), read_only=True)
    assert snapshot_rows(shuffled) == snapshot_rows(con)
    # the live tables are still the newest export's
    assert rows(shuffled, "SELECT amount FROM stg_opportunities WHERE opportunity_id = ?", [D[1]]) == [(12000,)]
    assert rows(shuffled, "SELECT count(*) FROM stg_opportunities") == [(8,)]
    assert waterfall(shuffled, "2026-10-07", "2026-10-21") == waterfall(con, "2026-10-07", "2026-10-21")


def test_pipeline_changes_page(in_order: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "crm.duckdb"  # a copy: this process already holds the fixture's database open
    shutil.copytree(in_order.parent, db.parent, dirs_exist_ok=True, symlinks=True)
    monkeypatch.setenv("CRM_DB", str(db))
    at = AppTest.from_file(str(ROOT_DIR / "dashboard" / "app.py"), default_timeout=60)
    for key, value in {"quarter": "2026-10-01", "as_of": "2026-10-21", "changes_from": "2026-10-07"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("views/pipeline_changes.py").run()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric} == {
        "Open at start": "USD 75.0k",
        "Open at end": "USD 30.0k",
        "Net change": "USD -45.0k",
        "Won in the window": "USD 20.0k",
    }
    table = at.dataframe[0].value
    assert list(zip(table["Deal"], table["Step"], table["Change"], strict=True))[:3] == [
        ("Bolt - Migration", "Lost", -30000.0),
        ("Bolt - Renewal", "Won", -20000.0),
        ("Acme - Analytics", "Pushed out", -15000.0),
    ]
    assert len(table) == 7
    assert any("Deal states from the snapshots of your loads" in c.value for c in at.caption)
    at.radio(key="changes_step").set_value("slipped").run()
    assert list(at.dataframe[0].value["Deal"]) == ["Acme - Analytics"]
    assert at.query_params["changes_step"] == "slipped"


def test_brief_shows_the_waterfall_and_the_deals_that_slipped(con: duckdb.DuckDBPyConnection) -> None:
    params = {**default_params(con), "since": dt.date(2026, 10, 7), "as_of": dt.date(2026, 10, 21)}
    pipeline = run_query(con, "pipeline_waterfall", params)
    slipped = run_query(con, "drill_pipeline_changes", {**params, "step": "slipped"})
    args = ("brief", "view", dt.date(2026, 10, 7), dt.date(2026, 10, 21))
    changes = run_query(con, "brief_changes", params)
    movers = run_query(con, "brief_movers", params)
    page = render_html(*args, changes, movers, "USD", pipeline, slipped)
    assert "<h2>Deals that slipped</h2>" in page
    assert "<td>Acme - Analytics</td><td>Ada Rep</td><td>2026-12-15</td><td>2027-01-20</td>" in page
    assert "<td>Pushed out</td><td class=num>1</td><td class=num>USD -15,000</td>" in page
    csv = render_csv(changes, movers, "USD", pipeline, slipped)
    assert "Acme - Analytics,Ada Rep,2026-12-15,2027-01-20,36" in csv


def test_the_sample_series_rewinds_one_company_week_by_week(tmp_path: Path) -> None:
    """data.sample --snapshots: each earlier export is the company as it stood then (single_currency: see its README)."""
    out = write_series(FIXTURES / "single_currency", tmp_path, dt.date(2026, 11, 20), 2)
    assert [p.name for p in out] == ["2026-11-20", "2026-11-13"]
    earlier = duckdb.connect()
    opps = named_rows(
        earlier,
        f"SELECT Id, StageName, IsClosed, ForecastCategoryName FROM read_csv('{out[1]}/Opportunity.csv', all_varchar = true) "
        "ORDER BY Id",
    )
    # O4 was won on 11-18 and O5 created on 11-10: on 11-13 O4 was still in Prospecting
    assert [(r["Id"][-4:], r["StageName"], r["IsClosed"], r["ForecastCategoryName"]) for r in opps] == [
        ("1AAA", "Closed Won", "true", "Closed"),
        ("2AAA", "Negotiation", "false", "Pipeline"),
        ("3AAA", "Closed Lost", "true", "Omitted"),
        ("4AAA", "Prospecting", "false", "Pipeline"),
        ("5AAA", "Prospecting", "false", "Pipeline"),
    ]
    leads = rows(earlier, f"SELECT count(*) FROM read_csv('{out[1]}/Lead.csv', all_varchar = true)")
    assert leads == [(2,)]


def test_same_day_last_quarter_on_overview_and_quota(in_order: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "crm.duckdb"
    shutil.copytree(in_order.parent, db.parent, dirs_exist_ok=True, symlinks=True)
    monkeypatch.setenv("CRM_DB", str(db))
    at = AppTest.from_file(str(ROOT_DIR / "dashboard" / "app.py"), default_timeout=60)
    for key, value in {"quarter": "2026-10-01", "as_of": "2026-10-21", "overview_compare": "last_quarter"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception and not at.error
    # Q3 2026 to 07-21 (day 21 of that quarter): nothing was won yet; now D2 20,000 + D8 9,000
    deltas = {m.label: (m.value, m.delta) for m in at.metric}
    assert deltas["Bookings"] == ("USD 29.0k", "+USD 29.0k")
    assert any("FY2026 Q3 to date, as of 2026-07-21" in c.value for c in at.caption)
    at.query_params["quota_compare"] = "last_quarter"
    at.switch_page("views/quota.py").run()
    assert not at.exception and not at.error
    quota = {m.label: (m.value, m.delta) for m in at.metric}
    assert quota["Won"] == ("USD 29.0k", "+USD 29.0k")
    assert quota["Attainment"] == ("29.0%", "")  # no quota was loaded for Q3: nothing to compare
    forecast = at.dataframe[-1].value
    assert list(forecast["Figure"]) == ["Won", "Commit", "Best case", "Pipeline", "Forecast (won + commit + best case)"]
    assert list(forecast["Amount"]) == [29000.0, 12000.0, 8000.0, 10000.0, 49000.0]


def test_forecast_categories_and_how_they_moved(con: duckdb.DuckDBPyConnection) -> None:
    params = {**default_params(con), "since": dt.date(2026, 10, 7), "as_of": dt.date(2026, 10, 21)}
    frame = run_query(con, "forecast_categories", params)
    got = {r.figure: (r.deals, float(r.amount), float(r.amount_then), float(r.change)) for r in frame.itertuples()}
    assert got == {
        "won": (2, 29000.0, 9000.0, 20000.0),  # D2 + D8; at 10-07 D8 only
        "commit": (1, 12000.0, 50000.0, -38000.0),  # D1; at 10-07 D2 + D6
        "best_case": (1, 8000.0, 0.0, 8000.0),  # D4 (pulled into the quarter)
        "pipeline": (2, 10000.0, 25000.0, -15000.0),  # D5 + D7; at 10-07 D1 + D3
        "forecast": (4, 49000.0, 59000.0, -10000.0),
    }
    assert set(frame["quota"].astype(float)) == {100000.0}


def test_the_command_line_takes_the_exports_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([str(TT / DAYS[0]), "--db", str(tmp_path / "crm.duckdb"), "--as-of-export", "last week"])
    assert exit_.value.code == 2
    assert "'last week' is not a date; give YYYY-MM-DD or YYYY-MM-DDTHH:MM" in capsys.readouterr().err
    assert not (tmp_path / "crm.duckdb").exists()


def test_snapshots_that_cannot_be_carried_refuse_the_load(in_order: Path, tmp_path: Path) -> None:
    db = tmp_path / "crm.duckdb"
    shutil.copytree(in_order.parent, db.parent, dirs_exist_ok=True, symlinks=True)
    live = db.resolve()
    with duckdb.connect(str(live)) as w:  # as a later version of this program might have stored them
        w.execute("ALTER TABLE snapshot_opportunity ADD COLUMN next_step VARCHAR")
    with pytest.raises(IngestError, match="the live database's snapshots cannot be carried into this version"):
        load_day(DAYS[2], db)
    assert db.resolve() == live
    assert rows(duckdb.connect(str(db), read_only=True), "SELECT count(*) FROM snapshot_opportunity") == [(15,)]


def test_before_the_first_snapshot_a_deal_without_history_is_as_first_seen(con: duckdb.DuckDBPyConnection) -> None:
    # no stage history in these exports: on 09-20 D1 and D3 read as the 10-07 snapshot saw them, not as now
    got = rows(
        con,
        "SELECT opportunity_id, stage_name, amount, close_date FROM deals_at(DATE '2026-09-20', NULL, NULL, NULL) "
        "WHERE opportunity_id IN (?, ?) ORDER BY 1",
        [D[1], D[3]],
    )
    assert got == [(D[1], "Prospecting", 10000, dt.date(2026, 11, 30)), (D[3], "Qualification", 15000, dt.date(2026, 12, 15))]
