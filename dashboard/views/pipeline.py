"""Pipeline & attribution: generated vs influenced, sourced by marketing vs sales, every model, cost overlay, ledger."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, db
from dashboard.components import empty_state, fmt_int, fmt_money_short, fmt_pct, page_header, table, tile
from dashboard.filters import current, models

f = current()
page_header("Pipeline & attribution", f.describe())
c = f.currency
MODELS = models()
generated = db.query("pipeline_generated", **f.params())
influenced = db.query("pipeline_influenced", **f.params()).iloc[0]
total = float(generated["amount"].sum())
marketing = float(generated.loc[generated["sourced_by"] == "Marketing", "amount"].sum())

if generated.empty and not influenced["unconverted_opportunities"]:
    empty_state("No opportunity was created in this quarter for these filters.",
                "Pipeline and attribution need opportunities created in the period (Opportunity in the export).")
    st.stop()
t1, t2, t3, t4 = st.columns(4)
with t1:
    tile("Pipeline created", fmt_money_short(total, c), "pipeline_generated")
with t2:
    tile("Marketing-sourced", fmt_money_short(marketing, c), "pipeline_generated")
with t3:
    tile("Marketing-influenced", fmt_money_short(influenced["influenced_amount"], c), "pipeline_influenced")
with t4:
    tile("Influenced share", fmt_pct(influenced["influenced_amount"] / total if total else None), "pipeline_influenced")
if influenced["unconverted_opportunities"]:
    st.info(f"{fmt_int(influenced['unconverted_opportunities'])} opportunity(ies) without an exchange rate are not "
            "in these amounts (see Data quality).")

left, right = st.columns(2)
with left:
    st.plotly_chart(charts.bars(generated, "channel", "amount", "Pipeline created, by source", c, color="sourced_by"),
                    width="stretch")
with right:
    by_channel = db.query("pipeline_influenced_by_channel", **f.params())
    st.plotly_chart(charts.bars(by_channel, "channel", "influenced_amount", "Pipeline influenced, by channel", c),
                    width="stretch")

st.subheader("Attribution: every model side by side", help=db.definition("attribution_credit"))
every_model = db.query("attribution_credit", **f.params(model=None))  # one query for the seven models
side_by_side = every_model.groupby(["model", "channel"], as_index=False)["credit"].sum()
side_by_side["model"] = pd.Categorical(side_by_side["model"].map(MODELS), categories=list(MODELS.values()), ordered=True)
side_by_side = side_by_side.sort_values(["model", "channel"])
st.plotly_chart(charts.grouped_bars(side_by_side, "channel", "credit", "model", "Credit by channel and model", c),
                width="stretch")

st.subheader(db.title("attribution_ledger"), help=db.definition("attribution_ledger"))
ledger = db.query("attribution_ledger", **f.params())
ledger["model"] = ledger["model"].map(MODELS)
table(ledger, "attribution_ledger.csv")

st.subheader(f"{db.title('campaign_return')} ({MODELS[f.model]})", help=db.definition("campaign_return"))
if f.region or f.segment or f.owner:
    st.caption("Campaign costs are the whole campaign's, for every region, segment and owner: campaigns are not "
               "split by them, so cost per pipeline here sets the full cost against the filtered pipeline.")
table(db.query("campaign_return", **f.params()), "campaign_return.csv")

with st.expander(f"Credit by campaign ({MODELS[f.model]})"):
    table(every_model[every_model["model"] == f.model].drop(columns=["model"]), "attribution_credit.csv")
if st.toggle(f"Show {db.title('pipeline_influenced_by_campaign').lower()}", key="pipeline_by_campaign",
             help=db.definition("pipeline_influenced_by_campaign")):
    table(db.query("pipeline_influenced_by_campaign", **f.params()), "influenced_by_campaign.csv")
