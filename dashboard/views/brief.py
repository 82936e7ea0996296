"""1:1 brief: what changed between two dates, as a page and as an export."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import charts, db
from dashboard.auth import exported
from dashboard.brief_export import brief_slipped, format_measure, measure_kind, render_csv, render_html
from dashboard.components import fmt_money_short, page_header, section, tile
from dashboard.filters import current, page_date
from dashboard.formats import fmt_delta
from dashboard.notes import segment_quota_note

f = current()
page_header("1:1 brief", f.describe())
since = page_date(
    "Since the last 1:1 on",
    "brief_since",
    f.as_of - dt.timedelta(days=14),
    None,
    f.as_of - dt.timedelta(days=1),
    help="The changes are counted from the end of this day to the as-of date. A typed date applies "
    "on Enter or when you leave the box; the link keeps it.",
    container=st.columns([1, 3])[0],
)
changes = db.query("brief_changes", **f.params(since=since))
movers = db.query("brief_movers", **f.params(since=since))

cols = st.columns(len(changes))
for col, row in zip(cols, changes.itertuples(index=False), strict=True):
    with col:
        kind = measure_kind(row.measure)
        shown = (
            fmt_money_short(row.current, f.currency) if kind == "money" else format_measure(row.measure, row.current, f.currency)
        )
        tile(row.measure, shown, "brief_changes", fmt_delta(kind, row.change, f.currency))
segment_quota_note(f)
st.caption(
    f"Changes since {since:%Y-%m-%d} (the end of that day) to {f.as_of:%Y-%m-%d}, against the "
    f"{(f.as_of - since).days} days before."
)

section("brief_movers", movers, "brief_movers.csv", empty="No deal was created, won or lost in this window.")

# The open pipeline closing by the quarter's end, from the last 1:1 to the as-of date (Pipeline changes)
pipeline = db.query("pipeline_waterfall", **f.params(since=since))
slipped = db.query("drill_pipeline_changes", **f.params(since=since, step="slipped"))
st.plotly_chart(charts.waterfall(pipeline, f.currency), width="stretch", key="brief_waterfall")
section(
    "drill_pipeline_changes",
    brief_slipped(slipped),
    "brief_slipped.csv",
    title="Deals that slipped",
    empty="No deal's close date moved later since the last 1:1.",
)

title = f"1:1 brief {since:%Y-%m-%d} to {f.as_of:%Y-%m-%d}"
html_name, csv_name = f"brief-{f.as_of:%Y-%m-%d}.html", f"brief-{f.as_of:%Y-%m-%d}.csv"
view = f"{f.describe()} · since {since:%Y-%m-%d}"


def _html() -> bytes:
    return render_html(title, f.describe(), since, f.as_of, changes, movers, f.currency, pipeline, slipped).encode("utf-8")


html = exported(html_name, _html, view)
csv = exported(csv_name, lambda: render_csv(changes, movers, f.currency, pipeline, slipped).encode("utf-8"), view)
if html is not None and csv is not None:
    d1, d2 = st.columns(2)
    with d1:
        st.download_button(
            "Download the brief (HTML)", html, file_name=html_name, mime="text/html", key="brief_html", on_click="ignore"
        )
    with d2:
        st.download_button(
            "Download the brief (CSV)", csv, file_name=csv_name, mime="text/csv", key="brief_csv", on_click="ignore"
        )
