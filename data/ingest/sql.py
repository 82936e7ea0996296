"""Small helpers for the SQL the load runs."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb


def connect(db_file: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection for the load. DuckDB's progress bar only when stderr is a terminal: written into a log
    (stderr redirected, as under `make bench` or a scheduler) it is a stream of bar characters."""
    con = duckdb.connect(str(db_file), read_only=read_only)
    if not sys.stderr.isatty():
        con.execute("SET enable_progress_bar = false")  # a session setting: DuckDB refuses it in connect's config
    return con


def sql_literal(text: str) -> str:
    """A SQL string literal (for a macro body, which cannot take bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def insert_many(con: duckdb.DuckDBPyConnection, sql: str, rows: list) -> None:
    """executemany that accepts an empty list (DuckDB refuses one), in one transaction: on its own each row is
    committed to the database file apart (about 0.7 ms a row; the definitions' tables alone have hundreds)."""
    if not rows:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.executemany(sql, rows)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
