"""The cheaper SQL forms the ingest types and checks values with say exactly what the plain forms say.

The load trims only values that start or end with a space (_trim, _blank), checks an 18-character Id's
checksum by comparing its last 3 characters (id18_suffix_sql) instead of rebuilding the Id, reads the API's UTC
date-times with strptime's exact formats (_ts) and types an Id from the shape its checks work out
(typed_id_sql): these pin that each gives the plain form's answers on the awkward values (spaces, tabs,
no-break spaces, empty, NULL, changed case, mangled date-times, every character in an Id).
"""

from __future__ import annotations

import random

import duckdb
import pytest

from data.ingest.context import LoadedObject
from data.ingest.scan import checked_raw, id18_suffix_sql, letters_and_digits_sql, typed_id_sql
from data.ingest.typed import create_typing_macros
from data.schema import OBJECTS

AWKWARD = [None, "", " ", "   ", "a", " a", "a ", "  a b  ", "\ta", "a\t", " \t ", "\u00a0a", "a\u00a0 ", "00Q000000000005EAA "]
AWKWARD += ["\u00a0", "\u3000a", "a\u2009", "\u200b"]  # Unicode spaces trim() removes; a zero-width space it keeps
BLANK = [True, True, True, True] + [False] * 10 + [True, False, False, False]
IDS = [
    "00v000000000000AAA",  # right checksum
    "00Q000000405240EAA",  # right checksum, an upper-case letter in the first 5
    "00Q000000405240eAA",  # changed case in the checksum
    "00q000000405240EAA",  # changed case in the first 15
    "ZZZZZZZZZZZZZZZ555",  # every letter upper case
    "zzzzzzzzzzzzzzzAAA",  # every letter lower case
    "ZZZZZZZZZZZZZZZ556",
    "A00000000000000BAA",
]


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_typing_macros(con, salesforce_ids=True)
    return con


def test_trim_and_blank_macros_equal_the_plain_forms(con: duckdb.DuckDBPyConnection) -> None:
    got = con.execute(
        "SELECT list(_trim(x) IS NOT DISTINCT FROM trim(x)), list(_blank(x) = (x IS NULL OR trim(x) = '')), "
        "list(_blank(x)) FROM (SELECT unnest($v) AS x)",
        {"v": AWKWARD},
    ).fetchall()[0]
    assert got[0] == [True] * len(AWKWARD)
    assert got[1] == [True] * len(AWKWARD)
    assert got[2] == BLANK


def test_checksum_by_last_three_characters_equals_rebuilding_the_id(con: duckdb.DuckDBPyConnection) -> None:
    got = con.execute(
        f"SELECT list(_id18(substr(v, 1, 15)) <> v), list({id18_suffix_sql('v')} <> substr(v, 16, 3)) "
        "FROM (SELECT unnest($v) AS v)",
        {"v": IDS},
    ).fetchall()[0]
    assert got[0] == got[1] == [False, False, True, True, False, False, True, False]


def test_trim_macro_equals_trim_for_every_character_at_either_end(con: duckdb.DuckDBPyConnection) -> None:
    # every code point of the Basic Multilingual Plane (and a few beyond), alone, at the start, at the end, at both
    # ends and inside a value: the cheap test must send every value trim() would change to trim()
    differ = con.execute("""
        SELECT count(*) FROM (SELECT chr(c::INTEGER) AS ch FROM range(1, 70000) AS t(c) WHERE c < 55296 OR c > 57343)
        CROSS JOIN (SELECT unnest(['', 'a', 'ab', '00Q000000000005EAA', '2024-03-31']) AS v)
        CROSS JOIN (SELECT unnest([ch, ch || v, v || ch, ch || v || ch, v || ch || v]) AS x)
        WHERE _trim(x) IS DISTINCT FROM trim(x) OR _blank(x) <> (trim(x) = '')""").fetchall()[0][0]
    assert differ == 0


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_date_time_macro_equals_the_plain_form(con: duckdb.DuckDBPyConnection, zone: str) -> None:
    # _ts(x) is timezone('UTC', try_cast(trim(x) AS TIMESTAMPTZ)) for any text: with and without an offset, naive
    # ones in the export's zone (daylight-saving gaps and overlaps included), dates alone, far years, infinities
    con.execute(f"SET TimeZone = '{zone}'")
    differ = con.execute(r"""
        WITH instants AS (
            SELECT make_timestamp(CAST(i * 7919 * 86400 * 1000003 % 600000000000000000 - 300000000000000000 AS BIGINT)
                + CAST(i * 104729 % 86400000000 AS BIGINT)) AS t
            FROM range(0, 4000) AS r(i)
            UNION ALL SELECT unnest([
                TIMESTAMP '2026-03-08 02:30:00', TIMESTAMP '2026-11-01 01:30:00', TIMESTAMP '1582-10-10 12:00:00',
                TIMESTAMP '0001-01-01 00:00:00', TIMESTAMP '1969-12-31 23:59:59.999999', TIMESTAMP '2026-10-04 02:15:00'])
        ),
        texts AS (
            SELECT unnest([
                strftime(t, '%Y-%m-%dT%H:%M:%S.%gZ'), strftime(t, '%Y-%m-%d %H:%M:%S'), strftime(t, '%Y-%m-%dT%H:%M:%S+05:30'),
                strftime(t, '%Y-%m-%dT%H:%M:%S.%f-08:00'), strftime(t, '%Y-%m-%d'),
                ' ' || strftime(t, '%Y-%m-%dT%H:%M:%SZ') || ' ',
                strftime(t, '%Y-%m-%dT%H:%M:%S.%g Z')]) AS x
            FROM instants
            UNION ALL SELECT unnest(['infinity', '-infinity', 'epoch', '', ' ', 'not a date', '2026-02-30T10:00:00Z',
                '2026-06-29T24:00:00.000Z', '294246-12-31T00:00:00Z', '-290307-01-01T00:00:00Z', NULL])
        )
        SELECT count(*) FROM texts
        WHERE _ts(x) IS DISTINCT FROM
            (CASE WHEN trim(x) = '' THEN NULL ELSE timezone('UTC', try_cast(trim(x) AS TIMESTAMPTZ)) END)
        """).fetchall()[0][0]
    assert differ == 0


def test_letters_and_digits_test_equals_the_pattern(con: duckdb.DuckDBPyConnection) -> None:
    # every code point of the Basic Multilingual Plane (and beyond) alone, inside an Id and at its ends, plus empty and NULL
    cond = letters_and_digits_sql("x")
    differ = con.execute(f"""
        SELECT count(*) FROM (SELECT chr(c::INTEGER) AS ch FROM range(1, 1114112) AS t(c) WHERE c < 55296 OR c > 57343)
        CROSS JOIN (SELECT unnest([ch, '00Q0000' || ch || '0005EAA', ch || 'a', 'a' || ch, '', NULL]) AS x)
        WHERE {cond} IS DISTINCT FROM (NOT regexp_matches(x, '[^0-9A-Za-z]'))""").fetchall()[0][0]
    assert differ == 0


def test_utc_date_time_read_as_timestamp_equals_reading_it_with_its_zone(con: duckdb.DuckDBPyConnection) -> None:
    # _ts reads the API's UTC form (…Z) as a plain TIMESTAMP: mangle such values one to three characters at a time
    # (spaces, offsets, letters, a second Z) and compare with TIMESTAMPTZ in UTC, in a zone far from UTC
    con.execute("SET TimeZone = 'America/New_York'")
    rng = random.Random(7)
    forms = ["2024-03-31T14:05:00.123Z", "2024-03-31T14:05:00Z", "2024-12-31T23:59:59.999Z", "0001-01-01T00:00:00Z"]
    values = [*forms, "2024-03-31T14:05:00", "2024-03-31 14:05:00+02:00", "2024-03-31T14:05:00.000+0000", "2024-03-31"]
    # what strptime's formats are lenient about (one-digit fields, fewer fraction digits, spaces around)
    values += [
        "2024-3-31T14:05:00.000Z",
        "2024-03-31T4:05:00Z",
        "2024-03-31T14:05:00.1Z",
        " 2024-03-31T14:05:00Z",
        "\u00a02024-03-31T14:05:00.000Z",
        "2024-03-31T14:05:00.000 Z",
        "+2024-03-31T14:05:00Z",
        "epochZ",
        "infinityZ",
    ]
    for _ in range(60000):
        chars = list(rng.choice(forms))
        for _ in range(rng.randint(1, 3)):
            chars[rng.randrange(len(chars))] = rng.choice("0123456789+-: .TZzE/_,x\u00a0")
        values.append("".join(chars))
    got = con.execute(
        "SELECT count(*), count(_ts(x)), count_if(_ts(x) IS DISTINCT FROM timezone('UTC', try_cast(trim(x) AS TIMESTAMPTZ))) "
        "FROM (SELECT unnest($v) AS x)",
        {"v": values},
    ).fetchall()[0]
    assert got[0] == len(values) and got[1] > 5000  # thousands of the mangled values still read as date-times
    assert got[2] == 0


@pytest.mark.parametrize("salesforce_ids", [True, False])
def test_id_typed_from_its_shape_equals_the_id_macro(salesforce_ids: bool) -> None:
    # the typing pass types an Id from its trimmed text and shape (typed_id_sql): every code point of the Basic
    # Multilingual Plane (and a few beyond) alone, inside a 15- and an 18-character Id and at their ends, spaces
    # around, empty and NULL, give what _id gives
    con = duckdb.connect()
    create_typing_macros(con, salesforce_ids)
    lead = next(o for o in OBJECTS if o.name == "Lead")
    lo = LoadedObject(lead, [], {"lead_id": "Id", "owner_id": "OwnerId"}, [])
    con.execute("""
        CREATE TABLE raw_lead AS SELECT x AS "Id", x AS "OwnerId" FROM (
            SELECT unnest([ch, '00Q0000' || ch || '0005EA', '00Q0000' || ch || '0005EAA', ch || '00Q000000000005',
                '00Q000000000005EAA' || ch, ' ' || ch || ' ']) AS x
            FROM (SELECT chr(c::INTEGER) AS ch FROM range(1, 70000) AS t(c) WHERE c < 55296 OR c > 57343)
            UNION ALL SELECT unnest(['', ' ', NULL, '00Q000000000005', ' 00Q000000000005 ', '00Q000000000005EAA',
                '  00Q000000000005EAA', '\u00a000Q000000000005', '00q000000000005\u3000', 'a', '0'])
        )""")
    differ = con.execute(
        f'SELECT count(*), count_if(({typed_id_sql(lo, "Id")}) IS DISTINCT FROM _id("Id")), '
        f'count_if(({typed_id_sql(lo, "OwnerId")}) IS DISTINCT FROM _id("OwnerId")) FROM ({checked_raw(lo)})'
    ).fetchall()[0]
    assert differ[0] > 300_000 and differ[1:] == (0, 0)
