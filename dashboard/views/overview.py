"""Overview: marketing's and sales' numbers side by side for the quarter, and what changed since a date."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.components import fmt_int, fmt_money_short, fmt_pct, page_header, tile
from dashboard.filters import current
from dashboard.formats import fmt_delta
from dashboard.kpis import overview
from dashboard.notes import segment_quota_note

f = current()
page_header("Overview", f.describe())

default_since = max(f.quarter_start - dt.timedelta(days=1), f.as_of - dt.timedelta(days=14))
since = st.columns([1, 3])[0].date_input(
    "Compare with", value=default_since, max_value=f.as_of, key="overview_since",
    help="The deltas show the change since the end of this day (quarter to date at both dates).")
now = overview(f, f.as_of)
then = overview(f, since) if since >= f.quarter_start else None


def delta(kind: str, a: float | None, b: float | None) -> str | None:
    """The change since the comparison date, by the one formatting rule (None without a comparison)."""
    return None if then is None or a is None or b is None else fmt_delta(kind, a - b, f.currency)


c = f.currency
marketing, sales = st.columns(2, gap="large")
with marketing:
    st.subheader("Marketing")
    m1, m2 = st.columns(2)
    m3, m4 = st.columns(2)
    m5, m6 = st.columns(2)
    with m1:
        tile("MQLs", fmt_int(now.mqls), "lead_funnel", delta("count", now.mqls, then.mqls if then else None))
    with m2:
        tile("Handed off to sales", fmt_int(now.handed_off), "lead_funnel",
             delta("count", now.handed_off, then.handed_off if then else None))
    with m3:
        tile("Followed up within SLA", fmt_pct(now.sla_compliance), "sla_by_region",
             delta("share", now.sla_compliance, then.sla_compliance if then else None))
    with m4:
        tile("Marketing-sourced pipeline", fmt_money_short(now.marketing_pipeline, c), "pipeline_generated",
             delta("money", now.marketing_pipeline, then.marketing_pipeline if then else None))
    with m5:
        tile("Marketing-influenced pipeline", fmt_money_short(now.influenced_pipeline, c), "pipeline_influenced",
             delta("money", now.influenced_pipeline, then.influenced_pipeline if then else None))
    with m6:
        share = now.influenced_pipeline / now.pipeline if now.pipeline else None
        tile("Influenced share of pipeline", fmt_pct(share), "pipeline_influenced")
with sales:
    st.subheader("Sales")
    s1, s2 = st.columns(2)
    s3, s4 = st.columns(2)
    s5, s6 = st.columns(2)
    with s1:
        tile("Bookings quarter to date", fmt_money_short(now.won, c), "quota_attainment",
             delta("money", now.won, then.won if then else None))
    with s2:
        tile("Quota attainment", fmt_pct(now.attainment), "quota_attainment",
             delta("share", now.attainment, then.attainment if then else None))
    with s3:
        tile("Quota", fmt_money_short(now.quota, c), "quota_attainment")
    with s4:
        tile("Pipeline created", fmt_money_short(now.pipeline, c), "pipeline_generated",
             delta("money", now.pipeline, then.pipeline if then else None))
    with s5:
        tile("Pipeline coverage", f"{now.coverage:.2f}x" if now.coverage is not None else "–", "quota_attainment",
             delta("ratio", now.coverage, then.coverage if then else None))
    with s6:
        tile("Accepted by sales", fmt_int(now.accepted), "lead_funnel",
             delta("count", now.accepted, then.accepted if then else None))
if now.unconverted:
    st.info(f"{now.unconverted} opportunity(ies) in a currency without an exchange rate are left out of the "
            "amounts; the Data quality page lists them.")
segment_quota_note(f)
if now.quota == 0:
    st.info("No quota is loaded for this quarter and these filters, so attainment and coverage cannot be computed "
            "(ForecastingQuota in the export).")
