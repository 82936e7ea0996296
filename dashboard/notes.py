"""Plain statements of what a number does not cover, so that no filter or date is silently ignored."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import db
from dashboard.filters import Filters


def view_notes(f: Filters) -> None:
    """Notes that hold on every page: the limits of a past as-of date, and a definitions gap that empties numbers."""
    fresh = db.query("data_freshness")
    if fresh.empty:
        return
    row = fresh.iloc[0]
    through = pd.Timestamp(row["data_through_at"]).date() if not pd.isna(row["data_through_at"]) else None
    if through is not None and f.as_of > through:
        st.info(
            f"The data runs to {through:%Y-%m-%d}: nothing after that is known, so numbers as of "
            f"{f.as_of:%Y-%m-%d} are those of {through:%Y-%m-%d}.",
            icon=":material/event_busy:",
        )
    elif through is not None and f.as_of < through and not bool(row["has_stage_history"]):
        st.info(
            f"Read as of {f.as_of:%Y-%m-%d}: only records created by then count, and deals closed later count as "
            "open. The export has no stage history (OpportunityHistory), so each deal shows its current stage "
            "and amount; add OpportunityHistory to the export to see them as they were.",
            icon=":material/history:",
        )
    if int(row["sales_users"]) == 0:
        st.warning(
            "No user counts as sales: no role (or title) matches `[sales] role_keywords` in the definitions. "
            "So no MQL counts as handed off and no call, email or meeting as a sales touch (the SLA reads 0%). "
            "Add your sales roles' words to role_keywords and load the export again.",
            icon=":material/person_off:",
        )


def segment_quota_note(f: Filters) -> None:
    """Quotas are set per owner, never per segment: say so where quota figures would appear."""
    if f.segment:
        st.caption(
            f"Segment {f.segment}: bookings, pipeline and MQLs are limited to it; quotas are set per owner, "
            "not per segment, so quota, attainment, gap and coverage are not shown. Choose all segments to "
            "see them."
        )
