"""Quota & pacing: attainment, pacing, gap and coverage by rep, manager, region; the reverse funnel for marketers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import charts, db
from dashboard.compare import CHOICES, QUARTERS_BACK, same_day
from dashboard.components import empty_state, fmt_int, fmt_money, fmt_money_short, fmt_pct, page_header, table, tile
from dashboard.drill import Drill
from dashboard.filters import current, page_choice, page_date
from dashboard.formats import fmt_delta
from dashboard.notes import segment_quota_note

f = current()
page_header("Quota & pacing", f.describe())
c = f.currency
levels = db.query("quota_attainment", **f.params())
company = levels[levels["level"] == "company"].iloc[0] if (levels["level"] == "company").any() else None
pacing = db.query("quota_pacing", **f.params())
at_as_of = pacing[pacing["pacing_linear"].notna() | pacing["pacing_typical"].notna()]


def value(col: str) -> object:
    return company[col] if company is not None else None


compare = page_choice(
    "Compare with", ["none", *QUARTERS_BACK], "quota_compare", format_func=lambda k: {"none": "Nothing", **CHOICES}[k]
)
earlier = same_day(f, compare) if compare != "none" else None
before = db.query("quota_attainment", **earlier.params()) if earlier else None
then = before[before["level"] == "company"].iloc[0] if before is not None and (before["level"] == "company").any() else None
if earlier:
    st.caption(f"Changes against {earlier.quarter_label} as of {earlier.as_of:%Y-%m-%d}, the same day of that quarter.")
elif compare != "none":
    st.caption("The data does not reach that quarter: no change is shown.")


def change(col: str, kind: str) -> str | None:
    """The change of the company's figure against the compared quarter (None when there is nothing to compare)."""
    a, b = value(col), then[col] if then is not None else None
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return None
    return fmt_delta(kind, float(a) - float(b), c) or "no change"  # type: ignore[arg-type]


segment_quota_note(f)
if not f.segment and (company is None or pd.isna(company["quota"]) or company["quota"] == 0):
    empty_state(
        "No quota is loaded for this quarter and these filters.",
        "Attainment, pacing, gap and coverage need ForecastingQuota in the export.",
    )
# two rows of three: at 1280 px six tiles in a row cut money values short ("USD 1.…")
r1 = st.columns(3)
r2 = st.columns(3)
with r1[0]:
    tile(
        "Attainment",
        fmt_pct(value("attainment")),
        "quota_attainment",
        change("attainment", "share"),
        drill=Drill("drill_deals", "won"),
        total=value("won"),
    )
with r1[1]:
    tile(
        "Won",
        fmt_money_short(value("won") or 0, c),
        "quota_attainment",
        change("won", "money"),
        drill=Drill("drill_deals", "won"),
        total=value("won"),
    )
with r1[2]:
    tile("Gap", fmt_money_short(value("gap"), c), "quota_attainment", drill=Drill("drill_quota"), total=value("quota"))
with r2[0]:
    coverage = value("coverage")
    tile(
        "Coverage",
        f"{coverage:.2f}x" if coverage is not None and not pd.isna(coverage) else "–",
        "quota_attainment",
        change("coverage", "ratio"),
        drill=Drill("drill_deals", "open"),
        total=value("open_pipeline"),
    )
with r2[1]:
    tile(
        "Pace vs linear",
        fmt_pct(at_as_of["pacing_linear"].iloc[0] if len(at_as_of) else None),
        "quota_pacing",
        drill=Drill("drill_deals", "won"),
        total=value("won"),
    )
with r2[2]:
    tile(
        "Pace vs typical quarter",
        fmt_pct(at_as_of["pacing_typical"].iloc[0] if len(at_as_of) else None),
        "quota_pacing",
        drill=Drill("drill_deals", "won"),
        total=value("won"),
    )

st.plotly_chart(charts.pacing(pacing, c), width="stretch")

names = {"rep": "Rep", "manager": "Manager", "region": "Region"}
st.subheader(db.title("quota_attainment"), help=db.summary("quota_attainment"))
level = page_choice("Level", list(names), "quota_level", names.get)
shown = levels[levels["level"] == level].drop(columns=["quarter_start", "quarter_end", "key", "level", "elapsed_share"])
table(
    shown,
    f"attainment_by_{level}.csv",
    "quota_attainment",
    extra_config={"Attainment": st.column_config.ProgressColumn("Attainment", format="%.1f%%", min_value=0, max_value=100)},
)

st.subheader("For marketers: what it takes to close the gap", help=db.summary("quota_needed"))
needed = db.query("quota_needed", **f.params()).iloc[0]
days_left = int(needed["days_left"])
history_known = not pd.isna(needed["avg_cycle_days"])
if f.segment:
    st.info("Quotas are set per owner, not per segment: choose all segments to see what it takes.")
elif pd.isna(needed["quota"]) or needed["quota"] == 0:
    st.info("No quota for this quarter: nothing to close.")
elif days_left <= 0:
    st.info(
        f"{f.quarter_label} is over (as of {f.as_of:%Y-%m-%d}): attainment {fmt_pct(value('attainment'))}, "
        f"{fmt_money(needed['won'], c)} won of {fmt_money(needed['quota'], c)}. Nothing more can close in it."
    )
elif needed["gap"] <= 0:
    st.success(
        f"Quota met: {fmt_money(needed['won'], c)} won of {fmt_money(needed['quota'], c)}. Nothing more is needed this quarter."
    )
elif history_known and not pd.isna(needed["cycle_fits"]) and not bool(needed["cycle_fits"]):
    st.warning(
        f"Won deals took {needed['avg_cycle_days']:.0f} days on average and {days_left} days are left: a deal "
        "created now would typically close after this quarter ends, so new pipeline and MQLs serve next quarter. "
        f"This quarter's gap of {fmt_money(needed['gap'], c)} depends on the open pipeline, which should bring "
        f"{fmt_money(needed['expected_from_open'], c)} at the past win rate."
    )
    tile(
        "Expected from open pipeline",
        fmt_money_short(needed["expected_from_open"], c),
        "quota_needed",
        drill=Drill("drill_deals", "open"),
        total=needed["open_pipeline"],
    )
else:
    n1, n2, n3, n4 = st.columns(4)
    with n1:
        tile(
            "Expected from open pipeline",
            fmt_money_short(needed["expected_from_open"], c),
            "quota_needed",
            drill=Drill("drill_deals", "open"),
            total=needed["open_pipeline"],
        )
    with n2:
        tile("New pipeline needed", fmt_money_short(needed["new_pipeline_needed"], c), "quota_needed")
    with n3:
        tile("New opportunities needed", fmt_int(needed["new_opportunities_needed"]), "quota_needed")
    with n4:
        tile("MQLs needed", fmt_int(needed["mqls_needed"]), "quota_needed")
    if history_known:
        st.caption(
            f"History of the four previous quarters: win rate {fmt_pct(needed['win_rate_amount'])} by amount, "
            f"average deal {fmt_money(needed['avg_deal_size'], c)}, "
            f"{fmt_pct(needed['mql_to_opportunity'])} of MQLs became opportunities, "
            f"won deals took {needed['avg_cycle_days']:.0f} days on average; {days_left} days are left."
        )
    else:
        st.caption("No deal was won in the four previous quarters for these filters: no history to project from.")
    if pd.isna(needed["mqls_needed"]):
        st.caption(
            "MQLs needed: no MQL of the four previous quarters became an opportunity, so there is no rate to project from."
        )

# Forecast categories: won + commit + best case against quota, and how each moved since a date
st.subheader(db.title("forecast_categories"), help=db.summary("forecast_categories"))
forecast_since = page_date(
    "Moved since",
    "forecast_since",
    max(f.quarter_start - dt.timedelta(days=1), f.as_of - dt.timedelta(days=7)),
    None,
    f.as_of - dt.timedelta(days=1),
    help="Each figure as the deals stood at the end of this day (their categories then, from the snapshots "
    "of your loads when there are several). The link keeps it.",
    container=st.columns([1, 3])[0],
)
forecast = db.query("forecast_categories", **f.params(since=forecast_since))
set_groups = forecast[~forecast["figure"].isin(["won", "forecast", "not_set"])]["deals"].sum()
if not set_groups and forecast.loc[forecast["figure"] == "not_set", "deals"].sum():
    st.info("The export has no forecast category on its open deals (ForecastCategoryName on Opportunity).")
total = forecast[forecast["figure"] == "forecast"].iloc[0]
share = float(total["amount"]) / float(total["quota"]) if not pd.isna(total["quota"]) and total["quota"] else None
st.caption(
    f"Forecast (won + commit + best case) {fmt_money_short(total['amount'], c)}"
    + (f", {fmt_pct(share)} of the quota of {fmt_money_short(total['quota'], c)}." if share is not None else ".")
)
table(forecast.drop(columns=["position", "figure", "is_forecast", "quota"]), "forecast_categories.csv", "forecast_categories")
