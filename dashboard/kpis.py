"""Overview numbers: one query (queries/overview.sql) built from the same blocks as every page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
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
    quota: float | None  # None: no quota applies (a segment filter)
    attainment: float | None
    open_pipeline: float
    coverage: float | None
    unconverted: int


def _opt(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def overview(f: Filters, as_of: dt.date) -> Overview:
    """The overview at `as_of` (quarter start to that day), for the filters in force (cached per database version)."""
    return _overview(str(db.live_version()), f, as_of)


@st.cache_data(show_spinner=False, max_entries=256)
def _overview(version: str, f: Filters, as_of: dt.date) -> Overview:
    row = db.query("overview", **f.params(as_of=as_of)).iloc[0]
    return Overview(
        mqls=int(row["mqls"]), handed_off=int(row["handed_off"]), accepted=int(row["accepted"]),
        sla_compliance=_opt(row["sla_compliance"]), pipeline=float(row["pipeline"]),
        marketing_pipeline=float(row["marketing_pipeline"]), influenced_pipeline=float(row["influenced_pipeline"]),
        won=float(row["won"]), quota=_opt(row["quota"]), attainment=_opt(row["attainment"]),
        open_pipeline=float(row["open_pipeline"]), coverage=_opt(row["coverage"]), unconverted=int(row["unconverted"]),
    )
