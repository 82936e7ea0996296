"""Working calendars per region, for SLA clocks in business minutes.

`work_day` has one row per region and calendar day: the day's opening and closing instants in
UTC (daylight-saving aware, from the region's IANA time zone), zero working minutes on weekends and
on the public holidays of the region's country (the `holidays` library), and the cumulative
working minutes of the region before that day opened. Business minutes between two instants are
then a difference of two lookups, with no loop over days:

    minutes_until(t) = cum_minutes_before + clamp(t - open_utc, 0, close_utc - open_utc)
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import holidays
import pandas as pd

from data.config import Definitions, SlaRegion
from data.ingest.sql import insert_many

_WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
DEFAULT_CALENDAR = SlaRegion()  # UTC, Mon-Fri 09:00-17:00, no holidays: for regions without a clock


def region_days(region: str, clock: SlaRegion, first: dt.date, last: dt.date) -> pd.DataFrame:
    """One row per day from `first` to `last` for a region: open/close in UTC, minutes, cumulative minutes."""
    tz = ZoneInfo(clock.time_zone)
    years = range(first.year, last.year + 1)
    off = holidays.country_holidays(clock.holidays, years=years) if clock.holidays else {}
    start_h, start_m = map(int, clock.work_start.split(":"))
    end_h, end_m = map(int, clock.work_end.split(":"))
    work_days = {_WEEKDAYS.index(d) for d in clock.work_days}
    rows: list[tuple[str, dt.date, dt.datetime | None, dt.datetime | None, float, float, str | None]] = []
    cum = 0.0
    day = first
    while day <= last:
        working = day.weekday() in work_days and day not in off
        if working:
            open_utc = dt.datetime(day.year, day.month, day.day, start_h, start_m, tzinfo=tz).astimezone(dt.UTC)
            close_utc = dt.datetime(day.year, day.month, day.day, end_h, end_m, tzinfo=tz).astimezone(dt.UTC)
            minutes = (close_utc - open_utc).total_seconds() / 60
            rows.append(
                (
                    region,
                    day,
                    open_utc.replace(tzinfo=None),
                    close_utc.replace(tzinfo=None),
                    minutes,
                    cum,
                    off.get(day) if day in off else None,
                )
            )
            cum += minutes
        else:
            rows.append((region, day, None, None, 0.0, cum, off.get(day) if day in off else None))
        day += dt.timedelta(days=1)
    return pd.DataFrame(
        rows, columns=["region", "local_date", "open_utc", "close_utc", "work_minutes", "cum_minutes_before", "holiday"]
    )


def build_work_calendar(con: duckdb.DuckDBPyConnection, defs: Definitions, first: dt.date, last: dt.date) -> None:
    """Create `work_day` for every configured region (others use UTC, Mon-Fri 09:00-17:00)."""
    frames = []
    for region in [*defs.regions.names, defs.regions.unknown]:
        clock = defs.sla.regions.get(region, DEFAULT_CALENDAR)
        frames.append(region_days(region, clock, first, last))
    frame = pd.concat(frames, ignore_index=True)
    con.register("_work_days", frame)
    con.execute("""
        CREATE TABLE work_day AS
        SELECT region, CAST(local_date AS DATE) AS local_date, CAST(open_utc AS TIMESTAMP) AS open_utc,
               CAST(close_utc AS TIMESTAMP) AS close_utc, work_minutes, cum_minutes_before, holiday
        FROM _work_days ORDER BY region, local_date""")
    con.unregister("_work_days")
    tz_rows = [(r, defs.sla.regions.get(r, DEFAULT_CALENDAR).time_zone) for r in [*defs.regions.names, defs.regions.unknown]]
    con.execute("CREATE TABLE region_clock (region VARCHAR PRIMARY KEY, time_zone VARCHAR, target_minutes INTEGER)")
    insert_many(con, "INSERT INTO region_clock VALUES (?, ?, ?)", [(r, tz, defs.sla.target_for(r)) for r, tz in tz_rows])
