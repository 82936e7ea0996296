"""Pipeline & attribution: generated vs influenced, sourced by marketing vs sales, every model, cost overlay, ledger."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, db
from dashboard.components import empty_state, fmt_int, fmt_money_short, fmt_pct, page_header, section, table, tile
from dashboard.drill import Drill, on_select, show
from dashboard.filters import NO_TOUCHES, current, has_touches, models

f = current()
page_header("Pipeline & attribution", f.describe())
c = f.currency
MODELS = models()
TOUCHES = has_touches()
summary = db.query("pipeline_summary", **f.params()).iloc[0]

if int(summary["opportunities"]) == 0 and not summary["unconverted_opportunities"]:
    empty_state(
        "No opportunity was created in this quarter for these filters.",
        "Pipeline and attribution need opportunities created in the period (Opportunity in the export).",
    )
    st.stop()
t1, t2, t3, t4 = st.columns(4)
with t1:
    tile(
        "Pipeline created",
        fmt_money_short(summary["pipeline"], c),
        "pipeline_summary",
        drill=Drill("drill_deals", "pipeline"),
        total=summary["pipeline"],
    )
with t2:
    tile(
        "Marketing-sourced",
        fmt_money_short(summary["marketing_pipeline"], c),
        "pipeline_summary",
        drill=Drill("drill_deals", "marketing_sourced"),
        total=summary["marketing_pipeline"],
    )
with t3:
    tile(
        "Marketing-influenced",
        fmt_money_short(summary["influenced_pipeline"], c) if TOUCHES else "n/a",
        "pipeline_summary",
        drill=Drill("drill_deals", "influenced"),
        total=summary["influenced_pipeline"],
    )
with t4:
    tile(
        "Influenced share",
        fmt_pct(summary["influenced_share"]) if TOUCHES else "n/a",
        "pipeline_summary",
        drill=Drill("drill_deals", "influenced"),
        total=summary["influenced_pipeline"],
    )
if summary["unconverted_opportunities"]:
    st.info(
        f"{fmt_int(summary['unconverted_opportunities'])} opportunity(ies) without an exchange rate are not "
        "in these amounts (see Data quality)."
    )
st.caption(
    "Sourced and influenced are two different questions. Sourced: did marketing touch the deal *before it was "
    "created* (or is its lead source a marketing one)? Influenced: did marketing touch it *at any time* from "
    "the lookback window before its creation to its close (open deals: to the as-of date)? A deal sourced by "
    "its lead source alone, with no campaign touch, is sourced "
    "but not influenced, so sourced can exceed influenced."
)

if not TOUCHES:
    st.info(NO_TOUCHES)
generated = db.query("pipeline_generated", **f.params())
left, right = st.columns(2) if TOUCHES else (st.container(), st.container())  # no influence chart: full width
with left:
    event = st.plotly_chart(
        charts.bars(generated, "channel", "amount", "Pipeline created, by source", f"Pipeline ({c})", color="sourced_by", unit=c),
        width="stretch",
        on_select="rerun",
        selection_mode="points",
        key="generated_chart",
    )
    point = on_select(event, "generated_chart")
    if point and point.get("customdata"):
        show(
            Drill("drill_deals", "pipeline", "channel", point["customdata"][0]),
            f"pipeline from {point['customdata'][0]}",
            "generated_chart",
        )
if TOUCHES:
    with right:
        by_channel = db.query("pipeline_influenced_by_channel", **f.params())
        event = st.plotly_chart(
            charts.bars(
                by_channel,
                "channel",
                "influenced_amount",
                "Pipeline influenced, by channel",
                f"Influenced pipeline ({c})",
                unit=c,
            ),
            width="stretch",
            on_select="rerun",
            selection_mode="points",
            key="influenced_chart",
        )
        point = on_select(event, "influenced_chart")
        if point and point.get("customdata"):
            show(
                Drill("drill_deals", "pipeline", "touch_channel", point["customdata"][0]),
                f"pipeline touched by {point['customdata'][0]}",
                "influenced_chart",
            )

if not TOUCHES:
    st.stop()
st.subheader("Attribution: every model side by side", help=db.summary("attribution_credit"))
every_model = db.query("attribution_credit", **f.params(model=None))  # one query for the seven models
side_by_side = every_model.groupby(["model", "channel"], as_index=False)["credit"].sum()
side_by_side["model"] = pd.Categorical(side_by_side["model"].map(MODELS), categories=list(MODELS.values()), ordered=True)
side_by_side = side_by_side.sort_values(["model", "channel"])
event = st.plotly_chart(
    charts.grouped_bars(side_by_side, "channel", "credit", "model", "Credit by channel and model", f"Credit ({c})", unit=c),
    width="stretch",
    on_select="rerun",
    selection_mode="points",
    key="models_chart",
)
point = on_select(event, "models_chart")
if point and point.get("customdata"):
    channel, label = point["customdata"][0], point["customdata"][1]
    model = {v: k for k, v in MODELS.items()}.get(label, f.model)
    show(
        Drill("drill_touches", slice_kind="channel", slice_value=channel, extra=(("model", model),)),
        f"{channel} under {label}",
        "models_chart",
    )

ledger = db.query("attribution_ledger", **f.params())
ledger["model"] = ledger["model"].map(MODELS)
section("attribution_ledger", ledger, "attribution_ledger.csv")


def _why_no_cost(row: pd.Series) -> str:
    """Why a credited campaign has no cost to set against its pipeline in this view (said, never a grey 'None')."""
    if not row["ran_in_period"]:
        return "did not run in this quarter: its cost counts in the quarters it ran"
    if pd.isna(row["cost_in_campaign_currency"]):
        return "no cost recorded in the CRM (actual cost empty)"
    return f"no exchange rate from {row['campaign_currency']} to {c}"


returns = db.query("campaign_return", **f.params())
costed = returns[returns["cost"].notna()].drop(columns=["ran_in_period"])
section(
    "campaign_return",
    costed,
    "campaign_return.csv",
    title=f"{db.title('campaign_return')} ({MODELS[f.model]})",
    empty="No campaign credited in this view has a cost in this quarter (see below).",
)
no_cost = returns[returns["cost"].isna()]
if not no_cost.empty:
    st.caption(
        f"{len(no_cost)} campaign(s) credited here have no cost to set against their pipeline, so no return: "
        "they are listed apart, with the reason."
    )
    no_cost = no_cost.assign(why_no_cost=no_cost.apply(_why_no_cost, axis=1))
    table(
        no_cost[["campaign_name", "channel", "campaign_id", "why_no_cost", "pipeline", "won"]],
        "campaign_return_without_cost.csv",
        "campaign_return",
    )
if f.region or f.segment or f.owner:
    st.caption(
        "Campaign costs are the whole campaign's, for every region, segment and owner: campaigns are not "
        "split by them, so cost per pipeline here sets the full cost against the filtered pipeline."
    )

with st.expander(f"Credit by campaign ({MODELS[f.model]})"):
    table(every_model[every_model["model"] == f.model].drop(columns=["model"]), "attribution_credit.csv", "attribution_credit")
if st.toggle(
    f"Show {db.title('pipeline_influenced_by_campaign').lower()}",
    key="pipeline_by_campaign",
    help=db.summary("pipeline_influenced_by_campaign"),
):
    table(
        db.query("pipeline_influenced_by_campaign", **f.params()), "influenced_by_campaign.csv", "pipeline_influenced_by_campaign"
    )
