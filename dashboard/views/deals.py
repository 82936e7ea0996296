"""Deals: win rate, cycle time, won vs lost by firmographics, and where open deals stall."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, db
from dashboard.components import empty_state, fmt_int, fmt_money, fmt_pct, page_header, table, tile
from dashboard.filters import current

f = current()
page_header("Deals", f.describe())
c = f.currency
dimension = st.radio("Split by", ["segment", "industry", "employees", "region", "source"], horizontal=True,
                     key="deals_by", format_func=lambda d: {"segment": "Segment", "industry": "Industry",
                                                            "employees": "Employees", "region": "Region",
                                                            "source": "Sourced by"}[d])
rates = db.query("deals_win_rate", **f.params(dimension=dimension))
won, lost = int(rates["won"].sum()), int(rates["lost"].sum())
won_amount, lost_amount = float(rates["won_amount"].sum()), float(rates["lost_amount"].sum())
cycle = (rates["avg_cycle_days"] * rates["won"]).sum() / won if won else None
t1, t2, t3, t4 = st.columns(4)
with t1:
    tile("Closed", f"{fmt_int(won)} won · {fmt_int(lost)} lost", "deals_win_rate")
with t2:
    tile("Win rate (count)", fmt_pct(won / (won + lost) if won + lost else None), "deals_win_rate")
with t3:
    tile("Win rate (amount)", fmt_pct(won_amount / (won_amount + lost_amount) if won_amount + lost_amount else None),
         "deals_win_rate")
with t4:
    tile("Average cycle (won)", f"{cycle:.0f} days" if cycle is not None else "–", "deals_win_rate")

left, right = st.columns(2)
with left:
    if rates.empty:
        empty_state("No deal was closed in this quarter for these filters.",
                    "Win rates and cycle times need won or lost opportunities in the period.")
    else:
        long = rates.melt(id_vars=["value"], value_vars=["won_amount", "lost_amount"], var_name="outcome",
                          value_name="amount")
        long["outcome"] = long["outcome"].map({"won_amount": "Won", "lost_amount": "Lost"})
        st.plotly_chart(charts.bars(long, "value", "amount", f"Won vs lost by {dimension}", c, color="outcome"),
                        width="stretch")
with right:
    stalled = db.query("deals_stalled", **f.params())
    if stalled.empty:
        empty_state("No deal is open at the as-of date for these filters.", "There is nothing to stall.")
    else:
        st.plotly_chart(charts.bars(stalled, "stage_name", "median_days_in_stage", "Where open deals stall",
                                    "median days in stage", horizontal=True), width="stretch")
st.subheader(db.title("deals_win_rate"), help=db.definition("deals_win_rate"))
table(rates, f"win_rate_by_{dimension}.csv")
st.subheader(db.title("deals_stalled"), help=db.definition("deals_stalled"))
table(stalled, "stalled_deals.csv")
st.caption(f"Open pipeline by stage in {c}: {fmt_money(stalled['amount'].sum(), c)}.")
