"""The sample company: deterministic, complete, believable and messy in the documented ways."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb

from data.sample import generate
from tests.conftest import rows


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_other_seed_other_data(small_export: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, "small", dt.date(2026, 11, 22), seed=7, quiet=True)
    assert _digest(again) == _digest(small_export)
    other = tmp_path / "other"
    generate(other, "small", dt.date(2026, 11, 22), seed=8, quiet=True)
    assert _digest(other)["Opportunity.csv"] != _digest(small_export)["Opportunity.csv"]


def test_every_object_is_exported_and_large_ones_in_parts(small_export: Path) -> None:
    names = {p.name for p in small_export.iterdir()}
    assert {
        "User.csv",
        "UserRole.csv",
        "Account.csv",
        "Lead.csv",
        "Contact.csv",
        "Campaign.csv",
        "Opportunity.csv",
        "OpportunityContactRole.csv",
        "OpportunityHistory.csv",
        "Task.csv",
        "Event.csv",
        "ForecastingQuota.csv",
        "CurrencyType.csv",
        "DatedConversionRate.csv",
        "CampaignMember_1.csv",
        "CampaignMember_2.csv",
    } == names


def test_regions_currencies_and_quarters(small_db: Path) -> None:
    con = duckdb.connect(str(small_db), read_only=True)
    assert [r[0] for r in rows(con, "SELECT DISTINCT region FROM stg_opportunities ORDER BY 1")] == [
        "AMER",
        "APAC",
        "EMEA",
        "LATAM",
    ]
    currencies = {r[0] for r in rows(con, "SELECT DISTINCT currency_code FROM stg_opportunities")}
    assert {"USD", "EUR", "GBP", "JPY", "AUD", "BRL", "CAD", "ARS"} <= currencies
    first, last_created = rows(con, "SELECT min(created_date), max(created_date) FROM stg_opportunities")[0]
    assert first >= dt.date(2025, 4, 1) and (last_created - first).days > 540  # six past quarters and the current one
    # the current quarter is partly elapsed: deals already won in it, and open deals closing after the as-of date
    won_q, open_later = rows(
        con,
        """
        SELECT count(*) FILTER (WHERE stage_category = 'won' AND close_date BETWEEN DATE '2026-10-01' AND DATE '2026-11-22'),
               count(*) FILTER (WHERE stage_category = 'open' AND close_date > DATE '2026-11-22')
        FROM stg_opportunities""",
    )[0]
    assert won_q >= 5 and open_later >= 10
    assert rows(con, "SELECT count(DISTINCT owner_id), count(DISTINCT period_start_date) FROM stg_quotas") == [(16, 8)]


def test_behaviour_differs_by_region_and_quarter_ends_spike(small_db: Path) -> None:
    con = duckdb.connect(str(small_db), read_only=True)
    speed = dict(
        rows(
            con,
            """
        WITH mql AS (
            SELECT coalesce(contact_id, lead_id) AS person_id, lead_id, min(touched_at) AS mql_at
            FROM stg_campaign_members WHERE is_hand_raise GROUP BY ALL),
        touch AS (
            SELECT m.person_id, min(a.activity_at) AS first_at FROM mql m
            JOIN stg_activities a ON a.is_human_sales_touch AND a.activity_at >= m.mql_at
             AND (a.lead_id = m.lead_id OR a.contact_id = m.person_id)
            GROUP BY ALL)
        SELECT l.region, median(date_diff('minute', m.mql_at, t.first_at)) FROM mql m
        JOIN touch t USING (person_id) JOIN stg_leads l ON l.lead_id = m.lead_id GROUP BY 1""",
        )
    )
    assert speed["AMER"] < speed["EMEA"] < speed["APAC"]
    win = dict(
        rows(
            con,
            """SELECT region, avg(CASE WHEN stage_category = 'won' THEN 1 ELSE 0 END)
                            FROM stg_opportunities WHERE stage_category <> 'open' GROUP BY 1""",
        )
    )
    assert win["AMER"] > win["APAC"]
    last_two_weeks = rows(
        con,
        """
        SELECT avg(CASE WHEN close_date > last_day(date_trunc('quarter', close_date) + INTERVAL 2 MONTH) - 14 THEN 1 ELSE 0 END)
        FROM stg_opportunities WHERE stage_category = 'won'""",
    )[0][0]
    assert last_two_weeks > 0.3  # uniform closing would put about 15% there


def test_deliberate_messiness_is_reported(small_db: Path) -> None:
    con = duckdb.connect(str(small_db), read_only=True)
    codes = {r[0] for r in rows(con, "SELECT code FROM ingest_warning")}
    assert {
        "unmapped_stage",
        "no_rate",
        "no_contact_roles",
        "duplicate_person",
        "deleted_rows",
        "lead_without_owner",
        "custom_columns",
    } <= codes
    no_rate = rows(con, "SELECT message FROM ingest_warning WHERE code = 'no_rate'")[0][0]
    assert no_rate.startswith("currency ARS has no exchange rate")
    # 15-character WhoIds in Task were normalised and still join their leads
    assert rows(con, 'SELECT count(*) FROM raw_task WHERE length("WhoId") = 15')[0][0] > 0
    assert rows(con, "SELECT count(*) FROM stg_activities WHERE length(lead_id) = 15") == [(0,)]


def test_chunked_writing_gives_the_bytes_of_one_write(tmp_path: Path) -> None:
    """Large objects are written chunk by chunk; the files must not show it (header once, rows in order)."""
    import numpy as np

    from data.sample.writer import Writer, frame, nullable

    n = 1_003
    ids = np.arange(n) * 7 % 13 - 3  # some negative: written as empty fields
    whole = frame(i=np.arange(n), who=nullable(ids), name=np.array([f'n{k}, "q"' for k in range(n)], dtype=object))
    select = "i AS Id, who AS WhoId, name AS Name"
    for rows_per_part, chunk in [(400, 150), (5_000, 64), (5_000, 1)]:
        one, chunked = tmp_path / f"one{chunk}", tmp_path / f"chunked{chunk}"
        one.mkdir(), chunked.mkdir()
        Writer(one, rows_per_part).write("Obj", whole, select)
        Writer(chunked, rows_per_part).write_chunked(
            "Obj",
            n,
            select,
            lambda lo, hi: frame(lo, i=np.arange(lo, hi), who=nullable(ids[lo:hi]), name=whole["name"].to_numpy()[lo:hi]),
            chunk,
        )
        assert _digest(chunked) == _digest(one)


def test_chunked_draws_give_a_consistent_company(tmp_path: Path, monkeypatch) -> None:
    """The large scale draws touches one chunk of leads at a time; check that path on a small company."""
    import dataclasses

    from data.sample import SCALES

    monkeypatch.setitem(SCALES, "chunked", dataclasses.replace(SCALES["small"], chunk_leads=1_500, chunk_rows=7_000))
    out = tmp_path / "chunked"
    counts = generate(out, "chunked", dt.date(2026, 11, 22), seed=7, quiet=True)
    small = generate(tmp_path / "small", "small", dt.date(2026, 11, 22), seed=7, quiet=True)
    # the company before the touches is the same; the draws after them differ, the sizes stay alike
    for name in ("UserRole", "User", "Account", "Campaign", "CurrencyType", "DatedConversionRate"):
        assert counts[name] == small[name]
    assert _digest(out)["Account.csv"] == _digest(tmp_path / "small")["Account.csv"]
    assert 0.9 < counts["CampaignMember"] / small["CampaignMember"] < 1.1
    con = duckdb.connect()
    members = f"read_csv('{out}/CampaignMember_*.csv', all_varchar = true)"
    leads = f"read_csv('{out}/Lead.csv', all_varchar = true)"
    assert rows(con, f"SELECT count(*), count(DISTINCT Id) FROM {members}") == [(counts["CampaignMember"],) * 2]
    assert rows(con, f"SELECT count(*) FROM {members} m ANTI JOIN {leads} l ON l.Id = m.LeadId") == [(0,)]
    assert rows(con, f"SELECT count(DISTINCT LeadSource) FROM {leads}")[0][0] >= 7
