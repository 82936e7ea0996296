"""Small rendering helpers shared by pages: tiles, tables, captions, formats, empty states."""

from __future__ import annotations

import math
import re
from typing import Any, Literal

import pandas as pd
import streamlit as st

from dashboard import columns, db
from dashboard.auth import exported
from dashboard.formats import fmt_money_short  # one definition; pages import it from here too
from dashboard.safe import code, csv_bytes, md

# Tiles never cut their text short ("USD 3.…", "Followed up withi…"): Streamlit's metric puts label, value and
# delta on one line with an ellipsis. Here labels and deltas wrap, and the value's size follows the tile's width
# (a container query unit: 17% of the tile's width, between 1.25rem and Streamlit's 2.25rem), wrapping only as a
# last resort. The delta's pill may shrink to the tile's width instead of overflowing it. Tiles side by side
# take the height of the tallest, so the "Records" links under them line up. On a phone tiles go two to a row
# (Streamlit stacks every column below 640 px, one tile per screen). The Overview's two sides are rows of their
# own: there every label takes the height of the longest label at the tiles' width (two lines, three when tiles
# are narrower than 130 px as at 1280, four under 96 px; both sides' tiles are as wide), so that a label that
# wraps on one side ("Marketing-sourced pipeline") does not push its side's "Records" links below the other's.
LAYOUT_CSS = """<style>
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetric"] [data-testid="stMarkdownContainer"],
[data-testid="stMetric"] [data-testid="stMarkdownContainer"] p {
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: break-word; }
[data-testid="stMetricValue"] { font-size: clamp(1.25rem, 17cqi, 2.25rem); line-height: 1.25; }
[data-testid="stMetricDelta"] { flex: 0 1 auto; min-width: 0; max-width: 100%; }
[data-testid="stMetricDelta"] [data-testid="stMarkdownContainer"] { min-width: 0; }
[data-testid="stColumn"] > [data-testid="stVerticalBlock"]:has(> [data-testid="stElementContainer"] > [data-testid="stMetric"]) {
  height: 100%; }
[data-testid="stVerticalBlock"] > [data-testid="stElementContainer"]:has(> [data-testid="stMetric"]) { flex-grow: 1; }
@media (min-width: 641px) {
  [class*="st-key-overview-tiles"] [data-testid="stMetricLabel"] { min-height: 2lh; align-items: flex-start; }
  @container (max-width: 129px) { [class*="st-key-overview-tiles"] [data-testid="stMetricLabel"] { min-height: 3lh; } }
  @container (max-width: 95px) { [class*="st-key-overview-tiles"] [data-testid="stMetricLabel"] { min-height: 4lh; } } }
@media (max-width: 640px) {
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] > [data-testid="stVerticalBlock"]
      > [data-testid="stElementContainer"] > [data-testid="stMetric"]) > [data-testid="stColumn"] {
    min-width: calc(50% - 0.5rem) !important; flex: 0 1 calc(50% - 0.5rem) !important; } }
</style>"""


# Streamlit's date field (react-aria segments) sends a typed date only when the focus leaves the field, and
# ignores Enter. Enter in any date field leaves it, so the date applies on Enter as in every other box. One
# listener on the document (installed once per browser tab, whichever page runs first); the calendar pop-up,
# outside the field, keeps its own Enter (pick the focused day).
ENTER_APPLIES_DATES = """<script>
if (!window.__enterAppliesDates) {
  window.__enterAppliesDates = true;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing || !(event.target instanceof Element)) return;
    if (!event.target.closest('[data-testid="stDateInputField"]')) return;
    event.preventDefault();
    const field = event.target;
    // what a click elsewhere does: the calendar pop-up closes, then the field loses the focus and sends its date
    document.body.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true }));
    document.body.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    setTimeout(() => field.blur(), 0);
  }, true);
}
</script>"""


def layout_css() -> None:
    """The page-wide style rules (once per run, before anything is drawn; a style-only st.html takes no space)."""
    st.html(LAYOUT_CSS)


def keyboard_script() -> None:
    """Make Enter apply a typed date (our own constant script, never data: the one place JavaScript runs)."""
    st.html(ENTER_APPLIES_DATES, unsafe_allow_javascript=True)


def no_database(path: str) -> None:
    """What to show before anything was loaded: how to load the sample or your own export."""
    st.title("Sales & Marketing Alignment")
    st.warning(f"No data has been loaded yet: there is no database at {code(path)}.")
    st.markdown(
        "Load the sample company with `make run` (it builds it on first start), or load your own "
        "Salesforce export:\n\n```\npython -m data.ingest path/to/export_folder_or.zip --db "
        f"{path.replace('`', '')}\n```\nThen reload this page."
    )


def outdated_database(path: str) -> None:
    """What to show when the live database was built by an older version of the ingest."""
    st.title("Sales & Marketing Alignment")
    st.warning(f"The database at {code(path)} was built by an older version of this dashboard and lacks tables it needs.")
    st.markdown(
        "Load your export again (`python -m data.ingest EXPORT --db ...`), or run `make sample` for the "
        "sample company, then reload this page."
    )


def damaged_database(slot: st.delta_generator.DeltaGenerator, ref: str) -> None:
    """What to show when the database file cannot be read (damaged, truncated, not a database): no path, no trace."""
    slot.error(
        "**The dashboard cannot read its database.** The file is damaged or unreadable, so no numbers can be shown. "
        "Whoever loads the data should load the export again, which replaces the file:\n\n"
        "`python -m data.ingest path/to/export_folder_or.zip --db <the dashboard's database path>`\n\n"
        f"Then reload this page. The details are in the server's log (reference {ref}).",
        icon=":material/database:",
    )


def page_error(slot: st.delta_generator.DeltaGenerator, ref: str) -> None:
    """What to show when a page fails unexpectedly: a plain message, the details in the server's log."""
    slot.error(
        "**Something went wrong while drawing this page.** Try reloading it, or choose other filters. "
        f"If it keeps happening, tell the dashboard's maintainer: the details are in the server's log "
        f"(reference {ref}).",
        icon=":material/error:",
    )


def page_header(title: str, filters_line: str | None = None) -> None:
    """Page title, the date of the data and of the last load, and the view's filters."""
    st.title(title)
    s = db.query("data_freshness")
    if s.empty:
        return
    row = s.iloc[0]
    text = f"Data through {_fmt_ts(row['data_through_at'])} UTC · loaded {_fmt_ts(row['finished_at'])} UTC"
    if filters_line:
        text += f" · {md(filters_line)}"  # names from the CRM: shown as text, never as links or images
    st.caption(text)


def export_name(source: Any) -> str:
    """The export's own name (`acme-2026-11.zip`), never the server path it was loaded from: a path tells a viewer
    about the server, not about the data."""
    parts = [p for p in re.split(r"[\\/]", str(source or "")) if p]
    return parts[-1] if parts else "–"


def data_caption() -> None:
    """The date of the data and of the last load, and the export's name (for pages without filters)."""
    s = db.query("data_freshness")
    if s.empty:
        return
    row = s.iloc[0]
    st.caption(
        f"Data through {_fmt_ts(row['data_through_at'])} UTC · loaded {_fmt_ts(row['finished_at'])} UTC "
        f"from the export {code(export_name(row['source']))}"
    )


def tile(
    label: str,
    value: str,
    query_name: str,
    delta: str | None = None,
    delta_color: Literal["normal", "inverse", "off"] = "normal",
    help: str | None = None,
    drill: Any | None = None,
    total: Any = None,
) -> None:
    """A metric tile whose hover help is the one-sentence summary of the query it comes from; with a drill-down,
    a "Records" link under it opens the records behind the number. `total` is the raw number those records add
    up to (counted rows, summed amounts, or the share within SLA): kept per label in the session for the tests
    that prove the rows reconcile."""
    st.metric(label, value, delta=delta, help=help or db.summary(query_name), delta_color=delta_color)
    if drill is not None:
        from dashboard.drill import button  # late: drill reads the filters, which read the database

        st.session_state.setdefault("_drill_totals", {})[label] = (drill, None if total is None else float(total))
        button(drill, label, "".join(ch if ch.isalnum() else "-" for ch in label.lower()))


def _currency() -> str:
    filters = st.session_state.get("filters")
    return filters.currency if filters is not None else ""


def table(
    frame: pd.DataFrame,
    file_name: str,
    query: str | None = None,
    currency: str | None = None,
    extra_config: dict | None = None,
    key: str | None = None,
) -> None:
    """A sortable table (values shown as text, never HTML) read the one way of dashboard/columns.py: human
    headers, key column first, money with its currency, percentages, durations, dates. Its CSV download keeps
    the raw values with headers that say units (and no live spreadsheet formula)."""
    currency = currency or _currency()
    shown = columns.display(frame, query)
    config = {**columns.column_config(frame, currency, query), **(extra_config or {})}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)
    # The CSV is made when the button is clicked, not on every rerun; the audit line is written then too.
    data = exported(file_name, lambda: csv_bytes(columns.export(frame, currency, query)), view_text())
    if data is not None:
        st.download_button(
            "Download CSV", data, file_name=file_name, mime="text/csv", key=key or f"dl-{file_name}", on_click="ignore"
        )


def view_text() -> str:
    """The filters in force, in one line, for the audit log (empty before the filters are drawn)."""
    f = st.session_state.get("filters")
    return f.describe() if f is not None else ""


def section(
    query: str,
    frame: pd.DataFrame,
    file_name: str,
    *,
    title: str | None = None,
    empty: str | None = None,
    currency: str | None = None,
    extra_config: dict | None = None,
) -> None:
    """The repeated block of a page: a subheader with the query's one-sentence summary as help, then its table
    (or, when it has no rows, `empty` said as good news)."""
    st.subheader(title or db.title(query), help=db.summary(query))
    if frame.empty and empty:
        st.success(empty)
        return
    table(frame, file_name, query, currency, extra_config)


def empty_state(what: str, disables: str) -> None:
    """Say what is missing and what that disables, instead of an empty chart."""
    st.info(f"{what} {disables}")


def fmt_int(n: Any) -> str:
    """Thousands-separated whole number, or a dash."""
    return f"{int(n):,}" if n is not None and not pd.isna(n) else "–"


def fmt_money(amount: Any, currency: str) -> str:
    """Money with its currency: 'USD 1,234,567' (whole units; cents are kept in the tables)."""
    if amount is None or pd.isna(amount):
        return "–"
    value = float(amount) + 0.0  # + 0.0 turns -0.0 (a negated zero step) into 0: never 'USD -0'
    return f"{currency} {value:,.0f}" if abs(value) >= 100 or value == 0 else f"{currency} {value:,.2f}"


def fmt_pct(share: Any) -> str:
    """A share as a percentage with one decimal, or a dash."""
    if share is None or pd.isna(share):
        return "–"
    return f"{float(share) * 100:.1f}%"


def fmt_minutes(minutes: Any) -> str:
    """Minutes as 'm min s s' under an hour, 'h h m min' under a day, else days."""
    if minutes is None or pd.isna(minutes):
        return "–"
    total = float(minutes)
    if total < 60:
        whole = math.floor(total)
        seconds = round((total - whole) * 60)
        return f"{whole} min {seconds:02d} s"
    if total < 1440:
        return f"{int(total // 60)} h {round(total % 60):02d} min"
    return f"{total / 1440:.1f} days"


def money_delta(now: float, then: float, currency: str) -> str | None:
    """Change of an amount for a tile's delta, with its currency."""
    change = float(now) - float(then)
    return None if change == 0 else f"{'+' if change > 0 else '-'}{fmt_money_short(abs(change), currency)}"


def _fmt_ts(value: Any) -> str:
    if value is None or pd.isna(value):
        return "–"
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
