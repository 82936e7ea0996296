"""Deals: win rate, cycle time, won vs lost by firmographics, and where open deals stall."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, db
from dashboard.components import empty_state, fmt_int, fmt_money_short, fmt_pct, page_header, section, tile
from dashboard.drill import Drill, on_select, show
from dashboard.filters import current, page_choice

f = current()
page_header("Deals", f.describe())
c = f.currency
names = {"segment": "Segment", "industry": "Industry", "employees": "Employees", "region": "Region", "source": "Sourced by"}
dimension = page_choice("Split by", list(names), "deals_by", names.get)
totals = db.query("deals_summary", **f.params()).iloc[0]
rates = db.query("deals_win_rate", **f.params(dimension=dimension))
t1, t2, t3, t4 = st.columns(4)
with t1:
    tile(
        "Closed",
        f"{fmt_int(totals['won'])} won · {fmt_int(totals['lost'])} lost",
        "deals_summary",
        drill=Drill("drill_deals", "closed", reconcile="count"),
        total=totals["closed"],
    )
with t2:
    tile(
        "Win rate (count)",
        fmt_pct(totals["win_rate"]),
        "deals_summary",
        drill=Drill("drill_deals", "won", reconcile="count"),
        total=totals["won"],
    )
with t3:
    tile(
        "Won amount",
        fmt_money_short(totals["won_amount"], c),
        "deals_summary",
        drill=Drill("drill_deals", "won"),
        total=totals["won_amount"],
    )
with t4:
    tile(
        "Average cycle (won)",
        f"{totals['avg_cycle_days']:.0f} days" if totals["won"] else "–",
        "deals_summary",
        drill=Drill("drill_deals", "won", reconcile="count"),
        total=totals["won"],
    )
st.caption(
    f"Win rate by amount: {fmt_pct(totals['win_rate_amount'])} ({fmt_money_short(totals['won_amount'], c)} won, "
    f"{fmt_money_short(totals['lost_amount'], c)} lost)."
)

left, right = st.columns(2)
with left:
    if rates.empty:
        empty_state(
            "No deal was closed in this quarter for these filters.",
            "Win rates and cycle times need won or lost opportunities in the period.",
        )
    else:
        long = rates.melt(id_vars=["value"], value_vars=["won_amount", "lost_amount"], var_name="outcome", value_name="amount")
        long["outcome"] = long["outcome"].map({"won_amount": "Won", "lost_amount": "Lost"})
        event = st.plotly_chart(
            charts.bars(
                long, "value", "amount", f"Won vs lost by {names[dimension].lower()}", f"Amount ({c})", color="outcome", unit=c
            ),
            width="stretch",
            on_select="rerun",
            selection_mode="points",
            key="deals_chart",
        )
        point = on_select(event, "deals_chart")
        if point and point.get("customdata"):
            value, outcome = point["customdata"][0], point["customdata"][1]
            show(
                Drill("drill_deals", "won" if outcome == "Won" else "lost", dimension, value),
                f"{outcome.lower()}: {value}",
                "deals_chart",
            )
with right:
    stalled = db.query("deals_stalled", **f.params())
    if stalled.empty:
        empty_state("No deal is open at the as-of date for these filters.", "There is nothing to stall.")
    else:
        event = st.plotly_chart(
            charts.bars(
                stalled, "stage_name", "median_days_in_stage", "Where open deals stall", "median days in stage", horizontal=True
            ),
            width="stretch",
            on_select="rerun",
            selection_mode="points",
            key="stall_chart",
        )
        point = on_select(event, "stall_chart")
        if point and point.get("customdata"):
            stage = point["customdata"][0]
            show(Drill("drill_deals", "open_any", "stage", stage), f"open deals in {stage}", "stall_chart")
section("deals_win_rate", rates, f"win_rate_by_{dimension}.csv")
section("deals_stalled", stalled, "stalled_deals.csv")
