"""Run any metric from the command line, with the same code the dashboard uses.

    python -m queries --list
    python -m queries NAME --db PATH [--param key=value ...] [--format csv|json|table]

Parameters not given take defaults: the current fiscal quarter of the data's as-of date (the last
day with data), the reporting currency of the definitions, all regions and segments, the linear
attribution model.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import duckdb

from data.store import default_db_path
from queries import QueryError, all_queries, load_query, run_query


def default_params(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Defaults for every parameter: the data's as-of date and its fiscal quarter, the reporting currency."""
    as_of = con.execute("SELECT CAST(data_through_at AS DATE) FROM ingest_run").fetchall()[0][0] or dt.date.today()
    currency = con.execute("SELECT value FROM cfg_setting WHERE key = 'reporting_currency'").fetchall()[0][0]
    # the fiscal quarter by the database's own rule (data/model/32_fiscal.sql), never recomputed here
    start, end = con.execute("SELECT fiscal_quarter_of(?), fiscal_quarter_end(?)", [as_of, as_of]).fetchall()[0]
    return {
        "as_of": as_of,
        "start_date": start,
        "end_date": end,
        "currency": currency,
        "region": None,
        "segment": None,
        "owner": None,
        "model": "linear",
        "dimension": "source",
        "since": start,
        "step": None,  # Pipeline changes drill: every step
        # drill-downs: every record of the measure, the first thousand rows
        "measure": "pipeline",
        "slice_kind": None,
        "slice_value": None,
        "limit": 1000,
        "offset": 0,
    }


def _parse(value: str) -> Any:
    if value.lower() in ("", "null", "none", "all"):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return value


def _print_index(catalogue: bool) -> None:
    """Every query: as the README's Markdown catalogue, or one line each."""
    if catalogue:
        print("| query | title | parameters | definition |\n|---|---|---|---|")
    for q in all_queries():
        if catalogue:
            print(f"| `{q.name}` | {q.title} | {', '.join(q.params)} | {' '.join(q.definition.split())} |")
        else:
            print(f"{q.name:34} {q.title}: {q.definition.split('. ')[0].replace(chr(10), ' ')}")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m queries", description="Run a metric query.")
    parser.add_argument("name", nargs="?", help="query name (see --list)")
    parser.add_argument("--list", action="store_true", help="list every query with its one-line definition")
    parser.add_argument("--catalogue", action="store_true", help="print the metric catalogue as a Markdown table")
    parser.add_argument("--db", default=str(default_db_path()))
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    args = parser.parse_args(argv)
    if args.catalogue or args.list or not args.name:
        _print_index(catalogue=args.catalogue)
        return 0
    if not Path(args.db).exists():
        print(f"no database at {args.db}; load one with python -m data.ingest EXPORT --db {args.db}", file=sys.stderr)
        return 2
    con = duckdb.connect(args.db, read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    params = default_params(con)
    for item in args.param:
        if "=" not in item:
            print(f"--param takes KEY=VALUE, got {item!r}", file=sys.stderr)
            return 2
        key, value = item.split("=", 1)
        params[key.strip()] = _parse(value.strip())
    try:
        query = load_query(args.name)
        frame = run_query(con, args.name, {k: params.get(k) for k in query.params})
    except (QueryError, duckdb.Error) as exc:
        print(f"{args.name}: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(json.dumps(json.loads(frame.to_json(orient="records", date_format="iso")), indent=2))
    else:
        print(frame.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
