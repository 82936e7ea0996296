"""A weekly series of exports of the sample company, as a company exporting every week would have them.

    python -m data.sample OUT_DIR --snapshots 13 [--scale ...] [--as-of YYYY-MM-DD]

writes OUT_DIR/<date>/ for the as-of date and each of the 12 weeks before it (load them with
`python -m data.ingest OUT_DIR/<date> --as-of-export <date>`, in any order). The company is generated
once, at the as-of date; each earlier export is that company rewound to the end of its day: records
created later are left out, every deal takes the stage it had then (from OpportunityHistory), leads
converted later are not converted yet. So the series tells one story. Stage history alone never moves a
close date or an amount, so a fixed, hash-chosen part of the open deals did (the same in every run):
one deal in four slips two weeks every three weeks (its earlier close dates were earlier), one in ten
was pulled in five weeks every four, one in five grew and one in five shrank by 3% a week. Every
export carries ForecastCategoryName, from the stage and probability as Salesforce's defaults set it.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb

from data.schema import normalise_object_name

# Salesforce's default forecast categories: closed stages by outcome, open ones by probability.
_FORECAST = """CASE
    WHEN StageName = 'Closed Won' THEN 'Closed'
    WHEN StageName = 'Closed Lost' THEN 'Omitted'
    WHEN TRY_CAST(Probability AS DOUBLE) >= 70 THEN 'Commit'
    WHEN TRY_CAST(Probability AS DOUBLE) >= 40 THEN 'Best Case'
    ELSE 'Pipeline' END"""


def write_series(full: Path, out_dir: Path, as_of: date, snapshots: int) -> list[Path]:
    """Rewind the export in `full` to the as-of date and each week before it; return the export folders."""
    folders = []
    for k in range(snapshots):
        day = as_of - timedelta(days=7 * k)
        target = out_dir / day.isoformat()
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        rewind(full, target, day, k)
        folders.append(target)
    return folders


def rewind(full: Path, target: Path, day: date, weeks_back: int) -> None:
    """Write into `target` the export `full` as it stood at the end of `day` (`weeks_back` weeks before the last)."""
    end = f"{day.isoformat()}T23:59:59.999Z"
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        history = sorted(full.glob("OpportunityHistory*.csv"))
        _view(con, "history", history)
        for f in sorted(full.glob("*.csv")):
            kind = normalise_object_name(f.stem)
            _view(con, "src", [f])
            cols = [r[0] for r in con.execute("DESCRIBE src").fetchall()]
            select = _select(kind, cols, weeks_back)
            where = "WHERE CreatedDate <= $end" if "CreatedDate" in cols else ""
            # `end` is a date this module formats, never user text: COPY takes no bound parameters
            sql = f"COPY ({select} {where}) TO '{target / f.name}' (HEADER, DELIMITER ',')"
            con.execute(sql.replace("$end", f"'{end}'"))
    finally:
        con.close()


def _view(con: duckdb.DuckDBPyConnection, name: str, files: list[Path]) -> None:
    if not files:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name} AS "
            "SELECT NULL AS OpportunityId, NULL AS StageName, NULL AS CreatedDate, NULL AS Id WHERE FALSE"
        )
        return
    paths = ", ".join(f"'{p}'" for p in files)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM read_csv([{paths}], all_varchar = true, header = true, "
        "union_by_name = true)"
    )


def _select(kind: str, cols: list[str], weeks_back: int) -> str:
    """The SELECT rewinding one object's file (its columns in their order)."""
    if kind == "opportunity":
        return _opportunities(cols, weeks_back)
    if kind == "lead" and "ConvertedDate" in cols:
        later = "ConvertedDate > $end"
        fix = {
            "IsConverted": f"CASE WHEN {later} THEN 'false' ELSE IsConverted END",
            "Status": f"CASE WHEN {later} THEN 'Working - Contacted' ELSE Status END",
            **{c: f"CASE WHEN {later} THEN NULL ELSE {c} END" for c in cols if c.startswith("Converted")},
        }
        return "SELECT " + ", ".join(f"{fix[c]} AS {c}" if c in fix else c for c in cols) + " FROM src"
    return "SELECT * FROM src"


def _shift(days: int) -> str:
    """SQL: the deal's close date moved by `days`, as the export writes a date."""
    return f"strftime(CAST(o.CloseDate AS DATE) + {days}, '%Y-%m-%d')"


def _opportunities(cols: list[str], weeks_back: int) -> str:
    """Each deal as it stood then: its last logged stage, and the hash-chosen slips and amount moves."""
    slip_days = 14 * ((weeks_back + 2) // 3)
    pull_days = 35 * ((weeks_back + 3) // 4)
    fix = {
        "StageName": "coalesce(h.StageName, o.StageName)",
        "IsClosed": "CASE WHEN coalesce(h.StageName, o.StageName) IN ('Closed Won', 'Closed Lost') THEN 'true' ELSE 'false' END",
        "IsWon": "CASE WHEN coalesce(h.StageName, o.StageName) = 'Closed Won' THEN 'true' ELSE 'false' END",
        "CloseDate": f"CASE WHEN is_open AND hash(o.Id) % 4 = 0 THEN {_shift(-slip_days)} "
        f"WHEN is_open AND hash(o.Id) % 10 = 3 THEN {_shift(pull_days)} "
        "ELSE o.CloseDate END",
        "Amount": f"CASE WHEN NOT is_open OR o.Amount IS NULL THEN o.Amount "
        f"WHEN hash(o.Id) % 5 = 1 THEN printf('%.2f', CAST(o.Amount AS DOUBLE) * {1 + 0.03 * weeks_back}) "
        f"WHEN hash(o.Id) % 5 = 2 THEN printf('%.2f', CAST(o.Amount AS DOUBLE) * {max(0.5, 1 - 0.03 * weeks_back)}) "
        "ELSE o.Amount END",
    }
    shown = [f"{fix[c]} AS {c}" if c in fix else f"o.{c}" for c in cols]
    forecast = _FORECAST.replace("StageName", "coalesce(h.StageName, o.StageName)").replace(
        "Probability", "o.Probability" if "Probability" in cols else "NULL"
    )
    if "ForecastCategoryName" not in cols:
        shown.append(f"{forecast} AS ForecastCategoryName")
    return f"""
        WITH h AS (
            SELECT OpportunityId, StageName FROM history WHERE CreatedDate <= $end
            QUALIFY row_number() OVER (PARTITION BY OpportunityId ORDER BY CreatedDate DESC, Id DESC) = 1
        ),
        o AS (
            SELECT src.*, coalesce(h.StageName, src.StageName) NOT IN ('Closed Won', 'Closed Lost') AS is_open
            FROM src LEFT JOIN h ON h.OpportunityId = src.Id
        )
        SELECT {", ".join(shown)} FROM o LEFT JOIN h ON h.OpportunityId = o.Id"""
