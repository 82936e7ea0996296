"""Values the ingest used to load silently: each is now refused or a counted warning, with where and what to do.

Every case edits one value of the tiny export (tests/fixtures/sf_tiny) inside the test.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from data.config import ConfigError
from data.ingest import ingest
from data.ingest.read import IngestError
from tests.conftest import ROOT_DIR, TINY, export_with, load, rows


def edit(path: Path, record: int, column: str, value: str) -> None:
    """Set one value of a CSV file (record 1 = first after the header), adding the column when absent."""
    with open(path, newline="", encoding="utf-8") as fh:
        table = list(csv.reader(fh))
    if column not in table[0]:
        table[0].append(column)
        for row in table[1:]:
            row.append("")
    table[record][table[0].index(column)] = value
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(table)


def append(path: Path, row: dict[str, str]) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with open(path, "a", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerow([row.get(c, "") for c in header])


def refused(export: Path, db: Path, *fragments: str, **kwargs) -> str:
    with pytest.raises(IngestError) as err:
        ingest(export, db, quiet=True, **kwargs)
    text = str(err.value)
    for fragment in fragments:
        assert fragment in text, text
    assert not db.exists()
    return text


def config_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT_DIR / "definitions.toml").read_text()
    assert old in text
    path = tmp_path / "defs.toml"
    path.write_text(text.replace(old, new))
    return path


def warning(con: duckdb.DuckDBPyConnection, code: str) -> list[tuple]:
    return rows(con, "SELECT object, count, message, sample_ids, advice FROM ingest_warning WHERE code = ? ORDER BY 1, 3", [code])


@pytest.mark.parametrize("column", ["Id", "StageName", "CloseDate", "CreatedDate"])
def test_blank_required_value_is_refused(column: str, tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    edit(export / "Opportunity.csv", 2, column, "  ")
    refused(
        export,
        db_path,
        f"Opportunity.csv, record 2 (spreadsheet row 3), column {column}: a required value is empty",
        f"Fill in {column}",
    )


MALFORMED = {
    "not letters and digits": ("006000000000002-AA", "the Id contains characters other than letters and digits"),
    "non-ASCII": ("006000000000002AAÄ", "the Id contains a non-ASCII character 'Ä'"),
    "emoji": ("006000000000002AA\U0001f600", "the Id contains a non-ASCII character '\U0001f600'"),
    "zero-width space": ("006000000000002\u200bAAA", "the Id contains an invisible character U+200B (ZERO WIDTH SPACE)"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_ids_are_refused(case: str, tmp_path: Path, db_path: Path) -> None:
    value, message = MALFORMED[case]
    export = export_with(tmp_path)
    edit(export / "Opportunity.csv", 2, "Id", value)
    refused(export, db_path, f"Opportunity.csv, record 2 (spreadsheet row 3), column Id: {message}", "Copy the Id again")


def test_malformed_reference_is_refused(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    edit(export / "Opportunity.csv", 3, "AccountId", "001000000000002AAA\u200b")
    refused(
        export,
        db_path,
        "Opportunity.csv, record 3 (spreadsheet row 4), column AccountId: the Id contains an invisible character U+200B",
    )


def test_invisible_character_in_ids_that_are_not_salesforce_ids_is_refused(tmp_path: Path, db_path: Path) -> None:
    # a column whose values do not look like Salesforce Ids is checked for invisible characters only
    export = export_with(tmp_path)
    for record, value in ((1, "role-top"), (2, "role\u200btop"), (3, "role-x")):
        edit(export / "UserRole.csv", record, "ParentRoleId", value)
    refused(
        export,
        db_path,
        "UserRole.csv, record 2 (spreadsheet row 3), column ParentRoleId: the Id contains an invisible character U+200B",
    )


def test_wrong_checksum_is_a_counted_warning(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    edit(export / "Opportunity.csv", 2, "Id", "006000000000002aaa")  # lower-cased by a spreadsheet
    con = load(export, db_path)
    [(obj, count, message, sample, advice)] = warning(con, "id_checksum")
    assert (obj, count, sample) == ("Opportunity", 1, ["006000000000002aaa"])
    assert "(first: Opportunity.csv record 2, column Id, value '006000000000002aaa')" in message
    assert "Export the Ids again" in advice


def test_wrong_length_id_is_a_counted_warning(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    edit(export / "Opportunity.csv", 2, "OwnerId", "00500000000000002AA")  # 19 letters and digits
    con = load(export, db_path)
    [(obj, count, message, sample, _)] = warning(con, "id_length")
    assert (obj, count, sample) == ("Opportunity", 1, ["006000000000002AAA"])
    assert "(first: Opportunity.csv record 2, column OwnerId, value '00500000000000002AA')" in message


def test_fifteen_character_references_are_counted(tmp_path: Path, db_path: Path) -> None:
    con = load(export_with(tmp_path, "ids_15"), db_path)
    found = [(obj, count) for obj, count, *_ in warning(con, "ids_15_converted")]
    assert found == [("Task", 1), ("Task", 1)]  # WhoId and OwnerId of record 2
    assert any("column WhoId, value '00Q000000000001'" in w[2] for w in warning(con, "ids_15_converted"))


ABSURD = {
    "negative amount": ("Opportunity.csv", 2, "Amount", "-500.00", "the amount is negative"),
    "probability 250": ("Opportunity.csv", 2, "Probability", "250", "the probability is outside 0-100"),
    "close date 1900": ("Opportunity.csv", 2, "CloseDate", "1900-01-01", "the date is outside 1990-2099"),
    "close date 2100": ("Opportunity.csv", 2, "CloseDate", "2100-01-01", "the date is outside 1990-2099"),
    "close date 9999": ("Opportunity.csv", 2, "CloseDate", "9999-12-31", "the date is outside 1990-2099"),
    "lead created in 2999": ("Lead.csv", 2, "CreatedDate", "2999-04-03T09:30:00.000Z", "the record was created in the future"),
    "zero exchange rate": ("CurrencyType.csv", 2, "ConversionRate", "0", "the exchange rate is zero or negative"),
    "negative dated rate": ("DatedConversionRate.csv", 1, "ConversionRate", "-0.92", "the exchange rate is zero or negative"),
}


@pytest.mark.parametrize("case", sorted(ABSURD))
def test_absurd_values_are_refused(case: str, tmp_path: Path, db_path: Path) -> None:
    file, record, column, value, message = ABSURD[case]
    export = export_with(tmp_path)
    edit(export / file, record, column, value)
    refused(export, db_path, f"{file}, record {record} (spreadsheet row {record + 1}), column {column}: {message}")


def test_negative_amounts_allowed_by_definitions_are_a_warning(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    edit(export / "Opportunity.csv", 2, "Amount", "-500.00")
    config = config_with(tmp_path, "allow_negative_amounts = false", "allow_negative_amounts = true")
    con = load(export, db_path, config_path=config)
    assert [(w[0], w[1]) for w in warning(con, "negative_amount")] == [("Opportunity", 1)]


def test_tolerated_value_refusals_are_rejected_and_the_rest_loads(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    edit(export / "Opportunity.csv", 2, "CloseDate", "9999-12-31")
    config = config_with(tmp_path, "max_rejected_rows = 0", "max_rejected_rows = 5")
    con = load(export, db_path, config_path=config)
    assert rows(con, "SELECT file_name, record, column_name, value FROM ingest_reject") == [
        ("Opportunity.csv", 2, "CloseDate", "9999-12-31")
    ]
    assert rows(con, "SELECT count(*) FROM stg_opportunities") == [(2,)]


def test_header_only_required_object_is_refused(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    header = (export / "Opportunity.csv").read_text().split("\n")[0]
    (export / "Opportunity.csv").write_text(header + "\n")
    refused(
        export,
        db_path,
        "Opportunity.csv: the Opportunity export has a header but no records",
        "pipeline, bookings and quota attainment",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "data.ingest", str(export), "--db", str(db_path), "--quiet"],
        cwd=ROOT_DIR,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "header but no records" in proc.stderr


def test_duplicate_quota_for_the_same_owner_and_period_is_refused(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    append(
        export / "ForecastingQuota.csv",
        {
            "Id": "0J9000000000003AAA",
            "QuotaOwnerId": "005000000000001AAA",
            "StartDate": "2026-04-01",
            "QuotaAmount": "100000.00",
            "CurrencyIsoCode": "USD",
        },
    )
    refused(
        export,
        db_path,
        "ForecastingQuota.csv, record 3 (spreadsheet row 4), column QuotaOwnerId: a second quota "
        "for owner 005000000000001AAA and period 2026-04-01 (the first is ForecastingQuota.csv record 1)",
        "Keep one quota per owner and period",
    )


def test_archived_activities_are_counted(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    edit(export / "Task.csv", 1, "IsArchived", "true")
    edit(export / "Task.csv", 2, "IsArchived", "false")
    con = load(export, db_path)
    [(obj, count, message, sample, _)] = warning(con, "archived_activities")
    assert (obj, count, sample) == ("Task", 1, ["00T000000000001EAA"])
    assert "first: Task.csv record 1, column IsArchived" in message


def _export_with_more_leads(tmp_path: Path, n: int) -> Path:
    export = export_with(tmp_path)
    export = export.rename(tmp_path / "more-leads")
    for i in range(n):
        append(
            export / "Lead.csv",
            {
                "Id": f"00Q00000000{i + 100:04d}EAA",
                "CreatedDate": "2026-04-05T10:00:00.000Z",
                "LastName": f"Extra {i}",
                "Company": "X",
                "Status": "Open",
            },
        )
    return export


def test_row_count_collapse_is_refused_unless_allowed(tmp_path: Path, db_path: Path) -> None:
    ingest(_export_with_more_leads(tmp_path, 7), db_path, quiet=True)  # 10 leads live
    before = db_path.resolve()
    with pytest.raises(IngestError, match=r"Lead would shrink from 10 to 3 records .* --allow-shrink"):
        ingest(TINY, db_path, quiet=True)
    assert db_path.resolve() == before
    proc = subprocess.run(
        [sys.executable, "-m", "data.ingest", str(TINY), "--db", str(db_path), "--quiet"],
        cwd=ROOT_DIR,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "--allow-shrink" in proc.stderr and db_path.resolve() == before
    summary = ingest(TINY, db_path, quiet=True, allow_shrink=True)
    con = duckdb.connect(str(db_path), read_only=True)
    assert [(w[0], w[1]) for w in warning(con, "shrink_allowed")] == [("Lead", 7)]
    assert any(w[0] == "shrink_allowed" for w in summary.warnings)


def test_shrink_share_comes_from_the_definitions(tmp_path: Path, db_path: Path) -> None:
    ingest(_export_with_more_leads(tmp_path, 1), db_path, quiet=True)  # 4 leads live; 3 is a 25% drop
    config = config_with(tmp_path, "max_shrink_share = 0.5", "max_shrink_share = 0.2")
    with pytest.raises(IngestError, match="more than 20% fewer"):
        ingest(TINY, db_path, quiet=True, config_path=config)
    ingest(TINY, db_path, quiet=True)  # the default (half) lets it through


def test_reporting_currency_without_any_rate_is_refused_before_building(tmp_path: Path, db_path: Path) -> None:
    config = config_with(tmp_path, 'reporting_currency = "USD"', 'reporting_currency = "KES"')
    with pytest.raises(ConfigError, match="reporting_currency = 'KES': no exchange rate for it"):
        ingest(TINY, db_path, quiet=True, config_path=config)
    assert not db_path.exists()


RULES = ("id_checksum", "id_length", "negative_amount")


def test_rules_give_the_same_findings_whatever_the_bits_per_check_column(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each rule's condition is one bit of a typed table's _chk<k> columns: with 2 bits per column, Opportunity's
    # rules spread over many columns, and the same records are warned about, rejected and listed.
    from data.ingest.scan import Scan

    export = export_with(tmp_path)
    edit(export / "Opportunity.csv", 1, "Id", "006000000000001aaa")  # checksum
    edit(export / "Opportunity.csv", 2, "OwnerId", "00500000000000002AA")  # 19 characters
    edit(export / "Opportunity.csv", 2, "Amount", "-500.00")  # allowed below: a warning
    edit(export / "Opportunity.csv", 3, "CloseDate", "9999-12-31")  # rejected
    config = config_with(tmp_path, "max_rejected_rows = 0", "max_rejected_rows = 5")
    config.write_text(config.read_text().replace("allow_negative_amounts = false", "allow_negative_amounts = true"))
    found = []
    for bits, db in ((62, db_path), (2, tmp_path / "two-bits.duckdb")):
        monkeypatch.setattr(Scan, "BITS", bits)
        con = load(export, db, config_path=config)
        found.append(
            (
                rows(con, "SELECT code, object, count, message, sample_ids FROM ingest_warning ORDER BY ALL"),
                rows(con, "SELECT file_name, record, column_name, value FROM ingest_reject"),
            )
        )
        con.close()
    warnings, rejects = found[0]
    assert found[1] == found[0]
    assert rejects == [("Opportunity.csv", 3, "CloseDate", "9999-12-31")]
    assert [(code, obj, count, sample) for code, obj, count, _, sample in warnings if code in RULES] == [
        ("id_checksum", "Opportunity", 1, ["006000000000001aaa"]),
        ("id_length", "Opportunity", 1, ["006000000000002AAA"]),
        ("negative_amount", "Opportunity", 1, ["006000000000002AAA"]),
    ]


def test_touches_of_people_not_in_the_export_are_counted(tmp_path: Path, db_path: Path) -> None:
    # a touch follows its contact when it has one (record 1: contact missing, lead present), else its lead
    # (record 2: lead missing); record 3's contact is in the export
    export = export_with(tmp_path)
    edit(export / "CampaignMember.csv", 1, "ContactId", "003000000000099AAA")
    edit(export / "CampaignMember.csv", 2, "LeadId", "00Q000000000099AAA")
    con = load(export, db_path)
    [(obj, count, message, sample, advice)] = warning(con, "orphan_person")
    assert (obj, count, sample) == ("CampaignMember", 2, ["00v000000000001AAA", "00v000000000002AAA"])
    assert message.startswith("campaign members whose lead or contact is not in the export")
    assert advice == "Include Lead.csv and Contact.csv complete"
