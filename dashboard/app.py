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

st.set_page_config(page_title="Sales & Marketing Alignment", layout="wide")

if db.live_version() is None:
    no_database(db.live_db_path())
    st.stop()
if not db.is_current():
    outdated_database(db.live_db_path())
    st.stop()

pages = [
    st.Page("pages/data_quality.py", title="Data quality", icon=":material/fact_check:", url_path="data-quality",
            default=True),
]
st.navigation(pages).run()
