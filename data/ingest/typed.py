"""Type every raw value once (typed_<object> tables with a bad-value mask) and find unreadable values and duplicate Ids."""

from __future__ import annotations

import duckdb
import numpy as np

from data.config import Definitions
from data.ingest.context import LoadedObject
from data.ingest.objects import extra_fields
from data.ingest.read import Problem, quote_ident
from data.ingest.scan import Scan, checked_raw, id18_suffix_sql, letters_and_digits_sql, raw_fields, typed_id_sql
from data.ingest.sql import insert_many
from data.schema import Field, SourceObject

SAMPLE_LIMIT = 1000  # bad values listed per object before counting the rest


_TYPE_ADVICE = {
    "timestamp": "Use ISO 8601 date-times such as 2024-03-31T14:05:00.000Z (what Data Loader and Data Export write)",
    "date": "Use ISO dates such as 2024-03-31",
    "decimal": "Use a plain number with a dot for decimals, no thousands separator or currency sign, such as 1234.50",
    "rate": "Use a plain positive number such as 0.8507",
    "int": "Use a whole number such as 250",
    "bool": "Use true/false or 1/0, or leave the value empty",
}


_TYPE_NAME = {
    "timestamp": "date-time",
    "date": "date",
    "decimal": "number",
    "rate": "number",
    "int": "whole number",
    "bool": "true/false value",
}


# The API's UTC date-time forms, with and without milliseconds, read by strptime's exact formats (see _ts)
_UTC_FORMATS = "['%Y-%m-%dT%H:%M:%S.%gZ', '%Y-%m-%dT%H:%M:%SZ']"


def id18_sql(x: str) -> str:
    """SQL turning a 15-character case-sensitive Salesforce Id into its 18-character form."""
    # strlen (bytes, no scan), not length (characters): the same values, as only ASCII passes the test
    return f"CASE WHEN strlen({x}) = 15 AND {letters_and_digits_sql(x)} THEN {x} || {id18_suffix_sql(x)} ELSE {x} END"


def create_typing_macros(con: duckdb.DuckDBPyConnection, salesforce_ids: bool) -> None:
    id_body = id18_sql("v") if salesforce_ids else "v"
    # _trim(x) is trim(x), but copies only values trim might change; most values it cannot, and trimming every
    # value of every column was a good part of typing tens of millions of records. trim() removes Unicode spaces
    # (U+0020, a no-break space U+00A0, U+2000-U+200A, U+3000...), all of them non-ASCII but the space: an
    # ASCII-only value (as many bytes as characters) with no space at either end is left as it is. Both tests
    # are cheap (byte comparisons and a byte count); looking at the last character (right(x, 1)) was not.
    # _ts(x): the API's own UTC form (2024-03-31T14:05:00.000Z, what Data Loader and Data Export write) is read by
    # strptime with that exact format, a plain TIMESTAMP (a 'Z' value is UTC either way) at a third of the cost of a
    # TIMESTAMPTZ; what the formats do not fit (an offset, a naive value in the export's zone, a mangled value) goes
    # through TIMESTAMPTZ. Only values ending in Z are tried: strptime reads 'infinity' or 'epoch' as 1900-01-01
    # whatever the format (DuckDB 2.0). Testing the form with LIKE patterns, then casting, cost half as much again;
    # a test compares the two ways on hundreds of thousands of mangled values.
    # _utc(t) is timezone('UTC', t): a TIMESTAMPTZ holds microseconds since 1970 in UTC, so the UTC date-time has
    # the same microseconds (make_timestamp(epoch_us(t))), without the ICU calendar timezone() goes through
    # (about half the cost of typing a date-time); infinities have no epoch and keep timezone().
    con.execute(f"""
        CREATE OR REPLACE TEMP MACRO _trim(x) AS
            CASE WHEN strlen(x) = length(x) AND NOT starts_with(x, ' ') AND NOT ends_with(x, ' ') THEN x ELSE trim(x) END;
        CREATE OR REPLACE TEMP MACRO _blank(x) AS
            CASE WHEN ascii(x) BETWEEN 33 AND 126 THEN false ELSE x IS NULL OR trim(x) = '' END;
        CREATE OR REPLACE TEMP MACRO _id18(v) AS {id_body};
        CREATE OR REPLACE TEMP MACRO _id(x) AS CASE WHEN _blank(x) THEN NULL ELSE _id18(_trim(x)) END;
        CREATE OR REPLACE TEMP MACRO _utc(t) AS
            CASE WHEN isfinite(t) THEN make_timestamp(epoch_us(t)) ELSE timezone('UTC', t) END;
        CREATE OR REPLACE TEMP MACRO _ts(x) AS
            CASE WHEN _blank(x) THEN NULL
                WHEN ends_with(x, 'Z') THEN coalesce(try_strptime(x, {_UTC_FORMATS}), _utc(try_cast(_trim(x) AS TIMESTAMPTZ)))
                ELSE _utc(try_cast(_trim(x) AS TIMESTAMPTZ)) END;
        CREATE OR REPLACE TEMP MACRO _date(x) AS CASE WHEN _blank(x) THEN NULL ELSE try_cast(_trim(x) AS DATE) END;
        CREATE OR REPLACE TEMP MACRO _decimal(x) AS CASE WHEN _blank(x) THEN NULL ELSE try_cast(_trim(x) AS DECIMAL(18, 2)) END;
        CREATE OR REPLACE TEMP MACRO _rate(x) AS CASE WHEN _blank(x) THEN NULL ELSE try_cast(_trim(x) AS DECIMAL(18, 9)) END;
        CREATE OR REPLACE TEMP MACRO _int(x) AS CASE WHEN _blank(x) THEN NULL
            WHEN try_cast(_trim(x) AS DOUBLE) = round(try_cast(_trim(x) AS DOUBLE)) THEN try_cast(_trim(x) AS DOUBLE)::BIGINT END;
        CREATE OR REPLACE TEMP MACRO _bool(x) AS CASE lower(_trim(x))
            WHEN 'true' THEN true WHEN '1' THEN true WHEN 'false' THEN false WHEN '0' THEN false END;
        CREATE OR REPLACE TEMP MACRO _text(x) AS nullif(x, '');
    """)


_CAST = {
    "id": "_id",
    "ref": "_id",
    "text": "_text",
    "timestamp": "_ts",
    "date": "_date",
    "decimal": "_decimal",
    "rate": "_rate",
    "int": "_int",
    "bool": "_bool",
}


_SQL_TYPE = {
    "id": "VARCHAR",
    "ref": "VARCHAR",
    "text": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "decimal": "DECIMAL(18, 2)",
    "rate": "DECIMAL(18, 9)",
    "int": "BIGINT",
    "bool": "BOOLEAN",
}


def typed_name(obj: SourceObject) -> str:
    return obj.table.replace("raw_", "typed_", 1)


def checked_fields(lo: LoadedObject) -> list[tuple[Field, str]]:
    """Typed fields present in the export whose values can be unreadable: (field, raw column)."""
    return [(f, lo.mapping[f.name]) for f in lo.obj.fields if f.name in lo.mapping and f.type in _TYPE_ADVICE]


def create_typed_table(
    con: duckdb.DuckDBPyConnection, obj: SourceObject, lo: LoadedObject | None, defs: Definitions, scan: Scan | None = None
) -> None:
    """typed_<object>: every value cast once, with `_bad` (a bit per unreadable column), `_deleted`, `_rowid`
    (the raw record) and the `_chk<k>` columns of the value rules' conditions (`scan`, collected beforehand).

    One pass over the raw table types, finds unreadable values and evaluates every value rule, which matters
    for tens of millions of campaign members. The pass's rows are two structs: `t`, the typed record (what
    the table keeps), and `r`, the raw text the checks read (scan.raw_fields); a struct is computed once and
    its fields only referenced.
    """
    fields = [*obj.fields, *extra_fields(obj, defs)]
    name = typed_name(obj)
    if lo is None:
        cols = ", ".join(f"NULL::{_SQL_TYPE[f.type]} AS {f.name}" for f in fields)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT {cols}, NULL::BIGINT AS _rowid WHERE false")
        return
    typed = []
    for f in fields:
        src = lo.mapping.get(f.name)
        if not src:
            typed.append(f"{f.name} := NULL::{_SQL_TYPE[f.type]}")
        elif f.type in ("id", "ref"):
            typed.append(f"{f.name} := {typed_id_sql(lo, src)}")
        else:
            typed.append(f"{f.name} := {_CAST[f.type]}({quote_ident(src)})")
    deleted = f"coalesce(_bool({quote_ident(lo.mapping['is_deleted'])}), false)" if "is_deleted" in lo.mapping else "false"
    typed += ["_rowid := _chk_rowid", f"_deleted := {deleted}"]
    bits = [
        f"CASE WHEN NOT _blank(r.{quote_ident(c)}) AND t.{f.name} IS NULL THEN {1 << i} ELSE 0 END"
        for i, (f, c) in enumerate(checked_fields(lo))
    ]
    con.execute(f"""
        CREATE TEMP TABLE {name} AS
        SELECT t.*, {" + ".join(bits) or "0"} AS _bad{scan.bits_sql() if scan else ""}
        FROM (SELECT struct_pack({", ".join(typed)}) AS t, struct_pack({", ".join(raw_fields(lo))}) AS r
              FROM ({checked_raw(lo)}))""")


def type_problems(con: duckdb.DuckDBPyConnection, lo: LoadedObject) -> list[Problem]:
    checked = checked_fields(lo)
    if not checked:
        return []
    name = typed_name(lo.obj)
    bad = con.execute(
        f"SELECT _rowid, _bad, count(*) OVER () FROM {name} WHERE _bad <> 0 ORDER BY _rowid LIMIT {SAMPLE_LIMIT}"
    ).fetchall()
    if not bad:
        return []
    cols = ", ".join(quote_ident(c) for _, c in checked)
    raw = {
        r[0]: r[1:]
        for r in con.execute(
            f"SELECT rowid, {cols} FROM {lo.obj.table} WHERE rowid IN (SELECT unnest($ids))", {"ids": [b[0] for b in bad]}
        ).fetchall()
    }
    problems = []
    for rowid, mask, _ in bad:
        file, record = lo.locate(rowid)
        for i, (f, col) in enumerate(checked):
            if mask & (1 << i):
                problems.append(
                    Problem(
                        file,
                        f"not a valid {_TYPE_NAME[f.type]}",
                        _TYPE_ADVICE[f.type],
                        record=record,
                        column=col,
                        value=raw[rowid][i],
                    )
                )
    if bad[0][-1] > len(bad):
        problems.append(
            Problem(
                lo.parts[0].file.name,
                f"{bad[0][-1] - len(bad)} more record(s) of {lo.obj.name} have values of the wrong type",
                "Fix the values listed above the same way",
                record=-1,
            )
        )
    return problems


def ids_unique(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    """True when no two non-NULL values of `column` hash alike, which proves no value is there twice.

    The 64-bit hashes are sorted (numpy's SIMD sort) and neighbours compared: 2.8 s for 83M Ids, where DuckDB's
    distinct count (a hash table of every Id) took 11.8 s and grouping 13.5 s. Equal hashes of different Ids (a
    collision) only send the caller to its exact search, so the answer is never wrong, merely slower.
    """
    n = con.execute(f"SELECT count({column}) FROM {table}").fetchall()[0][0]
    hashes = np.empty(n, dtype=np.uint64)
    filled = 0
    # streamed in batches into one array: a whole fetched result would hold the hashes twice
    reader = con.sql(f"SELECT hash({column}) FROM {table} WHERE {column} IS NOT NULL").to_arrow_reader(1 << 20)
    for batch in reader:
        chunk = batch.column(0).to_numpy()
        hashes[filled : filled + len(chunk)] = chunk
        filled += len(chunk)
    hashes = hashes[:filled]  # the same count, unless the table changed in between
    hashes.sort()
    return not bool(np.any(hashes[1:] == hashes[:-1]))


def duplicate_problems(con: duckdb.DuckDBPyConnection, lo: LoadedObject) -> list[Problem]:
    id_field = lo.obj.id_field.name
    id_col = lo.mapping.get(id_field)
    if not id_col:
        return []
    name = typed_name(lo.obj)
    if ids_unique(con, name, id_field):
        return []
    # Find duplicated Ids first (one hash aggregate that only counts: a list per Id cost a list for each of
    # tens of millions of records), list their rows, then compare whole raw rows only for those.
    # Grouped by the Id's 64-bit hash (cheaper keys than the text); equal hashes are then told apart by the Id.
    dups = con.execute(f"""
        SELECT {id_field}, list(_rowid ORDER BY _rowid) FROM {name}
        WHERE {id_field} IS NOT NULL AND hash({id_field}) IN (
            SELECT hash({id_field}) FROM {name} WHERE {id_field} IS NOT NULL GROUP BY 1 HAVING count(*) > 1)
        GROUP BY 1 HAVING count(*) > 1 ORDER BY 1""").fetchall()
    if not dups:
        return []
    cols = ", ".join(quote_ident(c) for c in dict.fromkeys(c for p in lo.parts for c in p.file.header))
    hashes = dict(
        con.execute(
            f"SELECT rowid, hash({cols}) FROM {lo.obj.table} WHERE rowid IN (SELECT unnest($ids))",
            {"ids": [r for _, rowids in dups for r in rowids]},
        ).fetchall()
    )
    problems = []
    exact = []
    for dup_id, rowids in dups:
        if len({hashes[r] for r in rowids}) == 1:
            exact.extend(rowids[1:])  # identical copies (overlapping parts): keep the first
            continue
        (f1, r1), (f2, r2) = lo.locate(rowids[0]), lo.locate(rowids[1])
        problems.append(
            Problem(
                f2,
                f"Id {dup_id} is also in {f1} record {r1} with different values",
                "Ids must be unique: remove the stale copy (often an overlapping export part)",
                record=r2,
                column=id_col,
                value=dup_id,
            )
        )
    insert_many(con, "INSERT INTO _excluded VALUES (?, ?, 'duplicate')", [(lo.obj.table, r) for r in exact])
    lo.duplicates = len(exact)
    return problems
