"""The 1:1 brief as one self-contained HTML file (no scripts, no external assets) and as CSV.

The movers table reads as on the page, from the one column configuration (dashboard/columns.py): the same
headers, key columns first, money with its currency, dates without a time; its CSV keeps raw values under
headers that say units ("Amount (USD)"). CRM text is escaped in the HTML, and in both files a text cell that a
spreadsheet would run as a formula (`=HYPERLINK(...)`, `+cmd|...`) is prefixed with a single quote (Excel also
opens .html files as sheets)."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pandas as pd

from dashboard import columns
from dashboard.safe import neutralise, neutralise_frame

_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;color:#222}h1{font-size:1.4rem}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
th{background:#f3f3f3}td.num{text-align:right}.up{color:#17803d}.down{color:#b42318}"""

CHANGES, MOVERS = "brief_changes", "brief_movers"  # the queries, for their column configuration
WATERFALL, SLIPPED = "pipeline_waterfall", "drill_pipeline_changes"
_PERCENT = {"SLA compliance", "Attainment to date"}
_COUNTS = {"MQLs handed off"}


def format_measure(measure: str, value: Any, currency: str) -> str:
    """A brief's value in its unit: percent, count or money."""
    if value is None or pd.isna(value):
        return "–"
    if measure in _PERCENT:
        return f"{float(value) * 100:.1f}%"
    if measure in _COUNTS:
        return f"{float(value):,.0f}"
    return f"{currency} {float(value):,.2f}"


def measure_kind(measure: str) -> str:
    """How a brief measure's change reads (dashboard.formats.fmt_delta): share, count or money."""
    return "share" if measure in _PERCENT else "count" if measure in _COUNTS else "money"


def change_text(measure: str, change: Any, currency: str) -> str:
    """A change in full, sign first: '-USD 1,370,000.00', '+2.5 pts', '+3' (the tiles' rule, without rounding)."""
    if change is None or pd.isna(change) or float(change) == 0:
        return "–" if change is None or pd.isna(change) else "0"
    sign = "+" if float(change) > 0 else "-"
    if measure in _PERCENT:
        return f"{sign}{abs(float(change)) * 100:.1f} pts"
    return sign + format_measure(measure, abs(float(change)), currency)


def _table_html(frame: pd.DataFrame, query: str, currency: str) -> str:
    """One table of the brief read as on the page (dashboard/columns.py); CRM text escaped and neutralised."""
    e = html.escape
    cols = columns.order(frame, query)
    specs = [columns.spec(c, query) for c in cols]
    numeric = [columns.number_format(s.kind, currency) is not None or s.kind == "minutes" for s in specs]
    head = "".join(f"<th>{e(s.header)}</th>" for s in specs)
    body = []
    for _, m in frame.iterrows():
        cells = []
        for c, s, num in zip(cols, specs, numeric, strict=True):
            shown = columns.text(m[c], s.kind, currency)
            # numbers and dates are formatted here; text comes from the CRM
            cells.append(
                f"<td class=num>{e(shown)}</td>"
                if num
                else f"<td>{e(shown) if s.kind in ('date', 'datetime') else html.escape(str(neutralise(str(shown))))}</td>"
            )
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>\n{''.join(body)}</table>"


def render_html(
    title: str,
    view: str,
    since: dt.date,
    as_of: dt.date,
    changes: pd.DataFrame,
    movers: pd.DataFrame,
    currency: str,
    pipeline: pd.DataFrame | None = None,
    slipped: pd.DataFrame | None = None,
) -> str:
    """The brief as HTML; every CRM value is escaped and neutralised, so names and subjects stay text.

    `pipeline` (the Pipeline changes steps) and `slipped` (the deals whose close date moved later) add their
    sections when given."""

    e = html.escape  # for the brief's own formatted numbers ("-5.0%" is a number, not a formula)

    def t(value: Any) -> str:  # for CRM text
        return html.escape(str(neutralise(str(value))))

    rows = []
    for r in changes.itertuples(index=False):
        change = r.change
        cls = "" if change is None or pd.isna(change) or change == 0 else ("up" if change > 0 else "down")
        rows.append(
            f"<tr><td>{t(r.measure)}</td><td class=num>{e(format_measure(r.measure, r.previous, currency))}</td>"
            f"<td class=num>{e(format_measure(r.measure, r.current, currency))}</td>"
            f"<td class='num {cls}'>{e(change_text(r.measure, change, currency))}</td></tr>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{t(title)}</title><style>{_CSS}</style></head>
<body><h1>{t(title)}</h1>
<p>{t(view)}<br>Changes from {e(since.isoformat())} (exclusive) to {e(as_of.isoformat())}, against the
window of the same length before.</p>
<table><tr><th>Measure</th><th>Previous window</th><th>This window</th><th>Change</th></tr>{"".join(rows)}</table>
<h2>Largest movers</h2>
{_table_html(movers, MOVERS, currency)}{_pipeline_html(pipeline, slipped, currency)}
</body></html>
"""


def _pipeline_html(pipeline: pd.DataFrame | None, slipped: pd.DataFrame | None, currency: str) -> str:
    out = ""
    if pipeline is not None:
        out += "\n<h2>How the open pipeline moved</h2>\n" + _table_html(brief_steps(pipeline), WATERFALL, currency)
    if slipped is not None:
        out += "\n<h2>Deals that slipped</h2>\n"
        out += _table_html(brief_slipped(slipped), SLIPPED, currency) if len(slipped) else "<p>No deal slipped.</p>"
    return out


def brief_steps(pipeline: pd.DataFrame) -> pd.DataFrame:
    """The waterfall's rows as the brief lists them: every step with its deals and amount."""
    return pipeline[["step_label", "deals", "amount"]]


def brief_slipped(slipped: pd.DataFrame) -> pd.DataFrame:
    """The slipped deals as the brief lists them: who, when it was due, when it is due now, how much."""
    return slipped[
        ["opportunity_name", "owner", "from_close_date", "to_close_date", "close_date_moved_days", "end_amount", "change"]
    ]


def render_csv(
    changes: pd.DataFrame,
    movers: pd.DataFrame,
    currency: str,
    pipeline: pd.DataFrame | None = None,
    slipped: pd.DataFrame | None = None,
) -> str:
    """The tables in one CSV file, one section after the other, raw values (shares 0-1, amounts with cents):
    the changes with each measure's unit in a last column, the movers under the headers of the column
    configuration with their units, then (when given) the pipeline's steps and the slipped deals."""
    units = changes.assign(
        unit=changes["measure"].map(lambda m: {"share": "0-1", "count": "count"}.get(measure_kind(m), currency))
    )
    changes_out = columns.export(units, currency, CHANGES)
    movers_out = columns.export(movers, currency, MOVERS)
    parts = [changes_out, movers_out]
    if pipeline is not None:
        parts.append(columns.export(brief_steps(pipeline), currency, WATERFALL))
    if slipped is not None:
        parts.append(columns.export(brief_slipped(slipped), currency, SLIPPED))
    return "\n".join(neutralise_frame(p).to_csv(index=False) for p in parts)
