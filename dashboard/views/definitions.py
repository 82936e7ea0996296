"""Definitions: the shared contract, rendered from the definitions file and each metric's header."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import db
from dashboard.components import data_caption, table
from queries import all_queries

RULES = Path(__file__).resolve().parents[2] / "docs" / "rules.md"  # the same text as the README's rules section

st.title("Definitions")
data_caption()
st.markdown("Every number in this dashboard follows the definitions below: the same for marketing and sales. "
            "They come from the company's definitions file, applied when the data was loaded.")
st.subheader("The rules in business words")
st.markdown(RULES.read_text(encoding="utf-8"))

st.subheader(db.title("definitions_settings"), help=db.definition("definitions_settings"))
table(db.query("definitions_settings"), "settings.csv")
st.subheader(db.title("definitions_regions"), help=db.definition("definitions_regions"))
table(db.query("definitions_regions"), "regions.csv")
st.subheader(db.title("definitions_stages"), help=db.definition("definitions_stages"))
table(db.query("definitions_stages"), "stages.csv")

st.subheader("Metrics")
for query in all_queries():
    if query.name.startswith(("data_quality", "filter_", "definitions_")):
        continue
    with st.expander(query.title):
        st.markdown(query.definition.replace("\n", " "))
        st.caption(f"queries/{query.name}.sql")

file = db.query("definitions_file").iloc[0]
with st.expander("The definitions file as loaded"):
    st.caption(f"{file['config_path']} · sha256 {file['config_sha256'][:12]} · loaded {file['loaded_at']:%Y-%m-%d %H:%M} UTC")
    st.code(file["config_text"], language="toml")
