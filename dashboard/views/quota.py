"""Quota & pacing: attainment, pacing, gap and coverage by rep, manager, region; the reverse funnel for marketers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, db
from dashboard.components import empty_state, fmt_int, fmt_money, fmt_money_short, fmt_pct, page_header, table, tile
from dashboard.filters import current
from dashboard.notes import segment_quota_note

f = current()
page_header("Quota & pacing", f.describe())
c = f.currency
levels = db.query("quota_attainment", **f.params())
company = levels[levels["level"] == "company"].iloc[0] if (levels["level"] == "company").any() else None
pacing = db.query("quota_pacing", **f.params())
at_as_of = pacing[pacing["pacing_linear"].notna() | pacing["pacing_typical"].notna()]

segment_quota_note(f)
if not f.segment and (company is None or pd.isna(company["quota"]) or company["quota"] == 0):
    empty_state("No quota is loaded for this quarter and these filters.",
                "Attainment, pacing, gap and coverage need ForecastingQuota in the export.")
t1, t2, t3, t4, t5, t6 = st.columns(6)
with t1:
    tile("Attainment", fmt_pct(company["attainment"] if company is not None else None), "quota_attainment")
with t2:
    tile("Won", fmt_money_short(company["won"] if company is not None else 0, c), "quota_attainment")
with t3:
    tile("Gap", fmt_money_short(company["gap"] if company is not None else None, c), "quota_attainment")
with t4:
    coverage = company["coverage"] if company is not None else None
    tile("Coverage", f"{coverage:.2f}x" if coverage is not None and coverage == coverage else "–", "quota_attainment")
with t5:
    linear = at_as_of["pacing_linear"].iloc[0] if len(at_as_of) else None
    tile("Pace vs linear", fmt_pct(linear), "quota_pacing")
with t6:
    typical = at_as_of["pacing_typical"].iloc[0] if len(at_as_of) else None
    tile("Pace vs typical quarter", fmt_pct(typical), "quota_pacing")

st.plotly_chart(charts.pacing(pacing, c), width="stretch")

st.subheader(db.title("quota_attainment"), help=db.definition("quota_attainment"))
level = st.radio("Level", ["rep", "manager", "region"], horizontal=True, key="quota_level")
shown = levels[levels["level"] == level].drop(columns=["quarter_start", "quarter_end", "key"])
table(shown, f"attainment_by_{level}.csv", {"attainment": st.column_config.ProgressColumn(
    "attainment", format="percent", min_value=0, max_value=1)})

st.subheader("For marketers: what it takes to close the gap", help=db.definition("quota_needed"))
needed = db.query("quota_needed", **f.params()).iloc[0]
n1, n2, n3, n4 = st.columns(4)
with n1:
    tile("Expected from open pipeline", fmt_money_short(needed["expected_from_open"], c), "quota_needed")
with n2:
    tile("New pipeline needed", fmt_money_short(needed["new_pipeline_needed"], c), "quota_needed")
with n3:
    tile("New opportunities needed", fmt_int(needed["new_opportunities_needed"]), "quota_needed")
with n4:
    tile("MQLs needed", fmt_int(needed["mqls_needed"]), "quota_needed")
history_known = not pd.isna(needed["avg_cycle_days"])
if history_known:
    st.caption(f"History of the four previous quarters: win rate {fmt_pct(needed['win_rate_amount'])} by amount, "
               f"average deal {fmt_money(needed['avg_deal_size'], c)}, "
               f"{fmt_pct(needed['mql_to_opportunity'])} of MQLs became opportunities, "
               f"won deals took {needed['avg_cycle_days']:.0f} days on average; {needed['days_left']} days are left.")
else:
    st.caption("No deal was won in the four previous quarters for these filters: no history to project from.")
if history_known and not pd.isna(needed["cycle_fits"]) and not bool(needed["cycle_fits"]):
    st.warning("A deal created today would typically close after this quarter ends: new pipeline now mostly "
               "serves next quarter; this quarter depends on the open pipeline.")
