"""Plotly figures for the pages. Figures use no fixed template colours, so Streamlit's light and dark
themes both apply; every figure is built from a DataFrame a query returned.

Building a Plotly Express figure costs 60-90 ms, more than the queries behind it, so figures are cached
on their data and arguments: a rerun with the same filters reuses them (new data, new figure).

Plotly draws a subset of HTML in text (<b>, <i>, <br>, <a href>): every text value from the data goes through
`safe.plot_frame` / `safe.plot_text` first, so a campaign called `<a href=...>` is a label, not a link."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboard.safe import plot_frame, plot_text

# cache_resource hands back the same figure object: unpickling a figure (cache_data) re-runs Plotly's validation,
# which costs as much as building it. Figures are never modified after they are built.
_cache = st.cache_resource(show_spinner=False, max_entries=256)


def _style(fig: go.Figure, height: int = 360) -> go.Figure:
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend_title_text="",
                      template=None)
    return fig


@_cache
def funnel(stages: list[str], values: list[int], title: str) -> go.Figure:
    """Lead funnel: each stage's count and its share of the first."""
    fig = go.Figure(go.Funnel(y=[plot_text(s) for s in stages], x=values, textinfo="value+percent initial"))
    return _style(fig.update_layout(title=plot_text(title)))


@_cache
def pacing(frame: pd.DataFrame, currency: str) -> go.Figure:
    """Cumulative won against the quota line, the linear pace and the typical pace of past quarters."""
    fig = go.Figure()
    fig.add_scatter(x=frame["date"], y=frame["won_to_date"], name="Won to date", mode="lines", line={"width": 3})
    fig.add_scatter(x=frame["date"], y=frame["linear_target"], name="Linear pace", mode="lines", line={"dash": "dash"})
    fig.add_scatter(x=frame["date"], y=frame["typical_target"], name="Typical pace (past 4 quarters)", mode="lines",
                    line={"dash": "dot"})
    fig.add_scatter(x=frame["date"], y=frame["quota"], name="Quota", mode="lines", line={"width": 1})
    return _style(fig.update_layout(title="Pacing", yaxis_title=currency, hovermode="x unified"))


@_cache
def response_histogram(frame: pd.DataFrame, targets: list[int]) -> go.Figure:
    """MQLs by minutes to first touch (5-minute bins, 120 = two hours or more), SLA targets marked."""
    fig = px.bar(frame, x="bin_start", y="mqls", labels={"bin_start": "minutes to first human touch", "mqls": "MQLs"})
    fig.update_traces(width=4.5, offset=0.25)
    for target in sorted(set(targets)):
        fig.add_vline(x=target, line_dash="dash", annotation_text=f"SLA {target} min", annotation_position="top")
    return _style(fig.update_layout(title="Response time"))


@_cache
def grouped_bars(frame: pd.DataFrame, x: str, y: str, color: str, title: str, y_title: str) -> go.Figure:
    """Grouped bars, e.g. credit by channel for every attribution model side by side."""
    fig = px.bar(plot_frame(frame), x=x, y=y, color=color, barmode="group", labels={y: y_title, x: "", color: ""})
    return _style(fig.update_layout(title=title))


@_cache
def bars(frame: pd.DataFrame, x: str, y: str, title: str, y_title: str, color: str | None = None,
         horizontal: bool = False) -> go.Figure:
    """Plain bars (stacked by `color` when given)."""
    frame = plot_frame(frame)
    if horizontal:
        fig = px.bar(frame, y=x, x=y, color=color, orientation="h", labels={y: y_title, x: ""})
    else:
        fig = px.bar(frame, x=x, y=y, color=color, labels={y: y_title, x: ""})
    return _style(fig.update_layout(title=title))


@_cache
def region_multiples(frame: pd.DataFrame, currency: str) -> go.Figure:
    """Small multiples: per region, bookings at the day's rates and at constant rates."""
    long = plot_frame(frame).melt(id_vars=["region"], value_vars=["bookings_reporting", "bookings_constant"], var_name="measure",
                      value_name="amount")
    long["measure"] = long["measure"].map({"bookings_reporting": "At the day's rates",
                                           "bookings_constant": "At constant rates"})
    fig = px.bar(long, x="measure", y="amount", color="measure", facet_col="region", labels={"amount": currency,
                                                                                              "measure": ""})
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    fig.update_xaxes(showticklabels=False)
    return _style(fig.update_layout(title="Bookings by region: real growth and exchange-rate effect"), 340)


@_cache
def line(frame: pd.DataFrame, x: str, y: str, color: str | None, title: str, y_title: str) -> go.Figure:
    """Lines with markers, one per `color` value (e.g. compliance by week per region)."""
    fig = px.line(plot_frame(frame), x=x, y=y, color=color, markers=True, labels={y: y_title, x: ""})
    return _style(fig.update_layout(title=title))
