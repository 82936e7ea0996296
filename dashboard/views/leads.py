"""Leads & handoff: leads, MQLs, handed off, accepted, converted, won; by source, persona, region; what sales ignored."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, db
from dashboard.components import empty_state, fmt_int, fmt_pct, page_header, table, tile
from dashboard.filters import current

f = current()
page_header("Leads & handoff", f.describe())
funnel = db.query("lead_funnel", **f.params())
totals = funnel[["leads", "mqls", "handed_off", "accepted", "converted", "won"]].sum()

cols = st.columns(6)
labels = [("Leads", "leads"), ("MQLs", "mqls"), ("Handed off", "handed_off"), ("Accepted", "accepted"),
          ("Converted", "converted"), ("Won", "won")]
for col, (label, key) in zip(cols, labels, strict=True):
    with col:
        tile(label, fmt_int(totals[key]), "lead_funnel")

if totals["mqls"] == 0 and totals["leads"] == 0:
    empty_state("No leads or MQLs in this quarter for these filters.",
                "Without Lead and CampaignMember in the export there is no funnel.")
else:
    left, right = st.columns([2, 3])
    with left:
        st.plotly_chart(charts.funnel(["MQLs", "Handed off", "Accepted", "Converted", "Won"],
                                      [int(totals[k]) for k in ("mqls", "handed_off", "accepted", "converted", "won")],
                                      "From MQL to won"), width="stretch")
        st.caption(f"Accepted / MQLs: {fmt_pct(totals['accepted'] / totals['mqls'] if totals['mqls'] else None)}")
    with right:
        dimension = st.radio("Split by", ["source", "channel", "persona", "region"], horizontal=True, key="leads_by",
                             format_func=lambda d: {"source": "Lead source", "channel": "Hand-raise channel",
                                                    "persona": "Persona", "region": "Region"}[d])
        by = db.query("lead_funnel_by", **f.params(dimension=dimension))
        st.plotly_chart(charts.bars(by, "value", "mqls", f"MQLs by {dimension}", "MQLs"), width="stretch")
    st.subheader(db.title("lead_funnel_by"), help=db.definition("lead_funnel_by"))
    table(by, f"funnel_by_{dimension}.csv")

st.subheader(db.title("mql_ignored"), help=db.definition("mql_ignored"))
ignored = db.query("mql_ignored", **f.params())
if ignored.empty:
    st.success("No MQL in this quarter waited longer than the 'ignored' threshold.")
else:
    table(ignored, "ignored_mqls.csv")
