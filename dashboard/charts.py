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


# Marks that must read on both themes (a target line): a mid-tone red, visible on white and on Streamlit's dark grey.
TARGET_COLOUR = "#e4572e"


def _style(fig: go.Figure, height: int = 360) -> go.Figure:
    """Common layout: legend below the plot (a phone's width leaves no room beside it), no fixed template."""
    # The legend sits at the bottom of the figure (its container), under the axis and its tick labels however long
    # or slanted they are; the plot area makes room for it.
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend_title_text="",
        template=None,
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
        title={"x": 0, "xanchor": "left"},
    )
    return fig


def _units(fig: go.Figure, unit: str | None, axis: str = "y") -> go.Figure:
    """An axis in its unit: "%" for shares kept as 0-1 (ticks 0%, 25% ...), a currency code for money (ticks 500k,
    1M, the code in the axis title, full amounts on hover), None for plain numbers."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    if unit == "%":
        update(tickformat=".0%", hoverformat=".1%", rangemode="tozero")
    elif unit:
        update(tickformat="~s", hoverformat=",.0f", rangemode="tozero")
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
    fig.add_scatter(
        x=frame["date"], y=frame["typical_target"], name="Typical pace (past 4 quarters)", mode="lines", line={"dash": "dot"}
    )
    fig.add_scatter(x=frame["date"], y=frame["quota"], name="Quota", mode="lines", line={"width": 2, "color": TARGET_COLOUR})
    fig = _units(fig.update_layout(title="Pacing", yaxis_title=f"Bookings ({currency})", hovermode="x unified"), currency)
    return _style(fig)


def bin_label(start: int) -> str:
    """A 5-minute bin's label: '0-5', '115-120', '2 h+' (the last bin holds every slower response)."""
    return "2 h+" if start >= 120 else f"{start}-{start + 5}"


@_cache
def response_histogram(frame: pd.DataFrame, targets: list[int]) -> go.Figure:
    """MQLs by minutes to first touch in 5-minute bins (the last, '2 h+', holds every slower one), every bar
    labelled with its count, the SLA targets as lines that read on both themes."""
    fig = go.Figure(
        go.Bar(
            x=frame["bin_start"] + 2.5,
            y=frame["mqls"],
            width=4.5,
            text=frame["mqls"],
            textposition="outside",
            cliponaxis=False,
            customdata=frame["bin_start"],
            hovertemplate="%{customdata} min: %{y} MQLs<extra></extra>",
            name="MQLs",
        )
    )
    ticks = list(range(0, 121, 15))
    fig.update_xaxes(
        tickvals=[t + 2.5 if t == 120 else t for t in ticks],
        ticktext=[bin_label(t) if t == 120 else str(t) for t in ticks],
        title_text="minutes to first human touch",
        range=[-2, 127],
    )
    # Room above the tallest bar for its count. The target labels sit above the plot, side by side (the first left
    # of its line, the next right of theirs), where they meet neither the bars, nor the ticks, nor each other.
    top = float(frame["mqls"].max()) if len(frame) else 1.0
    shown = sorted(set(targets))
    fig.update_yaxes(title_text="MQLs", range=[0, top * 1.15])
    for i, target in enumerate(shown):
        fig.add_vline(x=target, line_dash="dash", line_color=TARGET_COLOUR, line_width=2)
        left = i == 0 and len(shown) > 1
        fig.add_annotation(
            x=target,
            xref="x",
            y=1,
            yref="paper",
            yanchor="bottom",
            yshift=2 + 16 * (i // 2),
            xanchor="right" if left else "left",
            xshift=-3 if left else 3,
            text=f"target {target} min",
            showarrow=False,
            font={"color": TARGET_COLOUR},
        )
    fig = _style(fig.update_layout(title="Response time", showlegend=False))
    return fig.update_layout(margin={"t": 64 + 16 * (max(len(shown) - 1, 0) // 2)})


@_cache
def grouped_bars(frame: pd.DataFrame, x: str, y: str, color: str, title: str, y_title: str, unit: str | None = None) -> go.Figure:
    """Grouped bars, e.g. credit by channel for every attribution model side by side (customdata: x, color);
    `unit` as in _units."""
    fig = px.bar(
        plot_frame(frame), x=x, y=y, color=color, barmode="group", labels={y: y_title, x: "", color: ""}, custom_data=[x, color]
    )
    return _style(_units(fig.update_layout(title=title), unit))


@_cache
def bars(
    frame: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    y_title: str,
    color: str | None = None,
    horizontal: bool = False,
    unit: str | None = None,
) -> go.Figure:
    """Plain bars (stacked by `color` when given); `unit` of the value axis as in _units ("%" or a currency)."""
    custom = [x] if color is None else [x, color]  # a click's point carries the bar's key (dashboard/drill.py)
    frame = plot_frame(frame)
    if horizontal:
        fig = px.bar(frame, y=x, x=y, color=color, orientation="h", labels={y: y_title, x: ""}, custom_data=custom)
    else:
        fig = px.bar(
            frame, x=x, y=y, color=color, labels={y: y_title, x: "", **({color: ""} if color else {})}, custom_data=custom
        )
    return _style(_units(fig.update_layout(title=title), unit, "x" if horizontal else "y"))


@_cache
def region_multiples(frame: pd.DataFrame, currency: str) -> go.Figure:
    """Small multiples: per region, bookings at the day's rates and at constant rates."""
    long = plot_frame(frame).melt(
        id_vars=["region"], value_vars=["bookings_reporting", "bookings_constant"], var_name="measure", value_name="amount"
    )
    long["measure"] = long["measure"].map({"bookings_reporting": "At the day's rates", "bookings_constant": "At constant rates"})
    fig = px.bar(
        long,
        x="measure",
        y="amount",
        color="measure",
        facet_col="region",
        custom_data=["region", "measure"],
        labels={"amount": f"Bookings ({currency})", "measure": ""},
    )
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    fig.update_xaxes(showticklabels=False, title_text="")
    fig = _style(_units(fig.update_layout(title="Bookings by region: day's vs constant rates"), currency), 340)
    return fig.update_layout(margin={"t": 60})  # room between the title and the regions' names under it


@_cache
def line(frame: pd.DataFrame, x: str, y: str, color: str | None, title: str, y_title: str) -> go.Figure:
    """Lines with markers, one per `color` value (e.g. compliance by week per region)."""
    fig = px.line(plot_frame(frame), x=x, y=y, color=color, markers=True, labels={y: y_title, x: ""})
    return _style(fig.update_layout(title=title))


@_cache
def weekly_compliance(frame: pd.DataFrame, target_share: float | None, min_mqls: int) -> go.Figure:
    """Share within SLA per week and region, drawn only for weeks with at least `min_mqls` MQLs (a two-MQL week
    swings 0-100%); each point's hover gives its MQL count; the company's target share as a line."""
    shown = plot_frame(frame[frame["mqls"] >= min_mqls].assign(compliance=lambda d: d["compliance"] * 100))
    fig = px.line(
        shown,
        x="week_start",
        y="compliance",
        color="region",
        markers=True,
        custom_data=["region", "mqls"],
        labels={"compliance": "% within SLA", "week_start": ""},
    )
    fig.update_traces(hovertemplate="%{customdata[0]}, week of %{x|%Y-%m-%d}: %{y:.0f}% of %{customdata[1]} MQLs<extra></extra>")
    fig.update_yaxes(range=[0, 105], ticksuffix="%")
    if target_share is not None:
        fig.add_hline(
            y=target_share * 100,
            line_dash="dash",
            line_color=TARGET_COLOUR,
            line_width=2,
            annotation_text=f"target {target_share:.0%}",
            annotation_font_color=TARGET_COLOUR,
        )
    return _style(fig.update_layout(title=f"Within SLA by week (weeks with {min_mqls}+ MQLs)"))


@_cache
def pacing_small(frame: pd.DataFrame, currency: str) -> go.Figure:
    """The Overview's small pacing chart: won to date against the even and the typical pace, and the quota."""
    fig = pacing(frame, currency)
    return _style(go.Figure(fig).update_layout(title="Bookings against pace", yaxis_title=currency), 260)


@_cache
def bridge(steps: list[tuple[str, float, str]], currency: str) -> go.Figure:
    """The pipeline bridge as horizontal bars, one per figure, each labelled with its amount."""
    labels = [plot_text(s[0]) for s in steps]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=[s[1] for s in steps],
            orientation="h",
            text=[s[2] for s in steps],
            textposition="auto",
            marker_color=["#4c78a8", "#72b7b2", "#54a24b", "#f58518", "#b279a2"][: len(steps)],
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=currency)
    return _style(_units(fig.update_layout(title="How the pipeline figures relate", showlegend=False), currency, "x"), 300)


@_cache
def waterfall(frame: pd.DataFrame, currency: str) -> go.Figure:
    """Pipeline changes: the open pipeline at the start, each step up or down, the open pipeline at the end.

    Steps without any deal are left out (a bar of 0 says nothing); the start and end bars always show."""
    shown = frame[(frame["kind"] != "step") | (frame["deals"] > 0)]
    measure = {"start": "absolute", "step": "relative", "end": "total"}
    amounts = [float(a) for a in shown["amount"]]
    fig = go.Figure(
        go.Waterfall(
            x=[plot_text(s) for s in shown["step_label"]],
            y=amounts,
            measure=[measure[k] for k in shown["kind"]],
            text=[
                f"{a / 1000:+,.1f}k" if k == "step" else f"{a / 1000:,.1f}k" for a, k in zip(amounts, shown["kind"], strict=True)
            ],
            textposition="outside",
            customdata=list(shown["deals"]),
            hovertemplate="%{x}: %{y:,.0f} " + currency + " (%{customdata} deals)<extra></extra>",
            increasing={"marker": {"color": "#54a24b"}},
            decreasing={"marker": {"color": "#e4572e"}},
            totals={"marker": {"color": "#4c78a8"}},
            connector={"line": {"width": 1, "dash": "dot"}},
        )
    )
    fig.update_yaxes(title_text=currency)
    return _style(_units(fig.update_layout(title="How the open pipeline moved", showlegend=False), currency), 380)
