"""Same day last quarter, same day last year: the filters of an earlier fiscal quarter, on the same day of it.

The quarters are the database's own (filter_quarters, by its fiscal rule), never recomputed here. The deals are read
as they stood on that day by the one point-in-time rule (deals_at: snapshots when there are several, else stage
history), so a comparison never uses what was learned later."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from dashboard import db
from dashboard.filters import Filters

CHOICES = {"date": "A date this quarter", "last_quarter": "Same day last quarter", "last_year": "Same day last year"}
QUARTERS_BACK = {"last_quarter": 1, "last_year": 4}


def same_day(f: Filters, choice: str) -> Filters | None:
    """The filters moved back to the quarter `choice` names, as of the same day of that quarter (its last day when it
    is shorter); None when the data has no such quarter."""
    quarters = db.query("filter_quarters")
    starts = sorted(pd.to_datetime(quarters["quarter_start"]).dt.date)
    ends = dict(
        zip(pd.to_datetime(quarters["quarter_start"]).dt.date, pd.to_datetime(quarters["quarter_end"]).dt.date, strict=True)
    )
    labels = dict(zip(pd.to_datetime(quarters["quarter_start"]).dt.date, quarters["label"], strict=True))
    if f.quarter_start not in starts:
        return None
    k = starts.index(f.quarter_start) - QUARTERS_BACK[choice]
    if k < 0:
        return None
    start = starts[k]
    day = min(start + dt.timedelta(days=(f.as_of - f.quarter_start).days), ends[start])
    return dataclasses.replace(f, quarter_start=start, quarter_end=ends[start], quarter_label=labels[start], as_of=day)
