"""Entry point: `streamlit run dashboard/app.py`. Pages are registered here and nowhere else.

No Python traceback reaches a user: a damaged or unreadable database, and any unexpected error in a
page, become a plain message on the page while the details go to the server's log with a reference.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the project root
    sys.path.insert(0, str(ROOT))

from dashboard import auth, db, warm  # noqa: E402
from dashboard.components import (  # noqa: E402
    damaged_database,
    keyboard_script,
    layout_css,
    no_database,
    outdated_database,
    page_error,
)
from dashboard.filters import global_filters  # noqa: E402
from dashboard.notes import view_notes  # noqa: E402
from dashboard.safe import log_error  # noqa: E402

PAGES = [
    ("views/overview.py", "Overview", ":material/dashboard:", None),
    ("views/leads.py", "Leads & handoff", ":material/group_add:", "leads"),
    ("views/pipeline.py", "Pipeline & attribution", ":material/account_tree:", "pipeline"),
    ("views/pipeline_changes.py", "Pipeline changes", ":material/waterfall_chart:", "pipeline-changes"),
    ("views/quota.py", "Quota & pacing", ":material/flag:", "quota"),
    ("views/sla.py", "Follow-up SLA", ":material/timer:", "sla"),
    ("views/regions.py", "Regions & currency", ":material/public:", "regions"),
    ("views/deals.py", "Deals", ":material/handshake:", "deals"),
    ("views/brief.py", "1:1 brief", ":material/forum:", "brief"),
    ("views/definitions.py", "Definitions", ":material/menu_book:", "definitions"),
    ("views/data_quality.py", "Data quality", ":material/fact_check:", "data-quality"),
]


def _pages() -> list:
    """The pages as st.Page objects (the first is the default)."""
    return [
        st.Page(path, title=title, icon=icon, url_path=url) if url else st.Page(path, title=title, icon=icon, default=True)
        for path, title, icon, url in PAGES
    ]


def _run() -> None:
    """Check who is reading, then the database, render the filters and run the chosen page (on one database
    version throughout)."""
    warm.start()  # prepares a load's results before it goes live, when loads are held for it (ingest.warm_seconds)
    who = auth.gate()  # draws the sign-in page (and stops) when nobody may see data
    with db.one_version() as version:
        _run_on(version, who)


def _run_on(version: object, who: auth.Principal) -> None:
    """The run on the pinned version (None: nothing loaded yet) for the signed-in reader."""
    if version is None:
        no_database(db.shown_db_path())
        st.stop()
    if not db.is_current():
        outdated_database(db.shown_db_path())
        st.stop()
    page = st.navigation(_pages())
    filters, notices = global_filters()
    st.session_state["filters"] = filters
    for notice in notices:
        st.warning(notice, icon=":material/link_off:")
    view_notes(filters)
    st.session_state["_drill_totals"] = {}  # the tiles of this page record what their records add up to
    auth.sidebar(who)
    auth.scope_notice(who)
    with st.sidebar:
        keyboard_script()
    page.run()


def main() -> None:
    """Run one script pass; st.stop/st.rerun pass through (they are not Exceptions), errors become messages."""
    st.set_page_config(page_title="Sales & Marketing Alignment", page_icon=":material/handshake:", layout="wide")
    layout_css()
    slot = st.empty()  # at the top of the page: where an error message goes, above what was drawn before it
    try:
        _run()
    except db.DatabaseUnreadable as exc:
        damaged_database(slot, log_error(f"cannot read the database file {exc.version}", exc))
    except Exception as exc:
        page_error(slot, log_error("unexpected error while running the page", exc))


main()
