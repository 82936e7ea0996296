"""Overview numbers: one query (queries/overview.sql) built from the same blocks as every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


def _opt(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def overview(f: Filters, as_of: dt.date) -> Overview:
    """The overview at `as_of` (quarter start to that day), for the filters in force (cached per database version)."""
    return _overview(str(db.live_version()), f, as_of)


@st.cache_data(show_spinner=False, max_entries=256)
def _overview(version: str, f: Filters, as_of: dt.date) -> Overview:  # noqa: ARG001 (version: the cache key)
    row = db.query("overview", **f.params(as_of=as_of)).iloc[0]
    return Overview(
        mqls=int(row["mqls"]),
        handed_off=int(row["handed_off"]),
        accepted=int(row["accepted"]),
        sla_compliance=_opt(row["sla_compliance"]),
        pipeline=float(row["pipeline"]),
        marketing_pipeline=float(row["marketing_pipeline"]),
        influenced_pipeline=float(row["influenced_pipeline"]),
        won=float(row["won"]),
        quota=_opt(row["quota"]),
        attainment=_opt(row["attainment"]),
        open_pipeline=float(row["open_pipeline"]),
        coverage=_opt(row["coverage"]),
        unconverted=int(row["unconverted"]),
    )


@dataclass(frozen=True)
class Status:
    """How a number stands against its target: a word, a colour for the page and the sentence that explains it."""

    word: str
    colour: str  # green | orange | red | gray
    why: str

    def markdown(self) -> str:
        return f":{self.colour}[**{self.word}**] · {self.why}"


def elapsed_share(f: Filters, as_of: dt.date) -> float:
    """Share of the quarter's days elapsed by the end of `as_of` (the linear pace)."""
    days = (f.quarter_end - f.quarter_start).days + 1
    return min(1.0, max(0.0, ((as_of - f.quarter_start).days + 1) / days))


def against_pace(actual: float, target: float | None, elapsed: float, what: str, shown: Callable[[Any], str]) -> Status:
    """A count or amount against a quarter's target paced evenly (on pace at 100% of the expected by today)."""
    if not target:
        return Status("No target", "gray", f"no {what} target is set for this view")
    expected = target * elapsed
    ratio = actual / expected if expected else 0.0
    word, colour = ("On pace", "green") if ratio >= 1 else ("Slightly behind", "orange") if ratio >= 0.85 else ("Behind", "red")
    return Status(word, colour, f"{ratio:.0%} of the {shown(expected)} expected by today ({shown(target)} for the quarter)")


def against_target(actual: float | None, target: float, shown: Callable[[Any], str], higher_is_better: bool = True) -> Status:
    """A rate against a fixed target (SLA share, coverage)."""
    if actual is None:
        return Status("Not yet", "gray", "nothing to judge yet")
    ok = actual >= target if higher_is_better else actual <= target
    near = actual >= target * 0.9 if higher_is_better else actual <= target * 1.1
    word, colour = ("On target", "green") if ok else ("Near target", "orange") if near else ("Below target", "red")
    return Status(word, colour, f"target {shown(target)}")


def attainment_pace(pace_linear: float | None, pace_typical: float | None) -> Status:
    """Bookings against the even pace and the typical pace of past quarters."""
    if pace_linear is None:
        return Status("No quota", "gray", "no quota applies to this view")
    typical = (
        f", {pace_typical:.0%} of a typical quarter's pace" if pace_typical is not None else " (no past quarters to compare with)"
    )
    word, colour = (
        ("On pace", "green") if pace_linear >= 1 else ("Slightly behind", "orange") if pace_linear >= 0.85 else ("Behind", "red")
    )
    return Status(word, colour, f"{pace_linear:.0%} of the even pace{typical}")
