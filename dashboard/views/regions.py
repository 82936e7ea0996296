"""Regions & currency: each region in local, reporting and constant currency, with the exchange-rate effect."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, db
from dashboard.components import empty_state, fmt_int, fmt_money_short, page_header, table, tile
from dashboard.filters import current

f = current()
page_header("Regions & currency", f.describe())
c = f.currency
frame = db.query("region_currency", **f.params())
if frame.empty:
    empty_state("No deal was won, or is open and closing, in this quarter for these filters.",
                "Regional bookings and pipeline need opportunities in the period.")
    st.stop()
t1, t2, t3, t4 = st.columns(4)
with t1:
    tile(f"Bookings ({c}, day's rates)", fmt_money_short(frame["bookings_reporting"].sum(), c), "region_currency")
with t2:
    tile(f"Bookings ({c}, constant rates)", fmt_money_short(frame["bookings_constant"].sum(), c), "region_currency")
with t3:
    tile("Exchange-rate effect", fmt_money_short(frame["bookings_fx_effect"].sum(), c), "region_currency")
with t4:
    tile("Deals without a rate", fmt_int(frame["unconverted_deals"].sum()), "region_currency")

by_region = frame.groupby("region", as_index=False)[["bookings_reporting", "bookings_constant"]].sum()
if not by_region.empty:
    st.plotly_chart(charts.region_multiples(by_region, c), width="stretch")
st.subheader(db.title("region_currency"), help=db.definition("region_currency"))
st.caption(f"Local amounts are in each row's own currency; reporting and constant amounts in {c}. Constant "
           f"currency uses the rates of {f.quarter_start:%Y-%m-%d} (the quarter's start) for every amount.")
table(frame, "regions_currency.csv")
