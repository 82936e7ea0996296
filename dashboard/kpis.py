"""Overview numbers, summed from the metric queries (each definition stays in its own SQL file)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from dashboard import db
from dashboard.filters import Filters


@dataclass(frozen=True)
class Overview:
    """Marketing's and sales' headline numbers, quarter to date at one date."""

    mqls: int
    handed_off: int
    accepted: int
    sla_compliance: float | None
    pipeline: float
    marketing_pipeline: float
    influenced_pipeline: float
    won: float
    quota: float
    attainment: float | None
    coverage: float | None
    unconverted: int


def overview(f: Filters, as_of: dt.date) -> Overview:
    """The overview at `as_of` (quarter start to that day), for the filters in force (cached per database version)."""
    return _overview(str(db.live_version()), f, as_of)


@st.cache_data(show_spinner=False, max_entries=256)
def _overview(version: str, f: Filters, as_of: dt.date) -> Overview:
    p = f.params(end_date=as_of, as_of=as_of)
    generated = db.query("pipeline_generated", **p)
    influenced = db.query("pipeline_influenced", **p)
    funnel = db.query("lead_funnel", **p)
    sla = db.query("sla_by_region", **p)
    quota = db.query("quota_attainment", **p)
    company = quota[quota["level"] == "company"]
    judged = int((sla["mqls"] - sla["pending"]).sum()) if not sla.empty else 0
    return Overview(
        mqls=int(funnel["mqls"].sum()),
        handed_off=int(funnel["handed_off"].sum()),
        accepted=int(funnel["accepted"].sum()),
        sla_compliance=float(sla["within_target"].sum()) / judged if judged else None,
        pipeline=float(generated["amount"].sum()),
        marketing_pipeline=float(generated.loc[generated["sourced_by"] == "Marketing", "amount"].sum()),
        influenced_pipeline=float(influenced["influenced_amount"].sum()),
        won=float(company["won"].sum()),
        quota=float(company["quota"].sum()),
        attainment=float(company["attainment"].iloc[0]) if len(company) and company["attainment"].notna().all() else None,
        coverage=float(company["coverage"].iloc[0]) if len(company) and company["coverage"].notna().all() else None,
        unconverted=int(generated["unconverted_opportunities"].sum()),
    )
