"""Overview: per side, the numbers that matter with their status against target and pace, a small pacing chart,
and the pipeline bridge; every tile opens its records; deltas since a chosen date."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import charts, db
from dashboard.compare import CHOICES, same_day
from dashboard.components import fmt_int, fmt_money_short, fmt_pct, page_header, tile
from dashboard.drill import Drill
from dashboard.filters import NO_TOUCHES, current, has_touches, page_choice, page_date
from dashboard.formats import fmt_delta
from dashboard.kpis import against_pace, against_target, attainment_pace, elapsed_share, overview
from dashboard.notes import segment_quota_note
from dashboard.targets import targets

f = current()
page_header("Overview", f.describe())
goals = targets()
c = f.currency

date_box, compare_box = st.columns([1, 3])
with compare_box:
    compare = page_choice("Compare with", list(CHOICES), "overview_compare", format_func=CHOICES.get)
now = overview(f, f.as_of)
if compare == "date":
    default_since = max(f.quarter_start - dt.timedelta(days=1), f.as_of - dt.timedelta(days=14))
    since = page_date(
        "Changes since",
        "overview_since",
        default_since,
        f.quarter_start - dt.timedelta(days=1),
        f.as_of,
        help="Each tile's change (under its number) is since the end of this day, quarter to date at both "
        "dates. A typed date applies on Enter or when you leave the box; the link keeps it.",
        container=date_box,
    )
    then = overview(f, since) if since >= f.quarter_start else None
else:
    earlier = same_day(f, compare)
    then = overview(earlier, earlier.as_of) if earlier else None
    date_box.caption(
        f"Changes against {earlier.quarter_label} to date, as of {earlier.as_of:%Y-%m-%d} (the same day of that "
        "quarter), as the deals stood then."
        if earlier
        else "The data does not reach that quarter: no change is shown."
    )


def delta(kind: str, a: float | None, b: float | None) -> str | None:
    """The change since the comparison date, by the one formatting rule. The date is said once, in the "Changes
    since" box above the tiles: in each tile it made the change too long for a third of half the page."""
    if a is None or b is None:
        return None
    if then is None and compare == "date":  # compared with the day before the quarter: everything is new this quarter
        b = 0.0 if kind in ("count", "money") else None
        if b is None:
            return None
    change = fmt_delta(kind, a - b, c)
    return change or "no change"


elapsed = elapsed_share(f, f.as_of)
pacing = db.query("quota_pacing", **f.params())
at_as_of = pacing[pacing["pacing_linear"].notna()]
pace_linear = float(at_as_of["pacing_linear"].iloc[-1]) if len(at_as_of) else None
typical = pacing["pacing_typical"].dropna()
pace_typical = float(typical.iloc[-1]) if len(typical) else None
mql_target = goals.mqls_for(f.region) if not (f.segment or f.owner) else None

marketing, sales = st.columns(2, gap="large")
with marketing:
    st.subheader("Marketing")
    m1, m2, m3 = st.container(key="overview-tiles-marketing").columns(3)
    with m1:
        tile(
            "MQLs",
            fmt_int(now.mqls),
            "lead_funnel_total",
            delta("count", now.mqls, then.mqls if then else None),
            drill=Drill("drill_mqls", "mqls", reconcile="count"),
            total=now.mqls,
        )
    with m2:
        tile(
            "Followed up within SLA",
            fmt_pct(now.sla_compliance),
            "sla_summary",
            delta("share", now.sla_compliance, then.sla_compliance if then else None),
            drill=Drill("drill_mqls", "judged", reconcile="share"),
            total=now.sla_compliance,
        )
    with m3:
        tile(
            "Marketing-sourced pipeline",
            fmt_money_short(now.marketing_pipeline, c),
            "pipeline_summary",
            delta("money", now.marketing_pipeline, then.marketing_pipeline if then else None),
            drill=Drill("drill_deals", "marketing_sourced"),
            total=now.marketing_pipeline,
        )
    st.markdown("**MQLs** " + against_pace(now.mqls, mql_target, elapsed, "MQL", fmt_int).markdown())
    st.markdown("**SLA** " + against_target(now.sla_compliance, goals.sla_compliance, lambda t: f"{t:.0%}").markdown())
    st.caption(
        f"{fmt_int(now.handed_off)} MQLs handed off to sales, {fmt_int(now.accepted)} accepted (touched by "
        f"a salesperson). Targets come from the definitions ([targets])."
    )
with sales:
    st.subheader("Sales")
    s1, s2, s3 = st.container(key="overview-tiles-sales").columns(3)
    with s1:
        tile(
            "Bookings",
            fmt_money_short(now.won, c),
            "quota_attainment",
            delta("money", now.won, then.won if then else None),
            drill=Drill("drill_deals", "won"),
            total=now.won,
        )
    with s2:
        tile(
            "Quota attainment",
            fmt_pct(now.attainment),
            "quota_attainment",
            delta("share", now.attainment, then.attainment if then else None),
            drill=Drill("drill_deals", "won"),
            total=now.won,
        )
    with s3:
        tile(
            "Pipeline coverage",
            f"{now.coverage:.2f}x" if now.coverage is not None else "–",
            "quota_attainment",
            delta("ratio", now.coverage, then.coverage if then else None),
            drill=Drill("drill_deals", "open"),
            total=now.open_pipeline,
        )
    st.markdown("**Attainment** " + attainment_pace(pace_linear, pace_typical).markdown())
    st.markdown("**Coverage** " + against_target(now.coverage, goals.coverage, lambda t: f"{t:.1f}x").markdown())
    st.caption(f"Quota {fmt_money_short(now.quota, c)}; {elapsed:.0%} of {f.quarter_label} has elapsed.")

touches = has_touches()
chart_col, bridge_col = st.columns(2, gap="large")
with chart_col:
    if not pacing.empty and now.quota:
        st.plotly_chart(charts.pacing_small(pacing, c), width="stretch")
with bridge_col:
    remaining = max((now.quota or 0) - now.won, 0)
    steps = [
        ("Pipeline created", now.pipeline),
        ("Marketing-sourced", now.marketing_pipeline),
        *([("Marketing-influenced", now.influenced_pipeline)] if touches else []),
        ("Open, closing this quarter", now.open_pipeline),
    ]
    if now.quota:
        steps.append(("Quota still to win", remaining))
    st.plotly_chart(charts.bridge([(name, float(v), fmt_money_short(v, c)) for name, v in steps], c), width="stretch")
share = now.influenced_pipeline / now.pipeline if now.pipeline else None
if not touches:
    st.caption(NO_TOUCHES)
st.caption(
    f"**How these relate.** Of the {fmt_money_short(now.pipeline, c)} of pipeline created this quarter, marketing "
    f"sourced {fmt_money_short(now.marketing_pipeline, c)} (a campaign touch before the deal was created, or a marketing "
    + (
        f"lead source) and touched {fmt_money_short(now.influenced_pipeline, c)} ({fmt_pct(share)}, any touch from the "
        "lookback window on). Sourced can exceed influenced: a deal whose lead source is a marketing one counts as "
        "sourced even with no campaign touch. "
        if touches
        else "lead source). "
    )
    + "Open pipeline is every open deal closing by the quarter's end, whenever it "
    f"was created: {fmt_money_short(now.open_pipeline, c)}"
    + (
        f", {now.coverage:.2f}x the {fmt_money_short(remaining, c)} of quota still to win (coverage)."
        if now.coverage is not None
        else "."
    )
)
if now.unconverted:
    st.info(
        f"{now.unconverted} opportunity(ies) in a currency without an exchange rate are left out of the "
        "amounts; the Data quality page lists them."
    )
segment_quota_note(f)
if now.quota == 0:
    st.info(
        "No quota is loaded for this quarter and these filters, so attainment and coverage cannot be computed "
        "(ForecastingQuota in the export)."
    )
