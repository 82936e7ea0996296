"""The sample company written as a HubSpot export (`python -m data.sample OUT --layout hubspot`).

The company is generated once, as the Salesforce export, loaded by the ordinary ingest into a
scratch database, and written back out as HubSpot's UI export would show it: one file per object
(`hubspot-crm-exports-<view>-<date>.csv`), display labels, owners by full name, HubSpot Team, one
contact per person (a converted lead and its contact are one HubSpot contact), the MQL moment in
`Became a Marketing Qualified Lead Date` (the moment the shared MQL rule found: a form that asked
for sales), deals with their `Date entered "<Stage> (Sales Pipeline)"` columns, and the calls,
emails and meetings people logged. Quotas and the portal's exchange rates, which HubSpot's CRM export
does not hold, are written beside it in our canonical layout (`quotas.csv`, `dated_conversion_rates.csv`).

Date-times keep their seconds (a real UI export shows minutes) so that every number, SLA minutes
included, equals the Salesforce layout's to the second; the portal time zone is UTC.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from data.ingest import ingest

PIPELINE = "Sales Pipeline"
_TS = "strftime({}, '%Y-%m-%d %H:%M:%S')"


def _ts(col: str) -> str:
    return _TS.format(col)


def write_hubspot(sf_export: Path, out: Path, as_of: date, config_path: str | Path | None = None) -> dict[str, int]:
    """Write the HubSpot layout of a generated Salesforce export `sf_export` into `out`; row counts per file."""
    with tempfile.TemporaryDirectory(prefix="hubspot-sample-") as tmp:
        db = Path(tmp) / "crm.duckdb"
        ingest(sf_export, db, config_path, quiet=True, source="salesforce")
        return export_hubspot(db, sf_export, out, as_of)


def export_hubspot(db: Path, sf_export: Path, out: Path, as_of: date) -> dict[str, int]:
    """Write the HubSpot layout from `db`, the Salesforce export `sf_export` loaded; row counts per file."""
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        frames = {
            "companies": _companies(con),
            "contacts": _contacts(con),
            "deals": _deals(con),
            "calls": _activities(con, "Call"),
            "emails": _activities(con, "Email"),
            "meetings": _activities(con, "Meeting"),
        }
        quotas = _quotas(con)
    finally:
        con.close()
    counts = {}
    for view, frame in frames.items():
        name = f"hubspot-crm-exports-all-{view}-{as_of.isoformat()}.csv"
        frame.to_csv(out / name, index=False, lineterminator="\n")
        counts[name] = len(frame)
    quotas.to_csv(out / "quotas.csv", index=False, lineterminator="\n")
    counts["quotas.csv"] = len(quotas)
    for rates in ("DatedConversionRate.csv", "CurrencyType.csv"):
        if (sf_export / rates).exists():
            shutil.copyfile(sf_export / rates, out / rates)
    return counts


# The owner of a record as the UI export names them (full name; blank for a queue) and their team.
_OWNER = "u.user_name"
_TEAM = "coalesce(u.role_name, '')"


def _companies(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        f"""
        SELECT a.account_id AS "Record ID", a.account_name AS "Company name", a.country AS "Country/Region",
            a.industry AS "Industry", a.employees AS "Number of Employees", a.annual_revenue AS "Annual Revenue",
            {_OWNER} AS "Company owner", {_ts("a.created_at")} AS "Create Date"
        FROM stg_accounts a LEFT JOIN stg_users u ON u.user_id = a.owner_id
        ORDER BY a.account_id
        """
    ).df()


def _people(con: duckdb.DuckDBPyConnection) -> str:
    """SQL: one HubSpot contact per person: the converted contact's Id, else the lead's; the earliest lead."""
    del con
    return """
        WITH leads AS (
            SELECT coalesce(l.converted_contact_id, l.lead_id) AS person_id, l.*
            FROM stg_leads l
            QUALIFY row_number() OVER (
                PARTITION BY coalesce(l.converted_contact_id, l.lead_id) ORDER BY l.created_at, l.lead_id
            ) = 1
        )
        SELECT
            coalesce(l.person_id, c.contact_id) AS person_id,
            coalesce(l.created_at, c.created_at) AS created_at,
            CASE WHEN l.person_id IS NOT NULL THEN l.owner_id ELSE c.owner_id END AS owner_id,
            coalesce(l.is_queue_owned, FALSE) AS is_queue_owned,
            coalesce(l.full_name, c.full_name) AS full_name, coalesce(l.email, c.email) AS email,
            coalesce(l.title, c.title) AS title, l.company, coalesce(l.country, c.country) AS country,
            l.industry, l.employees, coalesce(l.lead_source, c.lead_source) AS lead_source, l.status,
            coalesce(c.account_id, l.converted_account_id) AS account_id, l.converted_opportunity_id
        FROM leads l
        FULL JOIN stg_contacts c ON c.contact_id = l.person_id
    """


def _contacts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        f"""
        WITH people AS ({_people(con)})
        SELECT p.person_id AS "Record ID", split_part(p.full_name, ' ', 1) AS "First Name",
            nullif(substr(p.full_name, length(split_part(p.full_name, ' ', 1)) + 2), '') AS "Last Name",
            p.email AS "Email", p.title AS "Job Title", p.company AS "Company Name",
            CASE WHEN p.is_queue_owned THEN NULL ELSE {_OWNER} END AS "Contact owner",
            CASE WHEN p.is_queue_owned THEN NULL ELSE {_TEAM} END AS "HubSpot Team",
            {_ts("p.created_at")} AS "Create Date", p.country AS "Country/Region", p.industry AS "Industry",
            p.employees AS "Number of Employees", p.status AS "Lead Status", p.lead_source AS "Original Source",
            {_ts("m.mql_at")} AS "Became a Marketing Qualified Lead Date",
            p.account_id AS "Associated Company IDs", p.converted_opportunity_id AS "Associated Deal IDs"
        FROM people p
        LEFT JOIN stg_users u ON u.user_id = p.owner_id
        LEFT JOIN mql m ON m.person_id = p.person_id
        ORDER BY p.created_at, p.person_id
        """
    ).df()


def _deals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    deals = con.execute(
        f"""
        SELECT o.opportunity_id AS "Record ID", o.opportunity_name AS "Deal Name", '{PIPELINE}' AS "Pipeline",
            o.stage_name AS "Deal Stage", o.amount AS "Amount", o.currency_code AS "Currency",
            strftime(o.close_date, '%Y-%m-%d 00:00') AS "Close Date", {_ts("o.created_at")} AS "Create Date",
            {_OWNER} AS "Deal owner", {_TEAM} AS "HubSpot Team", o.lead_source AS "Original Source",
            o.opportunity_type AS "Deal Type", o.account_id AS "Associated Company IDs",
            (SELECT string_agg(r.contact_id, ';' ORDER BY r.contact_id) FROM stg_opportunity_contact_roles r
             WHERE r.opportunity_id = o.opportunity_id) AS "Associated Contact IDs"
        FROM stg_opportunities o LEFT JOIN stg_users u ON u.user_id = o.owner_id
        ORDER BY o.created_at, o.opportunity_id
        """
    ).df()
    entered = con.execute(
        f"""
        SELECT opportunity_id, 'Date entered "' || stage_name || ' ({PIPELINE})"' AS col, {_ts("max(changed_at)")} AS at
        FROM stg_opportunity_stage_history WHERE stage_name IS NOT NULL GROUP BY ALL
        """
    ).df()
    wide = entered.pivot(index="opportunity_id", columns="col", values="at")
    return deals.join(wide, on="Record ID")


def _activities(con: duckdb.DuckDBPyConnection, kind: str) -> pd.DataFrame:
    """Calls, emails or meetings logged on a person (automated sends are not HubSpot engagements)."""
    title = {"Call": "Call Title", "Email": "Email subject", "Meeting": "Meeting name"}[kind]
    return con.execute(
        f"""
        SELECT a.activity_id AS "Record ID", a.subject AS "{title}", {_ts("a.activity_at")} AS "Activity date",
            {_OWNER} AS "Activity assigned to", {_TEAM} AS "HubSpot Team", {_ts("a.created_at")} AS "Create Date",
            coalesce(l.converted_contact_id, a.lead_id, a.contact_id) AS "Associated Contact IDs"
        FROM stg_activities a
        LEFT JOIN stg_leads l ON l.lead_id = a.lead_id
        LEFT JOIN stg_users u ON u.user_id = a.owner_id
        WHERE a.activity_type = ? AND NOT a.is_automated AND coalesce(a.lead_id, a.contact_id) IS NOT NULL
        ORDER BY a.activity_at, a.activity_id
        """,
        [kind],
    ).df()


def _quotas(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        """
        SELECT q.quota_id, u.user_name AS owner_id, q.period_start_date, q.amount, q.currency_code, q.period_id
        FROM stg_quotas q JOIN stg_users u ON u.user_id = q.owner_id
        ORDER BY q.quota_id
        """
    ).df()
