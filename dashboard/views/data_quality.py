"""Data quality: what the last load read, rejected, excluded, could not convert or map."""

from __future__ import annotations

import streamlit as st

from dashboard import db
from dashboard.auth import current_scope
from dashboard.components import data_caption, fmt_int, section, table, tile
from dashboard.filters import current
from dashboard.safe import md


def unconverted_section(region: str | None) -> None:
    """Amounts in a currency with no rate, for the region in view (every region when None)."""
    section(
        "data_quality_unconverted",
        db.query("data_quality_unconverted", region=region),
        "unconverted.csv",
        empty="Every opportunity amount has an exchange rate.",
    )


st.title("Data quality")
data_caption()

f = current()
if current_scope().limited:
    # Load totals, warnings and rejected records span every region and cannot be cut to one (queries/scope.py).
    st.info(
        f"You see {f.region}: the load's totals, warnings and rejected records cover every region, so they are "
        "shown to people who see every region. Amounts without an exchange rate are listed for your region.",
        icon=":material/lock:",
    )
    unconverted_section(f.region)
    st.stop()

summary = db.query("data_quality_summary").iloc[0]
warnings = db.query("data_quality_warnings")
to_act = warnings[warnings["needs_action"]].drop(columns=["needs_action"])
info = warnings[~warnings["needs_action"]].drop(columns=["needs_action"])
c1, c2, c3, c4, c5 = st.columns(5)
with c1:
    tile("Objects loaded", f"{summary['objects_loaded']} of {summary['objects_known']}", "data_quality_summary")
with c2:
    tile("Records loaded", fmt_int(summary["records_loaded"]), "data_quality_summary")
with c3:
    tile("Records rejected", fmt_int(summary["records_rejected"]), "data_quality_summary")
with c4:
    tile("Records excluded", fmt_int(summary["records_excluded"]), "data_quality_summary")
with c5:
    tile(
        "To look at",
        fmt_int(len(to_act)),
        "data_quality_warnings",
        help="Problems someone should act on in the CRM or the export; information-only items are listed apart.",
    )

section(
    "data_quality_warnings",
    to_act,
    "warnings.csv",
    title="To look at",
    empty="Nothing to look at: every reference resolved, every stage mapped, every currency converted.",
)
if not info.empty:
    with st.expander(f"For information: {len(info)} item(s) with nothing to do"):
        table(info, "information.csv", "data_quality_warnings")

unconverted_section(f.region)
section("data_quality_tables", db.query("data_quality_tables"), "objects.csv")
rejects = db.query("data_quality_rejects")
if not rejects.empty:
    section("data_quality_rejects", rejects, "rejected_records.csv")
with st.expander(db.title("data_quality_files")):
    table(db.query("data_quality_files"), "files.csv", "data_quality_files")
with st.expander(db.title("data_quality_snapshots")):
    table(db.query("data_quality_snapshots"), "snapshots.csv", "data_quality_snapshots")

st.caption(
    md(
        f"Layout: {summary['layout']} · corporate currency {summary['corporate_currency']} · "
        f"reporting currency {summary['reporting_currency']}"
    )
)
