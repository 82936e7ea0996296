"""Regions & currency: each region in local, reporting and constant currency, with the exchange-rate effect."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, db
from dashboard.components import empty_state, fmt_int, fmt_money_short, page_header, section, tile
from dashboard.drill import Drill, on_select, show
from dashboard.filters import current, page_choice

f = current()
page_header("Regions & currency", f.describe())
local = db.query("region_currency", **f.params())
if local.empty:
    empty_state(
        "No deal was won, or is open and closing, in this quarter for these filters.",
        "Regional bookings and pipeline need opportunities in the period.",
    )
    st.stop()
# A regional manager reads their region in its own currency: any currency the deals are in, or the reporting one.
offered = [f.currency, *sorted(set(local["local_currency"]) - {f.currency})]
offered = [cur for cur in offered if cur in set(db.query("filter_options").query("kind == 'currency'")["value"])]
c = page_choice(
    "Show amounts in",
    offered,
    "regions_currency",
    lambda cur: f"{cur} (reporting)" if cur == f.currency else cur,
    default=f.currency,
)
frame = local if c == f.currency else db.query("region_currency", **f.params(currency=c))
totals = db.query("region_currency_total", **f.params(currency=c)).iloc[0]
t1, t2, t3, t4 = st.columns(4)
drill = Drill("drill_deals", "won", extra=(("currency", c),))
with t1:
    tile(
        f"Bookings ({c}, day's rates)",
        fmt_money_short(totals["bookings_reporting"], c),
        "region_currency_total",
        drill=drill,
        total=totals["bookings_reporting"],
    )
with t2:
    tile(f"Bookings ({c}, constant rates)", fmt_money_short(totals["bookings_constant"], c), "region_currency_total")
with t3:
    tile("Exchange-rate effect", fmt_money_short(totals["bookings_fx_effect"], c), "region_currency_total")
with t4:
    tile("Deals without a rate", fmt_int(totals["unconverted_deals"]), "region_currency_total")

if int(totals["won_deals"]) == 0:
    st.info(
        "No deal was won yet in this quarter for these filters, so there are no bookings to compare at the day's "
        "and at constant rates; the table below shows the open pipeline by region and currency."
    )
else:
    # one bar per region: the table's rows are per region and currency (stacked, they would draw a seam per currency)
    by_region = (
        frame[frame["bookings_reporting"] != 0]
        .groupby("region", as_index=False)[["bookings_reporting", "bookings_constant"]]
        .sum()
    )
    event = st.plotly_chart(
        charts.region_multiples(by_region, c), width="stretch", on_select="rerun", selection_mode="points", key="regions_chart"
    )
    point = on_select(event, "regions_chart")
    if point and point.get("customdata"):
        region = point["customdata"][0]
        show(Drill("drill_deals", "won", "region", region, extra=(("currency", c),)), f"bookings in {region}", "regions_chart")
section("region_currency", frame, "regions_currency.csv", currency=c)
st.caption(
    f"Local amounts are in each row's own currency; the others in {c}. Constant currency uses the rates of "
    f"{f.quarter_start:%Y-%m-%d} (the quarter's start) for every amount."
)
