"""Every number opens the records behind it: deals, MQLs, leads, campaign touches, quotas.

A drill-down is one of the queries/drill_*.sql files: the metric's own building block with the page's filters,
narrowed to the clicked slice (a chart's bar), so the rows always add up to the number clicked (tests prove it
for every tile on the hand-built fixture). Rows come a page at a time (LIMIT/OFFSET in SQL, with the total
count and amount of every row computed by the query), in the one table format of dashboard/columns.py, with
a CSV of every row (up to CSV_LIMIT).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import columns, db
from dashboard.auth import current_scope, exported
from dashboard.filters import current
from dashboard.safe import csv_bytes, md

PAGE_SIZE = 50
CSV_LIMIT = 100_000
TOTALS = ("rows_total", "amount_total", "within_sla_total")


@dataclass(frozen=True)
class Drill:
    """Which records a number is made of: a drill query, the measure, an optional slice and other parameters.

    reconcile says how the rows make the number: "sum" (their amounts add up to it), "count" (one row each),
    "share" (the rows are the denominator, within_sla the numerator)."""

    query: str
    measure: str | None = None
    slice_kind: str | None = None
    slice_value: str | None = None
    reconcile: str = "sum"
    extra: tuple[tuple[str, Any], ...] = ()

    def params(self, **more: Any) -> dict[str, Any]:
        """The bound parameters for the filters in force."""
        return current().params(
            measure=self.measure, slice_kind=self.slice_kind, slice_value=self.slice_value, **dict(self.extra), **more
        )

    def sliced(self, kind: str, value: object) -> Drill:
        """The same measure narrowed to one bar."""
        return Drill(self.query, self.measure, kind, None if value is None else str(value), self.reconcile, self.extra)


def rows(d: Drill, page: int = 1, size: int = PAGE_SIZE) -> pd.DataFrame:
    """One page of the records (1-based), with rows_total/amount_total of every row."""
    return db.query(d.query, **d.params(limit=size, offset=(page - 1) * size))


def button(d: Drill, label: str, key: str) -> None:
    """A small "records" link under a tile; opens the records in a dialog."""
    if st.button(
        "Records", key=f"drill-{key}", type="tertiary", icon=":material/table_rows:", help=f"Open the records behind {label}"
    ):
        show(d, label, key)


def show(d: Drill, label: str, key: str) -> None:
    """Open the dialog with the records behind `label`."""
    st.dialog(f"Behind {label}", width="large")(_body)(d, key)


def on_select(event: Any, key: str) -> dict | None:
    """The point a chart click selected, once: a selection that stays in the widget's state across reruns (a
    filter change) does not reopen the dialog."""
    points = list(getattr(getattr(event, "selection", None), "points", None) or [])
    seen = st.session_state.get(f"drill-seen-{key}")
    st.session_state[f"drill-seen-{key}"] = repr(points)
    if not points or repr(points) == seen:
        return None
    return points[0]


def _body(d: Drill, key: str) -> None:
    f = current()
    st.caption(md(f"{db.summary(d.query)} {f.describe()}"))
    size_key = f"drill-page-{key}-{d.slice_value}"
    first = rows(d, 1)
    total = int(first["rows_total"].iloc[0]) if len(first) else 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = 1
    if pages > 1:
        page = int(
            st.number_input(
                f"Page (of {pages}, {PAGE_SIZE} rows each)", min_value=1, max_value=pages, value=1, step=1, key=size_key
            )
        )
    frame = first if page == 1 else rows(d, page)
    st.markdown(_total_line(d, first, total, f.currency))
    if total == 0:
        st.info("No record is behind this number for these filters.")
        return
    shown = frame.drop(columns=[c for c in TOTALS if c in frame.columns])
    st.dataframe(
        columns.display(shown, d.query),
        hide_index=True,
        width="stretch",
        column_config=columns.column_config(shown, f.currency, d.query),
    )
    file_name = f"{d.query}-{d.measure or 'all'}.csv"
    everything = _all(d)
    data = exported(file_name, lambda: csv_bytes(columns.export(everything(), f.currency, d.query)), f.describe())
    if data is None:
        return
    st.download_button(
        f"Download every record (CSV, {total:,} rows)"
        if total <= CSV_LIMIT
        else f"Download the first {CSV_LIMIT:,} records (CSV)",
        data,
        file_name=file_name,
        mime="text/csv",
        key=f"dl-drill-{key}",
        on_click="ignore",
    )


def _all(d: Drill) -> Callable[[], pd.DataFrame]:
    """Every record (up to CSV_LIMIT) for the download. The filters and the reader's scope are taken now: Streamlit
    makes the file when it is clicked, in a thread outside the script run, where no session state is readable."""
    params = d.params(limit=CSV_LIMIT, offset=0)
    scope = current_scope()

    def make() -> pd.DataFrame:
        frame = db.query_as(scope, d.query, **params)
        return frame.drop(columns=[c for c in TOTALS if c in frame.columns])

    return make


def _total_line(d: Drill, first: pd.DataFrame, total: int, currency: str) -> str:
    """What the rows add up to, as computed by the query over every row (not this page)."""
    if total == 0:
        return ""
    if d.reconcile == "share":
        within = int(first["within_sla_total"].iloc[0])
        return f"**{total:,}** MQLs judged, **{within:,}** within target ({within / total:.1%})."
    if "amount_total" in first.columns and d.reconcile == "sum":
        amount = first["amount_total"].iloc[0]
        return f"**{total:,}** records, adding up to **{columns.text(amount, 'money', currency)}**."
    return f"**{total:,}** records."
