"""Pipeline changes: how the open pipeline got from one date to another, step by step, with the deals behind each step."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import charts, db
from dashboard.components import fmt_int, fmt_money_short, page_header, section, tile
from dashboard.filters import current, page_choice, page_date

SOURCE_NOTE = {
    "snapshots": "from the snapshots of your loads (each load keeps a dated picture of every deal)",
    "stage history": "from the stage history in the export (OpportunityHistory): stage, amount and close date as logged",
    "created and close dates": "from one export only: each deal as it is now, open from its creation to its close "
    "date. Load dated exports (`python -m data.ingest EXPORT --as-of-export DATE`) for the real movement",
}

f = current()
page_header("Pipeline changes", f.describe())
from_box, to_box, _ = st.columns([1, 1, 2])
to_date = page_date(
    "To the end of",
    "changes_to",
    f.as_of,
    None,
    f.as_of,
    help="The later date (at most the as-of date). The link keeps it.",
    container=to_box,
)
from_date = page_date(
    "From the end of",
    "changes_from",
    to_date - dt.timedelta(days=7),
    None,
    to_date - dt.timedelta(days=1),
    help="The earlier date: the pipeline as it stood at the end of this day. The link keeps it.",
    container=from_box,
)
params = f.params(since=from_date, as_of=to_date)
steps = db.query("pipeline_waterfall", **params)
amount = dict(zip(steps["step"], steps["amount"].astype(float), strict=True))
deals = dict(zip(steps["step"], steps["deals"].astype(int), strict=True))
c = f.currency

t1, t2, t3, t4 = st.columns(4)
with t1:
    tile("Open at start", fmt_money_short(amount["open_start"], c), "pipeline_waterfall")
with t2:
    tile("Open at end", fmt_money_short(amount["open_end"], c), "pipeline_waterfall")
with t3:
    net = float(steps["net_change"].iloc[0])
    tile("Net change", ("+" if net > 0 else "") + fmt_money_short(net, c), "pipeline_waterfall")
with t4:
    tile(
        "Won in the window",
        fmt_money_short(-amount["won"], c),
        "pipeline_waterfall",
        help="Open pipeline at the start that was won by the end.",
    )

st.plotly_chart(charts.waterfall(steps, c), width="stretch", key="changes_chart")
source_start, source_end = steps["source_start"].iloc[0], steps["source_end"].iloc[0]
source = (
    SOURCE_NOTE[source_end]
    if source_start == source_end
    else (f"at the start {SOURCE_NOTE[source_start]}; at the end {SOURCE_NOTE[source_end]}")
)
st.caption(
    f"Open pipeline closing by {f.quarter_end:%Y-%m-%d} at the end of {from_date:%Y-%m-%d} and of {to_date:%Y-%m-%d}, "
    f"in {c}. Deal states {source}. A deal's amount counts at the start for the steps that take it out "
    "(won, lost, pushed out) and at the end for those that bring it in (created, pulled in)."
)
if int(steps["unconverted"].sum()):
    st.info(f"{fmt_int(steps['unconverted'].sum())} deal(s) without an exchange rate count 0 here (see Data quality).")

moved = steps[(steps["kind"] == "step") & (steps["deals"] > 0)]
labels = {"all": "Every step", **dict(zip(moved["step"], moved["step_label"], strict=True)), "slipped": "Slipped"}
choice = page_choice("Deals behind", list(labels), "changes_step", format_func=lambda k: labels[k])
rows = db.query("drill_pipeline_changes", **params, step=None if choice == "all" else choice)
rows = rows.assign(step=rows["step"].map(dict(zip(steps["step"], steps["step_label"], strict=True))).fillna(rows["step"]))
section(
    "drill_pipeline_changes",
    pd.DataFrame(rows),
    f"pipeline-changes-{from_date:%Y-%m-%d}-{to_date:%Y-%m-%d}.csv",
    empty="No deal moved between these dates.",
)
if deals.get("other"):
    st.caption("Other: deals gone from the export, or reopened, between the two dates.")
