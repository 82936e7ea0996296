"""Definitions: the shared contract, rendered from the definitions file and each metric's header."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import db
from dashboard.components import data_caption, section
from data.access import without_access
from queries import all_queries, load_query

RULES = Path(__file__).resolve().parents[2] / "docs" / "rules.md"  # the same text as the README's rules section

# The glossary: each concept and the metrics that show it; what it says comes from those metrics' own headers
# (the Summary line first, the long definition behind it), so the glossary cannot drift from the numbers.
GLOSSARY: dict[str, list[str]] = {
    "MQL": ["lead_funnel_total", "lead_funnel_by", "mql_ignored"],
    "Follow-up SLA": ["sla_summary", "sla_by_region", "sla_by_week", "sla_response_buckets"],
    "Pipeline created": ["pipeline_summary", "pipeline_generated"],
    "Marketing-sourced": ["pipeline_generated"],
    "Marketing-influenced": ["pipeline_influenced", "pipeline_influenced_by_channel"],
    "Bookings, quota and attainment": ["quota_attainment"],
    "Coverage and gap": ["quota_attainment", "quota_needed"],
    "Pacing": ["quota_pacing"],
    "Attribution models": ["attribution_credit", "attribution_ledger", "campaign_return"],
    "Exchange rates (FX policy)": ["region_currency", "region_currency_total"],
    "Win rate and cycle": ["deals_summary", "deals_win_rate"],
}

st.title("Definitions")
data_caption()
st.markdown(
    "Every number in this dashboard follows the definitions below: the same for marketing and sales. "
    "They come from the company's definitions file, applied when the data was loaded."
)

st.subheader("Glossary")
for concept, names in GLOSSARY.items():
    with st.expander(concept):
        for name in names:
            q = load_query(name)
            st.markdown(f"**{q.title}.** {q.summary}")
            st.caption(" ".join(q.definition.split()))

st.subheader("The rules in business words")
st.markdown(RULES.read_text(encoding="utf-8"))

section("definitions_settings", db.query("definitions_settings"), "settings.csv")
section("definitions_regions", db.query("definitions_regions"), "regions.csv")
section("definitions_stages", db.query("definitions_stages"), "stages.csv")

st.subheader("Every metric")
for query in all_queries():
    if query.name.startswith(("data_quality", "filter_", "definitions_", "drill_")):
        continue
    with st.expander(query.title):
        st.markdown(query.summary)
        st.caption(" ".join(query.definition.split()) + f" (queries/{query.name}.sql)")

file = db.query("definitions_file").iloc[0]
with st.expander("The definitions file as loaded"):
    st.caption(f"{file['config_path']} · sha256 {file['config_sha256'][:12]} · loaded {file['loaded_at']:%Y-%m-%d %H:%M} UTC")
    st.code(without_access(file["config_text"]), language="toml")  # who has which role is not the contract
