"""Metric and report queries: one SQL file each, with its definition in the header comment.

A query file starts with `--` comment lines: the first is the title; a line `-- Summary: ...` is the
one sentence in business words a tile's hover help shows; the rest is the long definition (grain,
exclusions) behind "more" and on the Definitions page. Parameters are DuckDB named parameters (`$region`), always
bound, never formatted into the SQL. The dashboard and `python -m queries` both run queries through
`run_query`, so they give the same numbers. `run_query` also enforces the reader's scope (queries/scope.py):
a region-limited person's region is bound by the runner for every query, whatever the caller passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from queries.scope import EVERYTHING, Scope, ScopeError

__all__ = ["EVERYTHING", "Query", "QueryError", "Scope", "ScopeError", "all_queries", "load_query", "run_query"]

QUERY_DIR = Path(__file__).resolve().parent
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


class QueryError(LookupError):
    """An unknown query name or a missing parameter."""


@dataclass(frozen=True)
class Query:
    """A named SQL file: its title, definition text, SQL and the parameters it takes."""

    name: str
    title: str
    definition: str
    sql: str
    params: tuple[str, ...]
    summary: str = ""


@cache
def load_query(name: str) -> Query:
    """The query `queries/<name>.sql`, parsed (cached: the files do not change while running)."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise QueryError(f"invalid query name {name!r}")
    path = QUERY_DIR / f"{name}.sql"
    if not path.exists():
        raise QueryError(f"no query named {name!r}; see `python -m queries --list`")
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        header.append(line[2:].strip())
    title = header[0] if header else name
    summary = ""
    rest = []
    for line in header[1:]:
        if line.startswith("Summary:") and not summary:
            summary = line.removeprefix("Summary:").strip()
        else:
            rest.append(line)
    definition = "\n".join(rest).strip()
    if not summary:  # no Summary line: the first sentence of the definition
        summary = " ".join(definition.split()).split(". ")[0].rstrip(".") + "." if definition else title
    params = tuple(dict.fromkeys(_PARAM.findall(_strip_comments(text))))
    return Query(name, title, definition, text, params, summary)


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def all_queries() -> list[Query]:
    """Every query file, sorted by name."""
    return [load_query(p.stem) for p in sorted(QUERY_DIR.glob("*.sql"))]


def run_query(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None, scope: Scope = EVERYTHING
) -> pd.DataFrame:
    """Run a named query with bound parameters; returns a DataFrame. Under a region-limited `scope` the region is
    forced (a region outside it is never run) and a query that cannot be limited raises ScopeError."""
    q = load_query(name)
    params = params or {}
    # a limited scope supplies the region itself, so a caller need not (and cannot usefully) pass one
    missing = [p for p in q.params if p not in params and not (p == "region" and scope.limited)]
    if missing:
        raise QueryError(f"query {name} needs parameter(s) {', '.join(missing)}")
    bound = scope.bind(name, q.params, {k: params.get(k) for k in q.params})
    return con.execute(q.sql, bound).df()
