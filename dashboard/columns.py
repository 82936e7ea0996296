"""How every table's columns read, in one place: the page tables, the CSV downloads and the HTML brief.

Each query column has a kind (money, share, count, minutes, days, date ...) and a human header. On the
page, numbers stay numbers (so a column sorts) with a display format: money with its currency, shares
as percentages, dates without a time. In a CSV the values stay raw (amounts with cents, shares as
0-1, minutes as minutes) and the header says the unit ("Won (USD)", "Win rate (0-1)"). The key column
of a table (what a row is about) comes first. No Streamlit needed, except to build column_config.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.formats import is_missing


@dataclass(frozen=True)
class Col:
    """A column: its header for people and its kind (how its values read)."""

    header: str
    kind: str = "text"  # key | text | count | number | money | local | share | minutes | days | ratio | date | datetime | flag


# Query column -> how it reads. Where a name means different things in different queries, OVERRIDES wins.
COLUMNS: dict[str, Col] = {
    # keys: what a row is about
    "region": Col("Region", "key"),
    "name": Col("Name", "key"),
    "value": Col("Value", "key"),
    "campaign_name": Col("Campaign", "key"),
    "opportunity_name": Col("Deal", "key"),
    "person": Col("Person", "key"),
    "stage_name": Col("Stage", "key"),
    "measure": Col("Measure", "key"),
    "setting": Col("Setting", "key"),
    "object": Col("Object", "key"),
    "file_name": Col("File", "key"),
    "bucket": Col("First touch after", "key"),
    "model": Col("Attribution model", "key"),
    "week_start": Col("Week of", "date"),
    "owner": Col("Owner", "text"),
    "channel": Col("Channel", "text"),
    "sourced_by": Col("Sourced by", "text"),
    "level": Col("Level", "text"),
    "company": Col("Company", "text"),
    "hand_raise_campaign": Col("Hand-raise campaign", "text"),
    # identifiers: kept, after the names
    "campaign_id": Col("Campaign Id"),
    "opportunity_id": Col("Deal Id"),
    "owner_id": Col("Owner Id"),
    "person_id": Col("Person Id"),
    "key": Col("Id"),
    "account_id": Col("Account Id"),
    "lead_id": Col("Lead Id"),
    "contact_id": Col("Contact Id"),
    "campaign_member_id": Col("Membership Id"),
    # counts
    "leads": Col("Leads", "count"),
    "mqls": Col("MQLs", "count"),
    "handed_off": Col("Handed off", "count"),
    "accepted": Col("Accepted", "count"),
    "converted": Col("Converted", "count"),
    "lost": Col("Lost", "count"),
    "touched": Col("Touched", "count"),
    "within_target": Col("Within SLA", "count"),
    "within_target_business": Col("Within SLA (business hours)", "count"),
    "breached_untouched": Col("Untouched past target", "count"),
    "pending": Col("Pending", "count"),
    "ignored": Col("Ignored", "count"),
    "deals": Col("Deals", "count"),
    "past_due": Col("Past close date", "count"),
    "opportunities": Col("Deals", "count"),
    "influenced_opportunities": Col("Influenced deals", "count"),
    "unconverted_deals": Col("Deals without a rate", "count"),
    "unconverted_opportunities": Col("Deals without a rate", "count"),
    "records": Col("Records", "count"),
    "records_read": Col("Records read", "count"),
    "records_rejected": Col("Records rejected", "count"),
    "records_deleted": Col("Records deleted", "count"),
    "records_duplicate": Col("Duplicates", "count"),
    "files": Col("Files", "count"),
    "columns": Col("Columns", "count"),
    "part": Col("Part", "count"),
    "record": Col("Record", "count"),
    "size_bytes": Col("Size (bytes)", "count"),
    # money in the reporting currency
    "amount": Col("Amount", "money"),
    "pipeline": Col("Pipeline", "money"),
    "credit": Col("Credit", "money"),
    "won_amount": Col("Won", "money"),
    "lost_amount": Col("Lost amount", "money"),
    "quota": Col("Quota", "money"),
    "won": Col("Won", "money"),  # quota_attainment; the funnels count won deals (OVERRIDES)
    "gap": Col("Gap", "money"),
    "open_pipeline": Col("Open pipeline", "money"),
    "cost": Col("Cost", "money"),
    "influenced_amount": Col("Influenced", "money"),
    "total_pipeline": Col("Pipeline created", "money"),
    "attributed": Col("Attributed", "money"),
    "unattributed": Col("Unattributed", "money"),
    "bookings_reporting": Col("Bookings", "money"),
    "bookings_constant": Col("Bookings at constant rates", "money"),
    "bookings_fx_effect": Col("Exchange-rate effect", "money"),
    "pipeline_reporting": Col("Open pipeline", "money"),
    "pipeline_constant": Col("Open pipeline at constant rates", "money"),
    "amount_rep": Col("Amount", "money"),
    "previous": Col("Before", "number"),
    "current": Col("Now", "number"),
    "change": Col("Change", "number"),
    # money in each row's own currency
    "bookings_local": Col("Bookings (local)", "local"),
    "pipeline_local": Col("Open pipeline (local)", "local"),
    "amount_in_currency": Col("Amount (own currency)", "local"),
    "cost_in_campaign_currency": Col("Cost (own currency)", "local"),
    "amount_local": Col("Amount (own currency)", "local"),
    "local_currency": Col("Currency"),
    "currency_code": Col("Currency"),
    "campaign_currency": Col("Currency"),
    # shares and ratios
    "win_rate": Col("Win rate", "share"),
    "win_rate_amount": Col("Win rate (amount)", "share"),
    "attainment": Col("Attainment", "share"),
    "compliance": Col("Share within SLA", "share"),
    "compliance_business": Col("Share within SLA (business hours)", "share"),
    "conversion_rate": Col("Became a deal", "share"),
    "elapsed_share": Col("Quarter elapsed", "share"),
    "coverage": Col("Coverage", "ratio"),
    "pipeline_per_cost": Col("Pipeline per 1 of cost", "ratio"),
    "won_per_cost": Col("Won per 1 of cost", "ratio"),
    "cost_per_pipeline": Col("Cost per 1 of pipeline", "ratio"),
    # durations
    "median_minutes": Col("Median response", "minutes"),
    "p90_minutes": Col("90% answered within", "minutes"),
    "median_business_minutes": Col("Median response (business hours)", "minutes"),
    "p90_business_minutes": Col("90% answered within (business hours)", "minutes"),
    "response_minutes": Col("Response", "minutes"),
    "response_business_minutes": Col("Response (business hours)", "minutes"),
    "target_minutes": Col("SLA target", "minutes"),
    "sla_target_minutes": Col("SLA target", "minutes"),
    "avg_cycle_days": Col("Average cycle", "days"),
    "median_days_in_stage": Col("Median time in stage", "days"),
    "p90_days_in_stage": Col("90% of deals within", "days"),
    "days_waiting": Col("Waiting", "days"),
    "cycle_days": Col("Cycle", "days"),
    # dates
    "event_date": Col("Date", "date"),
    "close_date": Col("Close date", "date"),
    "created_date": Col("Created", "date"),
    "mql_date": Col("MQL date", "date"),
    "quarter_start": Col("Quarter start", "date"),
    "quarter_end": Col("Quarter end", "date"),
    "mql_at": Col("MQL at (UTC)", "datetime"),
    "first_touch_at": Col("First touch at (UTC)", "datetime"),
    "touched_at": Col("Touched at (UTC)", "datetime"),
    "modified_at": Col("Modified at (UTC)", "datetime"),
    "created_at": Col("Created at (UTC)", "datetime"),
    # text
    "event": Col("Event"),
    "stage_category": Col("Counts as"),
    "counts_as": Col("Counts as"),
    "status": Col("Status"),
    "missing_disables": Col("If missing"),
    "code": Col("Problem"),
    "message": Col("What happened"),
    "example_ids": Col("Example Ids"),
    "advice": Col("What to do"),
    "column_name": Col("Column"),
    "encoding": Col("Encoding"),
    "raw_only_columns": Col("Columns not used"),
    "countries": Col("Countries"),
    "time_zone": Col("Time zone"),
    "holiday_calendar": Col("Holidays"),
    "working_days": Col("Working days"),
    "working_hours": Col("Working hours"),
    "label": Col("Label"),
    "segment": Col("Segment"),
    "lead_source": Col("Lead source"),
    "persona": Col("Persona"),
    "title": Col("Title"),
    "email": Col("Email"),
    "campaign_type": Col("Campaign type"),
    "member_status": Col("Member status"),
    "touch": Col("Touch"),
    "wall_ok": Col("Within SLA", "flag"),
    "is_handed_off": Col("Handed off", "flag"),
    "is_accepted": Col("Accepted", "flag"),
    "is_marketing_sourced": Col("Marketing-sourced", "flag"),
    "is_influenced": Col("Influenced", "flag"),
    "is_ignored": Col("Ignored", "flag"),
    "is_converted": Col("Converted", "flag"),
    "ran_in_period": Col("Ran in the period", "flag"),
    "why_no_cost": Col("Why no cost"),
}

OVERRIDES: dict[str, dict[str, Col]] = {
    "lead_funnel": {"won": Col("Won", "count")},
    "lead_funnel_by": {"won": Col("Won", "count"), "value": Col("Split", "key")},
    "campaign_return": {"won": Col("Won", "money")},
    "lead_funnel_total": {"won": Col("Won", "count")},
    "deals_summary": {"won": Col("Won", "count")},
    "deals_win_rate": {
        "won": Col("Won", "count"),
        "lost": Col("Lost", "count"),
        "won_amount": Col("Won amount", "money"),
        "value": Col("Split", "key"),
    },
    "quota_attainment": {"unconverted_deals": Col("Deals without a rate", "count")},
    "sla_by_rep": {"owner": Col("Owner", "key")},
    "data_quality_rejects": {"value": Col("Value")},
    "definitions_settings": {"value": Col("Value")},
    "deals_stalled": {"amount": Col("Open amount", "money"), "deals": Col("Open deals", "count")},
    "brief_movers": {"event": Col("Event", "key")},
    "forecast_categories": {
        "label": Col("Figure", "key"),
        "amount": Col("Amount", "money"),
        "amount_then": Col("Then", "money"),
        "change": Col("Change", "money"),
    },
    "data_quality_snapshots": {
        "snapshot_at": Col("Snapshot of", "datetime"),
        "as_of_source": Col("Time from"),
        "source": Col("Export"),
        "loaded_at": Col("Loaded", "datetime"),
        "opportunities": Col("Deals", "count"),
        "opportunity_changes": Col("Deal changes stored", "count"),
        "leads": Col("Leads", "count"),
        "lead_changes": Col("Lead changes stored", "count"),
    },
    "pipeline_waterfall": {"step_label": Col("Step", "key"), "amount": Col("Amount", "money")},
    "drill_pipeline_changes": {
        "step": Col("Step", "text"),
        "region": Col("Region", "text"),
        "from_stage": Col("Stage then"),
        "from_close_date": Col("Close date then", "date"),
        "start_amount": Col("Amount then", "money"),
        "to_stage": Col("Stage now"),
        "to_close_date": Col("Close date now", "date"),
        "end_amount": Col("Amount now", "money"),
        "change": Col("Change", "money"),
        "close_date_moved_days": Col("Close date moved", "days"),
        "currency_code": Col("Deal currency"),
        "is_unconverted": Col("No exchange rate", "flag"),
    },
}

_UNITS = {"money": "{currency}", "share": "0-1", "minutes": "minutes", "days": "days", "ratio": "x"}


def spec(column: str, query: str | None = None) -> Col:
    """How one column of one query reads (an unknown column: its name in words, as text)."""
    if query and column in OVERRIDES.get(query, {}):
        return OVERRIDES[query][column]
    return COLUMNS.get(column, Col(column.replace("_", " ").capitalize()))


def order(frame: pd.DataFrame, query: str | None = None) -> list[str]:
    """The columns with the key column(s) first, the rest in the query's order."""
    keys = [c for c in frame.columns if spec(c, query).kind == "key"]
    return keys + [c for c in frame.columns if c not in keys]


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.date


def display(frame: pd.DataFrame, query: str | None = None) -> pd.DataFrame:
    """The frame as the page shows it: key column first, human headers; numbers stay numbers (shares in %),
    dates without a time, durations in words, missing text as a dash."""
    out = pd.DataFrame(index=frame.index)
    for col in order(frame, query):
        s = spec(col, query)
        values = frame[col]
        if s.kind == "share":
            values = values.astype("Float64") * 100
        elif s.kind == "date":
            values = _dates(values)
        elif s.kind == "minutes":
            values = values.map(fmt_duration)
        elif s.kind == "flag":
            values = values.map(lambda v: "–" if is_missing(v) else ("yes" if v else "no"))
        elif s.kind in ("text", "key") and not pd.api.types.is_numeric_dtype(values):
            values = values.astype(object).where(values.notna(), "–")  # a dash, not a grey "None"
        out[s.header] = values
    return out.reset_index(drop=True)


def column_config(frame: pd.DataFrame, currency: str, query: str | None = None) -> dict:
    """Streamlit's column_config for display(frame): formats by kind (money with its currency)."""
    import streamlit as st

    config: dict = {}
    for col in frame.columns:
        s = spec(col, query)
        fmt = number_format(s.kind, currency)
        if s.kind in ("date",):
            config[s.header] = st.column_config.DateColumn(s.header, format="YYYY-MM-DD")
        elif s.kind == "datetime":
            config[s.header] = st.column_config.DatetimeColumn(s.header, format="YYYY-MM-DD HH:mm")
        elif fmt:
            config[s.header] = st.column_config.NumberColumn(s.header, format=fmt)
    return config


def number_format(kind: str, currency: str) -> str | None:
    """The printf format of a numeric kind on the page (None: not a number)."""
    return {
        "money": f"{currency} %,.0f",
        "local": "%,.0f",
        "share": "%.1f%%",
        "count": "%,d",
        "number": "%,.2f",
        "days": "%,.0f days",
        "ratio": "%.2fx",
    }.get(kind)


# How each kind of value reads, one rule per kind (money takes its currency).
_TEXT: dict[str, Callable[[Any, str], str]] = {
    "money": lambda v, c: f"{c} {float(v):,.0f}",
    "local": lambda v, _c: f"{float(v):,.0f}",
    "share": lambda v, _c: f"{float(v) * 100:.1f}%",
    "count": lambda v, _c: f"{int(v):,}",
    "days": lambda v, _c: f"{float(v):,.0f} days",
    "ratio": lambda v, _c: f"{float(v):.2f}x",
    "minutes": lambda v, _c: fmt_duration(v),
    "date": lambda v, _c: pd.Timestamp(v).strftime("%Y-%m-%d"),
    "datetime": lambda v, _c: pd.Timestamp(v).strftime("%Y-%m-%d %H:%M"),
    "flag": lambda v, _c: "yes" if v else "no",
    "number": lambda v, _c: f"{float(v):,.2f}",
}


def text(value: Any, kind: str, currency: str) -> str:
    """One value as the page shows it (for tests and the HTML export): 'USD 1,234', '41.7%', '2026-11-03'."""
    if is_missing(value):
        return "–"
    rule = _TEXT.get(kind)
    return rule(value, currency) if rule else str(value)


def rows_as_text(frame: pd.DataFrame, currency: str, query: str | None = None, n: int = 3) -> list[dict[str, str]]:
    """The first rows as the page reads them: {header: formatted value} (what tests pin)."""
    cols = order(frame, query)
    return [
        {spec(c, query).header: text(row[c], spec(c, query).kind, currency) for c in cols} for _, row in frame.head(n).iterrows()
    ]


def export(frame: pd.DataFrame, currency: str, query: str | None = None) -> pd.DataFrame:
    """The frame for a CSV: raw values (cents kept, shares 0-1, minutes), key first, headers with units."""
    out = pd.DataFrame(index=frame.index)
    for col in order(frame, query):
        s = spec(col, query)
        unit = _UNITS.get(s.kind, "").format(currency=currency)
        values = frame[col]
        if s.kind == "date":
            values = _dates(values)
        out[f"{s.header} ({unit})" if unit else s.header] = values
    return out.reset_index(drop=True)


def fmt_duration(minutes: Any) -> str:
    """Minutes in words: '40 min', '2 h 05 min', '3.2 days'; under a minute in seconds."""
    if is_missing(minutes):
        return "–"
    total = float(minutes)
    if total < 1:
        return f"{round(total * 60)} s"
    if total < 60:
        whole = math.floor(total)
        seconds = round((total - whole) * 60)
        return f"{whole} min" if seconds == 0 else f"{whole} min {seconds:02d} s"
    if total < 1440:
        return f"{int(total // 60)} h {round(total % 60):02d} min"
    return f"{total / 1440:.1f} days"
