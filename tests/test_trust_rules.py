"""Silent traps closed: each rule of issue 8's fifth point, on variants of the single-currency fixture.

Each test copies tests/fixtures/single_currency (see its README), changes one thing and checks exact numbers.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data.ingest import ingest
from tests.conftest import FIXTURES, ROOT_DIR, rows

SINGLE = FIXTURES / "single_currency"
APP = str(ROOT_DIR / "dashboard" / "app.py")


def variant(
    tmp_path: Path,
    append: dict[str, list[str]] | None = None,
    replace: dict[str, tuple[str, str]] | None = None,
    definitions: dict[str, str] | None = None,
) -> Path:
    """Load a copy of the fixture with rows appended to files, text replaced in files, or definitions changed."""
    export = tmp_path / "export"
    shutil.copytree(SINGLE, export)
    for name, lines in (append or {}).items():
        with open(export / name, "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
    for name, (old, new) in (replace or {}).items():
        text = (export / name).read_text(encoding="utf-8")
        assert old in text
        (export / name).write_text(text.replace(old, new), encoding="utf-8")
    config = None
    if definitions:
        text = (ROOT_DIR / "definitions.toml").read_text(encoding="utf-8")
        for old, new in definitions.items():
            assert old in text
            text = text.replace(old, new)
        config = tmp_path / "definitions.toml"
        config.write_text(text, encoding="utf-8")
    db = tmp_path / "wh" / "crm.duckdb"
    ingest(export, db, config, quiet=True)
    return db


def test_an_mql_of_a_deleted_lead_is_not_counted(tmp_path: Path) -> None:
    db = variant(
        tmp_path,
        append={
            "Lead.csv": [
                "00Q000000000003EAA,2026-11-04T09:00:00.000Z,005000000000001AAA,Del,Eted,del@x.example,CTO,X,US,"
                "50,Web,Open,false,,,,,true"
            ],
            "CampaignMember.csv": [
                "00v000000000003AAA,701000000000001AAA,00Q000000000003EAA,,Responded,true,2026-11-04T10:00:00.000Z,2026-11-04"
            ],
        },
    )
    con = duckdb.connect(str(db), read_only=True)
    assert rows(con, "SELECT record_id FROM deleted_record") == [("00Q000000000003EAA",)]
    assert rows(con, "SELECT lead_id FROM mql ORDER BY 1") == [("00Q000000000001EAA",), ("00Q000000000002EAA",)]


def test_campaign_types_and_channels_match_ignoring_case(tmp_path: Path) -> None:
    db = variant(tmp_path, replace={"Campaign.csv": (",Demo Request,", ",  demo REQUEST ,")})
    con = duckdb.connect(str(db), read_only=True)
    assert rows(con, "SELECT campaign_type, channel, is_hand_raise FROM stg_campaigns") == [("  demo REQUEST ", "Website", True)]
    assert rows(con, "SELECT count(*) FROM mql") == [(2,)]


def test_quarters_start_at_the_oldest_mql_or_booking_not_the_first_deal(tmp_path: Path) -> None:
    db = variant(
        tmp_path,
        append={
            "Lead.csv": [
                "00Q000000000004EAA,2026-04-20T09:00:00.000Z,005000000000001AAA,Early,Bird,eb@x.example,CTO,X,US,"
                "50,Web,Open,false,,,,,false"
            ],
            "CampaignMember.csv": [
                "00v000000000004AAA,701000000000001AAA,00Q000000000004EAA,,Responded,true,2026-04-21T10:00:00.000Z,2026-04-21"
            ],
        },
    )
    con = duckdb.connect(str(db), read_only=True)
    assert rows(con, "SELECT label FROM filter_quarter ORDER BY quarter_start") == [
        ("FY2026 Q2",),
        ("FY2026 Q3",),
        ("FY2026 Q4",),
    ]


def test_no_sales_role_warns_at_load_and_on_every_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = variant(
        tmp_path,
        definitions={
            'role_keywords = ["Sales", "Account Executive", "SDR", "BDR", "Account Manager"]': 'role_keywords = ["Closer"]'
        },
    )
    con = duckdb.connect(str(db), read_only=True)
    assert rows(con, "SELECT code, object FROM ingest_warning WHERE code = 'no_sales_users'") == [("no_sales_users", "User")]
    con.close()
    monkeypatch.setenv("CRM_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["quarter"] = "2026-10-01"
    at.run()
    assert any("No user counts as sales" in w.value for w in at.warning)
    # bookings still count every won deal (no sales role needed), so attainment is not silently empty
    assert {m.label: m.value for m in at.metric}["Quota attainment"] == "55.0%"


def test_the_brief_shows_a_drop_as_a_drop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = variant(tmp_path)
    monkeypatch.setenv("CRM_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"quarter": "2026-10-01", "as_of": "2026-11-20"})
    at.run()
    at.switch_page("views/brief.py").run()
    at.date_input(key="brief_since").set_value(dt.date(2026, 11, 13)).run()
    deltas = {m.label: (m.value, m.delta) for m in at.metric}
    # 11-14..11-20 against 11-07..11-13 (as it stood on 11-13): O5 created 11-10 at 6,000 then, nothing since;
    # Bob handed off on 11-12, nobody since; bookings O2 40,000 + O4 5,000 against none
    assert deltas["Pipeline created"] == ("USD 0", "-USD 6,000")
    assert deltas["MQLs handed off"] == ("0", "-1")
    assert deltas["Bookings"] == ("USD 45.0k", "+USD 45.0k")
    assert deltas["Attainment to date"] == ("55.0%", "+45.0 pts")
