"""Entry point: `streamlit run dashboard/app.py`. Pages are registered here and nowhere else."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the project root
    sys.path.insert(0, str(ROOT))

from dashboard import db  # noqa: E402
from dashboard.components import no_database, outdated_database  # noqa: E402
from dashboard.filters import global_filters  # noqa: E402
from dashboard.notes import view_notes  # noqa: E402

st.set_page_config(page_title="Sales & Marketing Alignment", page_icon=":material/handshake:", layout="wide")

if db.live_version() is None:
    no_database(db.live_db_path())
    st.stop()
if not db.is_current():
    outdated_database(db.live_db_path())
    st.stop()

PAGES = [
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("views/leads.py", title="Leads & handoff", icon=":material/group_add:", url_path="leads"),
    st.Page("views/pipeline.py", title="Pipeline & attribution", icon=":material/account_tree:", url_path="pipeline"),
    st.Page("views/quota.py", title="Quota & pacing", icon=":material/flag:", url_path="quota"),
    st.Page("views/sla.py", title="Follow-up SLA", icon=":material/timer:", url_path="sla"),
    st.Page("views/regions.py", title="Regions & currency", icon=":material/public:", url_path="regions"),
    st.Page("views/deals.py", title="Deals", icon=":material/handshake:", url_path="deals"),
    st.Page("views/brief.py", title="1:1 brief", icon=":material/forum:", url_path="brief"),
    st.Page("views/definitions.py", title="Definitions", icon=":material/menu_book:", url_path="definitions"),
    st.Page("views/data_quality.py", title="Data quality", icon=":material/fact_check:", url_path="data-quality"),
]
page = st.navigation(PAGES)
filters, notices = global_filters()
st.session_state["filters"] = filters
for notice in notices:
    st.warning(notice, icon=":material/link_off:")
view_notes(filters)
with st.sidebar:
    st.caption("Local mode: no sign-in is configured, so this dashboard serves one local user and every region.")
page.run()
