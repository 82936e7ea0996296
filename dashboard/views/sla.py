"""Follow-up SLA: compliance, distribution of response minutes, by region and rep, and what slow follow-up costs."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, db
from dashboard.components import empty_state, fmt_int, fmt_minutes, fmt_pct, page_header, section, tile
from dashboard.drill import Drill, on_select, show
from dashboard.filters import current
from dashboard.targets import targets

MIN_WEEKLY_MQLS = 5  # a week with fewer MQLs swings 0-100% on one touch: its point is not drawn (the table has it)

f = current()
page_header("Follow-up SLA", f.describe())
summary = db.query("sla_summary", **f.params()).iloc[0]
if int(summary["mqls"]) == 0:
    empty_state(
        "No MQLs in this quarter for these filters.",
        "The SLA needs MQLs (hand-raise campaign members) and activities (Task, Event) in the export.",
    )
    st.stop()

t1, t2, t3, t4, t5 = st.columns(5)
with t1:
    tile(
        "Within SLA (wall clock)",
        fmt_pct(summary["compliance"]),
        "sla_summary",
        drill=Drill("drill_mqls", "judged", reconcile="share"),
        total=summary["compliance"],
    )
with t2:
    tile(
        "Within SLA (business hours)",
        fmt_pct(summary["compliance_business"]),
        "sla_summary",
        drill=Drill("drill_mqls", "judged_business", reconcile="count"),
        total=summary["judged_business"],
    )
with t3:
    tile(
        "Untouched past target",
        fmt_int(summary["breached_untouched"]),
        "sla_summary",
        drill=Drill("drill_mqls", "breached_untouched", reconcile="count"),
        total=summary["breached_untouched"],
    )
with t4:
    tile(
        "Ignored",
        fmt_int(summary["ignored"]),
        "sla_summary",
        drill=Drill("drill_mqls", "ignored", reconcile="count"),
        total=summary["ignored"],
    )
with t5:
    tile(
        "Median response",
        fmt_minutes(summary["median_minutes"]),
        "sla_summary",
        drill=Drill("drill_mqls", "touched", reconcile="count"),
        total=summary["touched"],
    )
goal = targets().sla_compliance
st.caption(
    f"{fmt_int(summary['judged'])} of {fmt_int(summary['mqls'])} MQLs judged so far ({fmt_int(summary['pending'])} "
    f"still within their target); company target: {goal:.0%} of MQLs within SLA."
)

by_region = db.query("sla_by_region", **f.params())
left, right = st.columns(2)
with left:
    histogram = db.query("sla_response_histogram", **f.params())
    event = st.plotly_chart(
        charts.response_histogram(histogram, by_region["target_minutes"].tolist()),
        width="stretch",
        on_select="rerun",
        selection_mode="points",
        key="sla_histogram",
    )
    point = on_select(event, "sla_histogram")
    if point and point.get("customdata") is not None:
        start = int(point["customdata"] if not isinstance(point["customdata"], list) else point["customdata"][0])
        show(Drill("drill_mqls", "touched", "bin", str(start), "count"), f"{charts.bin_label(start)} min", "sla_histogram")
with right:
    buckets = db.query("sla_response_buckets", **f.params())
    event = st.plotly_chart(
        charts.bars(
            buckets,
            "bucket",
            "conversion_rate",
            "What slow follow-up costs: MQL to opportunity",
            "MQLs that became a deal",
            unit="%",
        ),
        width="stretch",
        on_select="rerun",
        selection_mode="points",
        key="sla_buckets",
    )
    point = on_select(event, "sla_buckets")
    if point:
        show(Drill("drill_mqls", "mqls", "bucket", str(point.get("x")), "count"), f"first touch {point.get('x')}", "sla_buckets")

section("sla_by_region", by_region, "sla_by_region.csv")
section("sla_by_rep", db.query("sla_by_rep", **f.params()), "sla_by_rep.csv")

weekly = db.query("sla_by_week", **f.params())
if not weekly.empty:
    event = st.plotly_chart(
        charts.weekly_compliance(weekly, goal, MIN_WEEKLY_MQLS),
        width="stretch",
        on_select="rerun",
        selection_mode="points",
        key="sla_weekly",
    )
    point = on_select(event, "sla_weekly")
    if point:
        week = str(point.get("x"))[:10]
        region = (point.get("customdata") or [f.region])[0]
        show(
            Drill("drill_mqls", "judged", "week", week, "share", (("region", region),)), f"{region}, week of {week}", "sla_weekly"
        )
    section("sla_by_week", weekly, "sla_by_week.csv")
