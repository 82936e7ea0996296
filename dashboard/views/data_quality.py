"""Data quality: what the last load read, rejected, excluded, could not convert or map."""

from __future__ import annotations

import streamlit as st

from dashboard import db
from dashboard.components import data_caption, fmt_int, table, tile
from dashboard.safe import md

st.title("Data quality")
data_caption()

summary = db.query("data_quality_summary").iloc[0]
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
    tile("Warnings", fmt_int(summary["warnings"]), "data_quality_warnings")

st.subheader(db.title("data_quality_warnings"), help=db.definition("data_quality_warnings"))
warnings = db.query("data_quality_warnings")
if warnings.empty:
    st.success("No warnings: every reference resolved, every stage mapped, every currency converted.")
else:
    table(warnings, "warnings.csv", {"records": st.column_config.NumberColumn("records", format="localized")})

unconverted = db.query("data_quality_unconverted")
st.subheader(db.title("data_quality_unconverted"), help=db.definition("data_quality_unconverted"))
if unconverted.empty:
    st.success("Every opportunity amount has an exchange rate.")
else:
    table(unconverted, "unconverted.csv")

st.subheader(db.title("data_quality_tables"), help=db.definition("data_quality_tables"))
table(db.query("data_quality_tables"), "objects.csv")

rejects = db.query("data_quality_rejects")
if not rejects.empty:
    st.subheader(db.title("data_quality_rejects"), help=db.definition("data_quality_rejects"))
    table(rejects, "rejected_records.csv")

with st.expander(db.title("data_quality_files")):
    table(db.query("data_quality_files"), "files.csv")

st.caption(md(f"Layout: {summary['layout']} · corporate currency {summary['corporate_currency']} · "
              f"reporting currency {summary['reporting_currency']}"))
