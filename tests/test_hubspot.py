"""HubSpot exports load into the same model: three tiny fixtures of one company, worked by hand.

tests/fixtures/hubspot/README.md works every expected number out from the files. The three
layouts (UI display labels, Fivetran internal names, a spreadsheet re-save) must give the same
numbers to the cent and the minute.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from data.ingest import IngestError, ingest
from data.ingest.hubspot.values import parse_datetime, parse_number, parse_owner, parse_probability
from queries import run_query
from queries.__main__ import default_params
from tests.conftest import FIXTURES, ROOT_DIR, named_rows

HUBSPOT = FIXTURES / "hubspot"
LAYOUTS = ["ui", "fivetran", "resaved"]
QUARTER = {"as_of": dt.date(2025, 5, 15), "start_date": dt.date(2025, 4, 1), "end_date": dt.date(2025, 6, 30)}


def portal_config(tmp_path: Path, zone: str = "America/New_York") -> Path:
    """definitions.toml with the fixture portal's time zone."""
    text = (ROOT_DIR / "definitions.toml").read_text(encoding="utf-8")
    out = tmp_path / "definitions.toml"
    out.write_text(text.replace('portal_time_zone = "UTC"', f'portal_time_zone = "{zone}"'), encoding="utf-8")
    return out


@pytest.fixture(scope="module", params=LAYOUTS)
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    tmp = tmp_path_factory.mktemp(f"hubspot-{request.param}")
    db = tmp / "crm.duckdb"
    ingest(HUBSPOT / request.param, db, portal_config(tmp), quiet=True)
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def _params(con: duckdb.DuckDBPyConnection, **extra: object) -> dict:
    return {**default_params(con), **QUARTER, "since": QUARTER["start_date"], **extra}


def test_headline_numbers_are_the_hand_worked_ones(loaded: duckdb.DuckDBPyConnection) -> None:
    o = run_query(loaded, "overview", _params(loaded)).iloc[0]
    assert {k: float(o[k]) for k in ("won", "pipeline", "open_pipeline", "marketing_pipeline", "mqls", "sla_compliance")} == {
        "won": 135000.0,  # 301 (130,000, closed 20 Apr) + 305 (5,000, closed 2 Apr; created in Q1)
        "pipeline": 245000.0,  # created in Q2: 301 + 302 (24,999.999999999996 -> 25,000) + 303 + 304
        "open_pipeline": 35000.0,  # 302 Contract sent + 304 "Verbal commit" (unmapped, so open)
        "marketing_pipeline": 165000.0,  # Paid Search 301, 304 + Organic Search 302; Offline 303 is not marketing
        "mqls": 4.0,  # Alice, Bob, Carol, Eve; Dan has no MQL date
        "sla_compliance": 0.5,  # Alice 10 min and Eve 12 min within 15; Bob 30 and Carol 20 (Mia is marketing) not
    }


def test_mqls_by_source(loaded: duckdb.DuckDBPyConnection) -> None:
    by_source = run_query(loaded, "lead_funnel_by", _params(loaded, dimension="source"))
    assert {r["value"]: int(r["mqls"]) for _, r in by_source.iterrows()} == {
        "Paid Search": 1,  # Alice
        "Organic Search": 1,  # Bob
        "Email": 1,  # Carol: Original Source "Email Marketing" -> hubspot.sources -> Email
        "Offline": 1,  # Eve: "Offline Sources"
        "Web": 0,  # Dan: "Direct Traffic", never an MQL
    }
    by_channel = run_query(loaded, "lead_funnel_by", _params(loaded, dimension="channel"))
    # no campaign in a HubSpot export: the lead source through campaign_channels ("Paid Search" -> Paid Media)
    assert {r["value"]: int(r["mqls"]) for _, r in by_channel.iterrows() if r["mqls"]} == {
        "Paid Media": 1,
        "Organic Search": 1,
        "Email": 1,
        "Offline": 1,
    }


def test_mql_moments_and_first_touches_are_utc_from_the_portal_zone(loaded: duckdb.DuckDBPyConnection) -> None:
    got = named_rows(loaded, "SELECT person_id, mql_at, first_touch_at, region FROM mql ORDER BY person_id")
    t = dt.datetime
    assert got == [
        {"person_id": "201", "mql_at": t(2025, 4, 2, 14, 0), "first_touch_at": t(2025, 4, 2, 14, 10), "region": "AMER"},
        {"person_id": "202", "mql_at": t(2025, 4, 3, 12, 30), "first_touch_at": t(2025, 4, 3, 13, 0), "region": "EMEA"},
        {"person_id": "203", "mql_at": t(2025, 4, 10, 19, 0), "first_touch_at": t(2025, 4, 10, 19, 20), "region": "AMER"},
        {"person_id": "205", "mql_at": t(2025, 5, 1, 15, 0), "first_touch_at": t(2025, 5, 1, 15, 12), "region": "EMEA"},
    ]


def test_deals_owners_and_stage_history(loaded: duckdb.DuckDBPyConnection) -> None:
    deals = named_rows(
        loaded,
        "SELECT opportunity_id, account_id, owner_id, amount, stage_category, close_date, region "
        "FROM stg_opportunities ORDER BY 1",
    )
    d = dt.date
    assert [
        (
            r["opportunity_id"],
            r["account_id"],
            r["owner_id"],
            float(r["amount"]),
            r["stage_category"],
            r["close_date"],
            r["region"],
        )
        for r in deals
    ] == [
        ("301", "101", "Ana_Silva", 130000.0, "won", d(2025, 4, 20), "AMER"),
        ("302", "102", "Ben_Okafor", 25000.0, "open", d(2025, 6, 15), "EMEA"),
        ("303", "103", "old.rep@acme.io", 80000.0, "lost", d(2025, 5, 2), "EMEA"),  # no team: Initech's Germany
        ("304", "101", "Ana_Silva", 10000.0, "open", d(2025, 6, 30), "AMER"),
        ("305", "101", "Ana_Silva", 5000.0, "won", d(2025, 4, 2), "AMER"),
    ]
    assert loaded.execute("SELECT count(*) FROM stg_opportunity_stage_history").fetchall() == [(10,)]
    roles = loaded.execute("SELECT opportunity_id, contact_id FROM stg_opportunity_contact_roles ORDER BY 1").fetchall()
    assert roles == [("301", "201"), ("302", "202"), ("303", "205"), ("304", "201"), ("305", "201")]
    users = named_rows(loaded, "SELECT user_id, is_sales FROM stg_users ORDER BY 1")
    assert [(u["user_id"], u["is_sales"]) for u in users] == [
        ("Ana_Silva", True),
        ("Ben_Okafor", True),
        ("Mia_Chen", False),  # team Marketing: her meeting is no sales touch
        ("old.rep@acme.io", True),  # no team: hubspot.owner_title "Sales"
    ]


def test_a_deactivated_owner_is_an_inactive_user(tmp_path: Path) -> None:
    db = tmp_path / "crm.duckdb"
    ingest(HUBSPOT / "ui", db, portal_config(tmp_path), quiet=True)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT user_id FROM stg_users WHERE NOT is_active").fetchall() == [("old.rep@acme.io",)]


def test_warnings_list_stages_to_map_and_the_attribution_models(loaded: duckdb.DuckDBPyConnection) -> None:
    codes = {r[0]: r for r in loaded.execute("SELECT code, message FROM ingest_warning").fetchall()}
    assert "Verbal commit" in codes["hubspot_unmapped_stage"][1] or "verbalcommit" in codes["hubspot_unmapped_stage"][1]
    assert "available: first touch by lead source (Original Source" in codes["attribution_models"][1]


def test_detected_without_source_and_refused_bad_values_name_file_row_column_value(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(HUBSPOT / "ui", export)
    deals = export / "hubspot-crm-exports-all-deals-2025-05-15.csv"
    deals.write_text(deals.read_text(encoding="utf-8").replace("130000.0", "130k"), encoding="utf-8")
    with pytest.raises(IngestError) as err:
        ingest(export, tmp_path / "db" / "crm.duckdb", portal_config(tmp_path), quiet=True)
    (p,) = err.value.problems
    assert (p.file, p.record, p.column, p.value) == ("hubspot-crm-exports-all-deals-2025-05-15.csv", 1, "Amount", "130k")


def test_a_downstream_refusal_names_the_hubspot_file(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(HUBSPOT / "ui", export)
    deals = export / "hubspot-crm-exports-all-deals-2025-05-15.csv"
    deals.write_text(deals.read_text(encoding="utf-8").replace("2025-06-15 00:00", "9999-12-31 00:00"), encoding="utf-8")
    with pytest.raises(IngestError) as err:
        ingest(export, tmp_path / "db" / "crm.duckdb", portal_config(tmp_path), quiet=True)
    (p,) = err.value.problems  # once, though the close date is copied into the deal's stage history
    assert (p.file, p.record, p.column) == ("hubspot-crm-exports-all-deals-2025-05-15.csv", 2, "Close Date")


def test_missing_contacts_disable_mqls_on_the_data_quality_page(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(HUBSPOT / "ui", export)
    (export / "hubspot-crm-exports-all-contacts-2025-05-15.csv").unlink()
    db = tmp_path / "db" / "crm.duckdb"
    ingest(export, db, portal_config(tmp_path), quiet=True)
    with duckdb.connect(str(db), read_only=True) as con:
        msg = con.execute(
            "SELECT message FROM ingest_warning WHERE code = 'hubspot_missing_object' AND object = 'contacts'"
        ).fetchall()
        assert msg and "MQLs" in msg[0][0]
        assert float(run_query(con, "overview", _params(con)).iloc[0]["won"]) == 135000.0


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("2025-04-08 17:19", "America/New_York", dt.datetime(2025, 4, 8, 21, 19, tzinfo=dt.UTC)),
        ("4/8/2025 17:19", "America/New_York", dt.datetime(2025, 4, 8, 21, 19, tzinfo=dt.UTC)),
        ("4/8/2025 5:19 PM", "UTC", dt.datetime(2025, 4, 8, 17, 19, tzinfo=dt.UTC)),
        ("2025-04-08T17:19:05.120Z", "Asia/Tokyo", dt.datetime(2025, 4, 8, 17, 19, 5, tzinfo=dt.UTC)),
        ("1744132740000", "Asia/Tokyo", dt.datetime(2025, 4, 8, 17, 19, tzinfo=dt.UTC)),
    ],
)
def test_date_times(text: str, zone: str, expected: dt.datetime) -> None:
    assert parse_datetime(text, zone) == expected


def test_numbers_probabilities_and_owners() -> None:
    assert parse_number("11760000.000000002") == "11760000"
    assert parse_number("130000.0") == "130000"
    assert parse_number("1,234.5") == "1234.5"
    assert parse_probability("0.4") == "40"
    with pytest.raises(ValueError, match="between 0 and 1"):
        parse_probability("40")
    assert parse_owner("old.rep@acme.io (Deactivated User)").is_active is False  # type: ignore[union-attr]
    assert parse_owner("Jane Doe").user_id == "Jane_Doe"  # type: ignore[union-attr]
    assert parse_owner("") is None


def test_pages_say_which_attribution_is_available_instead_of_zeros(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_dashboard import run, tiles

    db = tmp_path / "crm.duckdb"
    ingest(HUBSPOT / "ui", db, portal_config(tmp_path), quiet=True)
    url = {"quarter": "2025-04-01", "as_of": "2025-05-15"}
    at = run(db, monkeypatch, page="pipeline", **url)
    shown = tiles(at)
    assert (shown["Pipeline created"], shown["Marketing-influenced"], shown["Influenced share"]) == ("USD 245.0k", "n/a", "n/a")
    assert any("first touch by lead source" in i.value for i in at.info)
    assert not any("every model" in s.value for s in at.subheader)
    overview = run(db, monkeypatch, **url)
    assert any("no marketing touches" in c.value for c in overview.caption)
    quality = run(db, monkeypatch, page="data_quality", **url)
    text = " ".join(str(v) for d in quality.dataframe for v in d.value.to_numpy().ravel())
    assert '"Verbal commit" (Sales Pipeline)' in text and "first touch by lead source" in text


def test_a_zip_of_the_export_loads_and_the_cli_forces_the_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from data.ingest.cli import main

    archive = shutil.make_archive(str(tmp_path / "hubspot-export"), "zip", HUBSPOT / "ui")
    db = tmp_path / "db" / "crm.duckdb"
    assert main([archive, "--db", str(db), "--config", str(portal_config(tmp_path)), "--source", "hubspot", "--quiet"]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert float(run_query(con, "overview", _params(con)).iloc[0]["won"]) == 135000.0
    assert "hubspot_unmapped_stage" in capsys.readouterr().out


def test_the_cli_refuses_with_the_hubspot_file_row_column_and_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from data.ingest.cli import main

    export = tmp_path / "export"
    shutil.copytree(HUBSPOT / "ui", export)
    calls = export / "hubspot-crm-exports-calls-2025-05-15.csv"
    calls.write_text(calls.read_text(encoding="utf-8").replace("2025-04-03 09:00", "yesterday"), encoding="utf-8")
    assert main([str(export), "--db", str(tmp_path / "db" / "crm.duckdb"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "hubspot-crm-exports-calls-2025-05-15.csv, record 2 (spreadsheet row 3), column Activity date" in err
    assert "'yesterday'" in err


def test_fivetrans_reference_seeds_refuse_by_name_or_load_with_rejects(tmp_path: Path) -> None:
    """fivetran/dbt_hubspot's seeds (obfuscated, unlinked): deals without stage or close date are refused by name."""
    from tests.conftest import REFERENCE

    seeds = REFERENCE / "fivetran-dbt-hubspot-seeds"
    with pytest.raises(IngestError) as err:
        ingest(seeds, tmp_path / "a" / "crm.duckdb", quiet=True)
    where = {(p.file, p.column) for p in err.value.problems}
    assert ("deal_data.csv", "property_closedate") in where and ("deal_data.csv", "deal_pipeline_stage_id") in where
    config = tmp_path / "rejects.toml"
    text = (ROOT_DIR / "definitions.toml").read_text(encoding="utf-8")
    config.write_text(text.replace("max_rejected_rows = 0", "max_rejected_rows = 100000"), encoding="utf-8")
    db = tmp_path / "b" / "crm.duckdb"
    ingest(seeds, db, config, quiet=True)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM stg_leads").fetchall() == [(22,)]
        assert con.execute("SELECT count(*) FROM stg_users").fetchall()[0][0] > 0


@pytest.fixture(scope="module")
def ui_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hubspot-pages")
    ingest(HUBSPOT / "ui", tmp / "crm.duckdb", portal_config(tmp), quiet=True)
    return tmp / "crm.duckdb"


@pytest.mark.parametrize(
    "page", ["leads", "pipeline", "quota", "sla", "regions", "deals", "definitions", "data_quality", "brief"]
)
def test_every_page_runs_on_a_hubspot_export(page: str, ui_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_dashboard import run

    run(ui_db, monkeypatch, page=page, quarter="2025-04-01", as_of="2025-05-15")  # no exception, no error message
