"""Ingest of Salesforce exports: exact canonical rows from the tiny export and every messy case."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from data.config import ConfigError
from data.ingest import ingest
from data.ingest.read import IngestError
from data.ingest.typed import ids_unique
from data.store import IngestBusy, IngestLock, Store
from tests.conftest import MESSY, ROOT_DIR, TINY, export_with, load, named_rows, rows

EXPECTED_COUNTS = {
    "stg_accounts": 2,
    "stg_activities": 3,
    "stg_campaign_members": 3,
    "stg_campaigns": 2,
    "stg_contacts": 2,
    "stg_exchange_rates": 4,
    "stg_leads": 3,
    "stg_opportunities": 3,
    "stg_opportunity_contact_roles": 2,
    "stg_opportunity_stage_history": 0,
    "stg_quotas": 2,
    "stg_users": 3,
}


def test_tiny_export_loads_every_table_with_exact_counts(db_path: Path) -> None:
    summary = ingest(TINY, db_path, quiet=True)
    assert summary.tables == EXPECTED_COUNTS
    assert db_path.is_symlink() and summary.version_path.exists()


def test_canonical_rows_are_exact(tiny_db: Path) -> None:
    con = duckdb.connect(str(tiny_db), read_only=True)
    assert rows(con, "SELECT user_id, region, is_sales FROM stg_users ORDER BY user_id") == [
        ("005000000000001AAA", "AMER", True),
        ("005000000000002AAA", "EMEA", True),
        ("005000000000003AAA", None, False),
    ]

    def deal(
        opportunity_id: str,
        amount: str,
        currency: str,
        stage: str,
        mapped: bool,
        region: str,
        segment: str,
        created: dt.datetime,
        close: dt.date,
    ) -> dict:
        return {
            "opportunity_id": opportunity_id,
            "amount": Decimal(amount),
            "currency_code": currency,
            "stage_category": stage,
            "is_stage_mapped": mapped,
            "region": region,
            "segment": segment,
            "created_at": created,
            "close_date": close,
        }

    assert named_rows(
        con,
        "SELECT opportunity_id, amount, currency_code, stage_category, is_stage_mapped, region, segment, "
        "created_at, close_date FROM stg_opportunities ORDER BY 1",
    ) == [
        # Acme (US, 150 employees): AMER by its owner's role, SMB by employees
        deal(
            "006000000000001AAA",
            "12000.00",
            "USD",
            "won",
            True,
            "AMER",
            "SMB",
            dt.datetime(2026, 4, 2, 10, 0),
            dt.date(2026, 5, 15),
        ),
        # Berlin (DE, 1,200 employees): EMEA, Enterprise
        deal(
            "006000000000002AAA",
            "50000.00",
            "EUR",
            "open",
            True,
            "EMEA",
            "Enterprise",
            dt.datetime(2026, 4, 12, 10, 0),
            dt.date(2026, 12, 20),
        ),
        # "Verbal Commit" is not in [stages]: open by IsClosed/IsWon, flagged unmapped
        deal(
            "006000000000003AAA",
            "8000.00",
            "EUR",
            "open",
            False,
            "EMEA",
            "Enterprise",
            dt.datetime(2026, 4, 15, 10, 0),
            dt.date(2026, 11, 30),
        ),
    ]
    # the automated acknowledgement is not a human touch; the rep's call and meeting are
    assert rows(
        con,
        "SELECT activity_id, activity_type, is_automated, is_human_sales_touch, activity_at, lead_id, contact_id "
        "FROM stg_activities ORDER BY 1",
    ) == [
        ("00T000000000001EAA", "Email", True, False, dt.datetime(2026, 4, 1, 14, 1), "00Q000000000001EAA", None),
        ("00T000000000002EAA", "Call", False, True, dt.datetime(2026, 4, 1, 14, 12, 30), "00Q000000000001EAA", None),
        ("00U000000000001EAA", "Meeting", False, True, dt.datetime(2026, 4, 11, 13, 0), None, "003000000000002AAA"),
    ]
    # person_of: the contact when the touch names one, else the lead
    assert rows(
        con, "SELECT campaign_member_id, person_of(contact_id, lead_id), is_hand_raise FROM stg_campaign_members ORDER BY 1"
    ) == [
        ("00v000000000001AAA", "003000000000001AAA", True),
        ("00v000000000002AAA", "00Q000000000002EAA", False),
        ("00v000000000003AAA", "003000000000002AAA", False),
    ]
    assert rows(con, "SELECT lead_id, persona, region, is_queue_owned, is_marketing_source FROM stg_leads ORDER BY 1") == [
        ("00Q000000000001EAA", "Executive", "AMER", False, True),
        ("00Q000000000002EAA", "Practitioner", "EMEA", False, True),
        ("00Q000000000003EAA", None, "AMER", True, True),
    ]
    assert rows(con, "SELECT campaign_id, channel, is_hand_raise, actual_cost, currency_code FROM stg_campaigns ORDER BY 1") == [
        ("701000000000001AAA", "Website", True, Decimal("800.00"), "USD"),
        ("701000000000002AAA", "Webinar", False, Decimal("4500.00"), "EUR"),
    ]
    assert rows(con, "SELECT currency_code, start_date, next_start_date, rate, source FROM stg_exchange_rates ORDER BY 5, 2") == [
        ("USD", dt.date(1900, 1, 1), None, Decimal("1.000000000"), "corporate"),
        ("EUR", dt.date(2026, 1, 1), dt.date(2026, 7, 1), Decimal("0.920000000"), "export_dated"),
        ("EUR", dt.date(2026, 7, 1), dt.date(9999, 12, 31), Decimal("0.880000000"), "export_dated"),
        ("EUR", dt.date(1900, 1, 1), None, Decimal("0.900000000"), "export_static"),
    ]
    # raw tables keep every column as loaded
    assert rows(con, "SELECT count(*) FROM raw_opportunity")[0][0] == 3


def test_report_records_tables_files_and_warnings(tiny_db: Path) -> None:
    con = duckdb.connect(str(tiny_db), read_only=True)
    assert rows(
        con,
        "SELECT object, status, records_read, records_loaded FROM ingest_table WHERE object IN "
        "('Opportunity', 'OpportunityHistory') ORDER BY 1",
    ) == [("Opportunity", "loaded", 3, 3), ("OpportunityHistory", "missing", 0, 0)]
    warnings = dict(rows(con, "SELECT code, count FROM ingest_warning"))
    assert warnings == {
        "missing_object": 0,
        "unmapped_stage": 1,
        "no_contact_roles": 1,
        "lead_without_owner": 1,
        "unmapped_stage_names": 1,
    }
    assert rows(con, "SELECT sample_ids FROM ingest_warning WHERE code = 'unmapped_stage'") == [(["006000000000003AAA"],)]
    # data through: the newest moment the export tells of, here the won deal's close date (05-15), later
    # than the last record created (04-15 10:00)
    assert rows(con, "SELECT layout, corporate_currency, data_through_at FROM ingest_run") == [
        ("salesforce", "USD", dt.datetime(2026, 5, 15, 0, 0))
    ]
    assert rows(con, "SELECT file_name, records_read FROM ingest_file WHERE object = 'Lead'") == [("Lead.csv", 3)]


def test_bom_and_crlf(tmp_path: Path, db_path: Path) -> None:
    con = load(export_with(tmp_path, "bom_crlf"), db_path)
    assert rows(con, "SELECT opportunity_id, lead_source FROM stg_opportunities ORDER BY 1")[0] == ("006000000000001AAA", "Web")
    assert rows(con, "SELECT max(length(opportunity_id)), bool_or(contains(stage_name, chr(13))) FROM stg_opportunities") == [
        (18, False)
    ]


def test_quoted_fields_with_embedded_newline_doubled_quotes_and_comma(tmp_path: Path, db_path: Path) -> None:
    con = load(export_with(tmp_path, "quoted_fields"), db_path)
    assert rows(con, "SELECT account_name FROM stg_accounts ORDER BY account_id") == [
        ('Acme "Rockets", Inc.\r\nWest Coast',),
        ("Berlin GmbH",),
    ]


def test_declared_encoding_loads(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path, "cp1252")
    config = tmp_path / "defs.toml"
    config.write_text(
        (ROOT_DIR / "definitions.toml").read_text().replace("[ingest.encodings]", '[ingest.encodings]\n"User.csv" = "cp1252"')
    )
    con = load(export, db_path, config_path=config)
    assert rows(con, "SELECT user_name FROM stg_users WHERE user_id = '005000000000002AAA'") == [("Émile Rüdiger",)]
    assert rows(con, "SELECT encoding FROM ingest_file WHERE object = 'User'") == [("cp1252",)]


def test_encoding_from_the_command_line(tmp_path: Path, db_path: Path) -> None:
    con = load(export_with(tmp_path, "cp1252"), db_path, encoding="cp1252")
    assert rows(con, "SELECT user_name FROM stg_users WHERE user_id = '005000000000002AAA'") == [("Émile Rüdiger",)]


def test_custom_columns_booleans_and_offsets(tmp_path: Path, db_path: Path) -> None:
    con = load(export_with(tmp_path, "custom_columns_booleans"), db_path)
    assert rows(con, "SELECT opportunity_id, stage_category, created_at FROM stg_opportunities ORDER BY 1")[:2] == [
        ("006000000000001AAA", "won", dt.datetime(2026, 4, 2, 10, 0)),  # 12:00+02:00 is 10:00 UTC
        ("006000000000002AAA", "open", dt.datetime(2026, 4, 12, 10, 0)),
    ]
    assert rows(con, """SELECT "IsClosed", "IsWon", "Competitor__c" FROM raw_opportunity ORDER BY "Id" """)[:2] == [
        ("1", "1", "Rival Inc"),
        ("0", None, None),
    ]
    assert rows(con, "SELECT count, sample_ids FROM ingest_warning WHERE code = 'custom_columns'") == [
        (2, ["Competitor__c", "Next_Step__c"])
    ]


def test_fifteen_character_ids_join_their_eighteen_character_form(tmp_path: Path, db_path: Path) -> None:
    con = load(export_with(tmp_path, "ids_15"), db_path)
    assert rows(
        con,
        "SELECT activity_id, lead_id, owner_id, is_human_sales_touch FROM stg_activities "
        "WHERE activity_id = '00T000000000002EAA'",
    ) == [("00T000000000002EAA", "00Q000000000001EAA", "005000000000001AAA", True)]


def test_fifteen_to_eighteen_matches_salesforce() -> None:
    from data.ingest.typed import id18_sql as _id18_sql

    con = duckdb.connect()
    assert con.execute(f"SELECT {_id18_sql(chr(39) + '001A0000006Vm9r' + chr(39))}").fetchone() == ("001A0000006Vm9rIAC",)
    # case is never changed: a lower-case Id is a different record
    assert con.execute(f"SELECT {_id18_sql(chr(39) + '001a0000006vm9r' + chr(39))}").fetchone() == ("001a0000006vm9rAAA",)


def test_deleted_rows_are_excluded_and_counted(tmp_path: Path, db_path: Path) -> None:
    con = load(export_with(tmp_path, "deleted_rows"), db_path)
    assert rows(con, "SELECT count(*) FROM stg_opportunities") == [(3,)]
    assert rows(con, "SELECT records_read, records_deleted, records_loaded FROM ingest_table WHERE object = 'Opportunity'") == [
        (4, 1, 3)
    ]


def test_parts_with_different_columns_are_unioned_by_name(tmp_path: Path, db_path: Path) -> None:
    con = load(export_with(tmp_path, "parts_differ"), db_path)
    assert rows(con, "SELECT opportunity_id, lead_source FROM stg_opportunities ORDER BY 1") == [
        ("006000000000001AAA", "Web"),
        ("006000000000002AAA", "Outbound"),
        ("006000000000003AAA", None),
    ]
    assert rows(con, "SELECT file_name, part, records_read FROM ingest_file WHERE object = 'Opportunity' ORDER BY 2") == [
        ("Opportunity_1.csv", 1, 2),
        ("Opportunity_2.csv", 2, 1),
    ]
    assert rows(con, "SELECT sample_ids FROM ingest_warning WHERE code = 'part_missing_columns' ORDER BY 1") == [
        (["LeadSource", "Type"],),
        (["Region__c"],),
    ]


def test_ids_unique_is_false_exactly_when_a_value_repeats() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (id VARCHAR)")
    assert ids_unique(con, "t", "id")  # no rows
    con.execute("INSERT INTO t VALUES (NULL), (NULL), ('006A'), ('006B')")
    assert ids_unique(con, "t", "id")  # NULLs are not Ids: two of them are no duplicate
    con.execute("INSERT INTO t VALUES ('006b')")
    assert ids_unique(con, "t", "id")  # Salesforce Ids are case-sensitive
    con.execute("INSERT INTO t VALUES ('006A')")
    assert not ids_unique(con, "t", "id")
    con.execute("CREATE TABLE many AS SELECT range::VARCHAR AS id FROM range(3000000)")  # several batches
    assert ids_unique(con, "many", "id")
    con.execute("INSERT INTO many VALUES ('2999999')")
    assert not ids_unique(con, "many", "id")


def test_identical_duplicates_load_once(tmp_path: Path, db_path: Path) -> None:
    con = load(export_with(tmp_path, "duplicate_identical"), db_path)
    assert rows(con, "SELECT count(*) FROM stg_opportunities") == [(3,)]
    assert rows(con, "SELECT records_duplicate FROM ingest_table WHERE object = 'Opportunity'") == [(1,)]


REFUSALS = {
    # case: (expected fragments of the message)
    "report_export": ["Opportunity.csv", "report export", "Data Export"],
    "empty_file": ["Contact.csv", "empty (0 bytes)", "Export the object again"],
    "truncated": ["Opportunity.csv", "record 3", "truncated", "Download or export the file again"],
    "unclosed_quote": ["Opportunity.csv", "record 2", "not closed"],
    "ragged_row": ["Opportunity.csv", "record 2", "16 values but the header has 14 columns"],
    "bad_number": [
        "Opportunity.csv, record 2 (spreadsheet row 3), column Amount: not a valid number (value: '50.000,00')",
        "no thousands separator",
    ],
    "bad_date": [
        "Opportunity.csv, record 3 (spreadsheet row 4), column CloseDate: not a valid date (value: '30/11/2026')",
        "2024-03-31",
    ],
    "duplicate_conflicting": [
        "Opportunity.csv, record 4",
        "Id 006000000000001AAA is also in Opportunity.csv record 1",
        "remove the stale copy",
    ],
    "not_utf8": ["User.csv", "not UTF-8", "line 3", "cp1252"],
    "missing_required_column": ["Opportunity.csv", "required column StageName", "Export Opportunity with the field StageName"],
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_bad_input_is_refused_with_file_record_column_value_and_advice(case: str, tmp_path: Path, db_path: Path) -> None:
    with pytest.raises(IngestError) as err:
        ingest(export_with(tmp_path, case), db_path, quiet=True)
    text = str(err.value)
    for fragment in REFUSALS[case]:
        assert fragment in text
    assert not db_path.exists()  # nothing was published


def test_every_messy_fixture_has_a_test() -> None:
    covered = set(REFUSALS) | {
        "bom_crlf",
        "quoted_fields",
        "cp1252",
        "custom_columns_booleans",
        "ids_15",
        "deleted_rows",
        "parts_differ",
        "duplicate_identical",
    }
    assert {p.name for p in MESSY.iterdir()} == covered


def test_refusal_leaves_the_live_database_serving(tmp_path: Path, db_path: Path) -> None:
    ingest(TINY, db_path, quiet=True)
    before = db_path.resolve()
    with pytest.raises(IngestError):
        ingest(export_with(tmp_path, "bad_number"), db_path, quiet=True)
    assert db_path.resolve() == before
    con = duckdb.connect(str(db_path), read_only=True)
    assert rows(con, "SELECT count(*) FROM stg_opportunities") == [(3,)]
    assert not list(Store(db_path).versions_dir.glob(".building-*"))


def test_missing_required_object_is_refused(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    (export / "Opportunity.csv").unlink()
    with pytest.raises(IngestError, match=r"Opportunity export is missing.*pipeline, bookings and quota attainment"):
        ingest(export, db_path, quiet=True)


def test_missing_optional_object_warns_what_it_disables(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    (export / "ForecastingQuota.csv").unlink()
    con = load(export, db_path)
    assert rows(con, "SELECT message FROM ingest_warning WHERE code = 'missing_object' AND object = 'ForecastingQuota'") == [
        ("ForecastingQuota is not in the export; without it: quota attainment, pacing, gap and coverage",)
    ]
    assert rows(con, "SELECT count(*) FROM stg_quotas") == [(0,)]


def test_tolerated_bad_rows_are_rejected_recorded_and_the_rest_loads(tmp_path: Path, db_path: Path) -> None:
    config = tmp_path / "defs.toml"
    config.write_text((ROOT_DIR / "definitions.toml").read_text().replace("max_rejected_rows = 0", "max_rejected_rows = 5"))
    con = load(export_with(tmp_path, "bad_number"), db_path, config_path=config)
    assert rows(con, "SELECT opportunity_id FROM stg_opportunities ORDER BY 1") == [
        ("006000000000001AAA",),
        ("006000000000003AAA",),
    ]
    assert rows(con, "SELECT object, file_name, record, column_name, value FROM ingest_reject") == [
        ("Opportunity", "Opportunity.csv", 2, "Amount", "50.000,00")
    ]
    assert rows(con, "SELECT records_read, records_rejected, records_loaded FROM ingest_table WHERE object = 'Opportunity'") == [
        (3, 1, 2)
    ]


def test_zip_export(tmp_path: Path, db_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in TINY.iterdir():
            zf.write(f, f"WE_00D000000000001_1/{f.name}")
    con = load(archive, db_path)
    assert rows(con, "SELECT count(*) FROM stg_opportunities") == [(3,)]
    assert rows(con, "SELECT file_name FROM ingest_file WHERE object = 'Lead'") == [("export.zip:Lead.csv",)]


def _snake(name: str) -> str:
    import re

    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def test_snake_case_sync_layout_maps_like_api_names(tmp_path: Path, db_path: Path) -> None:
    export = tmp_path / "snake"
    export.mkdir()
    for f in TINY.iterdir():
        header, rest = f.read_text().split("\n", 1)
        (export / f"sf_{_snake(f.stem)}_data.csv").write_text(",".join(_snake(h) for h in header.split(",")) + "\n" + rest)
    con = load(export, db_path)
    assert rows(con, "SELECT opportunity_id, stage_category, region FROM stg_opportunities ORDER BY 1") == [
        ("006000000000001AAA", "won", "AMER"),
        ("006000000000002AAA", "open", "EMEA"),
        ("006000000000003AAA", "open", "EMEA"),
    ]
    assert rows(con, "SELECT count(*) FROM stg_activities WHERE is_human_sales_touch") == [(2,)]


def test_results_do_not_depend_on_the_machine_time_zone(tmp_path: Path) -> None:
    out = []
    for tz in ("Asia/Tokyo", "America/Los_Angeles"):
        db = tmp_path / tz.replace("/", "-") / "crm.duckdb"
        env = {**os.environ, "TZ": tz}
        subprocess.run(
            [sys.executable, "-m", "data.ingest", str(TINY), "--db", str(db), "--quiet"],
            check=True,
            env=env,
            cwd=ROOT_DIR,
            capture_output=True,
        )
        con = duckdb.connect(str(db), read_only=True)
        out.append(rows(con, "SELECT created_at, close_date FROM stg_opportunities ORDER BY 1"))
    assert out[0] == out[1]
    assert out[0][0] == (dt.datetime(2026, 4, 2, 10, 0), dt.date(2026, 5, 15))


def test_second_ingest_while_one_runs_is_refused(db_path: Path) -> None:
    with IngestLock(Store(db_path), "another terminal"), pytest.raises(IngestBusy, match="another ingest is already loading"):
        ingest(TINY, db_path, quiet=True)
    proc = subprocess.run(
        [sys.executable, "-m", "data.ingest", str(TINY), "--db", str(db_path)], cwd=ROOT_DIR, capture_output=True, text=True
    )
    assert proc.returncode == 0  # lock released when the holder finished


def test_cli_refusal_exit_code_and_message(tmp_path: Path, db_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "data.ingest", str(export_with(tmp_path, "bad_date")), "--db", str(db_path)],
        cwd=ROOT_DIR,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "Ingest refused; the live database was not changed. 1 problem(s):" in proc.stderr
    assert "column CloseDate: not a valid date (value: '30/11/2026')" in proc.stderr


def test_keeps_the_last_versions(db_path: Path) -> None:
    for _ in range(5):
        ingest(TINY, db_path, quiet=True)
    store = Store(db_path)
    versions = store.versions()
    assert len(versions) == 4  # the live one and keep_versions = 3 before it
    assert db_path.resolve() == versions[-1]


def test_invalid_definitions_are_refused_with_key_and_value(tmp_path: Path, db_path: Path) -> None:
    config = tmp_path / "defs.toml"
    config.write_text((ROOT_DIR / "definitions.toml").read_text().replace("target_minutes = 15", 'target_minutes = "fast"'))
    with pytest.raises(ConfigError, match=r"sla.target_minutes: Input should be a valid integer.*'fast'"):
        ingest(TINY, db_path, quiet=True, config_path=config)
    assert not db_path.exists()
