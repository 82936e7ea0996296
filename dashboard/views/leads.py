"""Leads & handoff: leads, MQLs, handed off, accepted, converted, won; by source, persona, region; what sales ignored."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, db
from dashboard.components import empty_state, fmt_int, fmt_pct, page_header, section, tile
from dashboard.drill import Drill, on_select, show
from dashboard.filters import current, page_choice

f = current()
page_header("Leads & handoff", f.describe())
totals = db.query("lead_funnel_total", **f.params()).iloc[0]

cols = st.columns(6)
labels = [
    ("Leads", "leads", Drill("drill_leads", reconcile="count")),
    *[
        (label, key, Drill("drill_mqls", key, reconcile="count"))
        for label, key in (
            ("MQLs", "mqls"),
            ("Handed off", "handed_off"),
            ("Accepted", "accepted"),
            ("Converted", "converted"),
            ("Won", "won"),
        )
    ],
]
for col, (label, key, drill) in zip(cols, labels, strict=True):
    with col:
        tile(label, fmt_int(totals[key]), "lead_funnel_total", drill=drill, total=totals[key])

if totals["mqls"] == 0 and totals["leads"] == 0:
    empty_state(
        "No leads or MQLs in this quarter for these filters.", "Without Lead and CampaignMember in the export there is no funnel."
    )
else:
    left, right = st.columns([2, 3])
    with left:
        st.plotly_chart(
            charts.funnel(
                ["MQLs", "Handed off", "Accepted", "Converted", "Won"],
                [int(totals[k]) for k in ("mqls", "handed_off", "accepted", "converted", "won")],
                "From MQL to won",
            ),
            width="stretch",
        )
        st.caption(f"Accepted / MQLs: {fmt_pct(totals['accepted_share'])}")
    with right:
        names = {"source": "Lead source", "channel": "Hand-raise channel", "persona": "Persona", "region": "Region"}
        dimension = page_choice("Split by", list(names), "leads_by", names.get)
        by = db.query("lead_funnel_by", **f.params(dimension=dimension))
        event = st.plotly_chart(
            charts.bars(by, "value", "mqls", f"MQLs by {names[dimension].lower()}", "MQLs"),
            width="stretch",
            on_select="rerun",
            selection_mode="points",
            key="leads_chart",
        )
        point = on_select(event, "leads_chart")
        if point:
            show(
                Drill("drill_mqls", "mqls", dimension, reconcile="count").sliced(dimension, point.get("x")),
                f"MQLs: {point.get('x')}",
                "leads_chart",
            )
    section("lead_funnel_by", by, f"funnel_by_{dimension}.csv")

section(
    "mql_ignored",
    db.query("mql_ignored", **f.params()),
    "ignored_mqls.csv",
    empty="No MQL in this quarter waited longer than the 'ignored' threshold.",
)
