"""Follow-up SLA: compliance, distribution of response minutes, by region and rep, and what slow follow-up costs."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, db
from dashboard.components import empty_state, fmt_int, fmt_minutes, fmt_pct, page_header, table, tile
from dashboard.filters import current

f = current()
page_header("Follow-up SLA", f.describe())
by_region = db.query("sla_by_region", **f.params())
if by_region.empty:
    empty_state("No MQLs in this quarter for these filters.",
                "The SLA needs MQLs (hand-raise campaign members) and activities (Task, Event) in the export.")
    st.stop()

judged = int((by_region["mqls"] - by_region["pending"]).sum())
t1, t2, t3, t4, t5 = st.columns(5)
with t1:
    tile("Within SLA (wall clock)", fmt_pct(by_region["within_target"].sum() / judged if judged else None), "sla_by_region")
with t2:
    tile("Within SLA (business hours)",
         fmt_pct(by_region["within_target_business"].sum() / judged if judged else None), "sla_by_region")
with t3:
    tile("Untouched past target", fmt_int(by_region["breached_untouched"].sum()), "sla_by_region")
with t4:
    tile("Ignored", fmt_int(by_region["ignored"].sum()), "sla_by_region")
with t5:
    single = by_region["median_minutes"].iloc[0] if len(by_region) == 1 else None
    tile("Median response" if single is not None else "MQLs", fmt_minutes(single) if single is not None
         else fmt_int(by_region["mqls"].sum()), "sla_by_region")

left, right = st.columns(2)
with left:
    histogram = db.query("sla_response_histogram", **f.params())
    st.plotly_chart(charts.response_histogram(histogram, by_region["target_minutes"].tolist()), width="stretch")
with right:
    buckets = db.query("sla_response_buckets", **f.params())
    st.plotly_chart(charts.bars(buckets, "bucket", "conversion_rate", "What slow follow-up costs: MQL to opportunity",
                                "conversion"), width="stretch")

st.subheader(db.title("sla_by_region"), help=db.definition("sla_by_region"))
shown = by_region.copy()
for col in ("median_minutes", "p90_minutes", "median_business_minutes", "p90_business_minutes"):
    shown[col] = shown[col].map(fmt_minutes)
table(shown, "sla_by_region.csv")

st.subheader(db.title("sla_by_rep"), help=db.definition("sla_by_rep"))
table(db.query("sla_by_rep", **f.params()), "sla_by_rep.csv")

weekly = db.query("sla_by_week", **f.params())
if not weekly.empty:
    st.plotly_chart(charts.line(weekly, "week_start", "compliance", "region", "Compliance by week", "within SLA"),
                    width="stretch")
