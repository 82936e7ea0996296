"""Small helpers for the SQL the load runs."""

from __future__ import annotations

import duckdb


def sql_literal(text: str) -> str:
    """A SQL string literal (for a macro body, which cannot take bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def insert_many(con: duckdb.DuckDBPyConnection, sql: str, rows: list) -> None:
    """executemany that accepts an empty list (DuckDB refuses one)."""
    if rows:
        con.executemany(sql, rows)
