"""The counting scan the value rules run in: every rule's condition over an object's records evaluated once,
in the pass that types the values (typed.create_typed_table), counted over the live records in one scan of the
typed table, then only the conditions that matched listed.

In that pass a condition reads the typed values as `t` and the raw text as `r`, where `r` also carries, for each
column the rules read as text (Ids and references), its trimmed text, length and letters-and-digits
test computed once per record: conditions use them through text_sql, length_sql, alnum_sql and blank_sql rather
than recomputing them per rule.
"""

from __future__ import annotations

from typing import Any

import duckdb

from data.ingest.read import Problem, quote_ident

SAMPLE_LIMIT = 1000  # records listed per rule and column before counting the rest
WarningRow = tuple[str, str, str, int, list[str], str]


def _atoms(lo: Any) -> dict[str, int]:
    """The raw columns the rules read as trimmed text (Ids and references), numbered.

    The typing pass computes each one's trimmed text, length and letters-and-digits test once per record
    (fields _chk_v<i>, _chk_n<i>, _chk_ok<i> of `r`), however many conditions use them.
    """
    cols = [lo.mapping[f.name] for f in lo.obj.fields if f.name in lo.mapping and f.type in ("id", "ref")]
    return {c: i for i, c in enumerate(dict.fromkeys(cols))}


def text_sql(lo: Any, col: str) -> str:
    """SQL: the column's value trimmed of spaces (trim(value, ' ')), computed once per record."""
    return f"r._chk_v{_atoms(lo)[col]}"


def blank_sql(col: str) -> str:
    """SQL: the value is missing or only spaces, Unicode ones included (the typing macro _blank)."""
    return f"_blank(r.{quote_ident(col)})"


def alnum_sql(lo: Any, col: str) -> str:
    """SQL: the trimmed value is only ASCII letters and digits (true for '')."""
    return f"r._chk_ok{_atoms(lo)[col]}"


def length_sql(lo: Any, col: str) -> str:
    """SQL: the length of the trimmed value."""
    return f"r._chk_n{_atoms(lo)[col]}"


def typed_id_sql(lo: Any, col: str) -> str:
    """SQL in the typing pass: the Id or reference column `col` typed, the same as _id(col), from its atoms.

    A value whose trimmed text is letters and digits needs nothing more than the 15-to-18 conversion (the atoms
    hold its trimmed text and length already); only the others go through _id's blank test and Unicode trim,
    which was 100 ns a value, most of typing a column of tens of millions of unique Ids.
    """
    i = _atoms(lo)[col]
    return f"CASE WHEN _chk_ok{i} AND _chk_n{i} > 0 THEN _id18(_chk_v{i}) ELSE _id({quote_ident(col)}) END"


def letters_and_digits_sql(x: str) -> str:
    """SQL: x is only ASCII letters and digits (true for ''), i.e. NOT regexp_matches(x, '[^0-9A-Za-z]').

    url_encode leaves exactly letters, digits and - . _ ~ as they are: comparing is a fraction of the cost of the
    pattern, which was a good part of checking tens of millions of Ids (a test sweeps every character).
    """
    others = " ".join(f"AND NOT contains({x}, '{c}')" for c in "-._~")
    return f"(url_encode({x}) = {x} {others})"


def id18_suffix_sql(x: str) -> str:
    """SQL: the 3 checksum characters of the Salesforce Id x (its first 15 characters: letters and digits)."""
    chunks = []
    for k in range(3):
        bits = " + ".join(
            f"(CASE WHEN substr({x}, {5 * k + i + 1}, 1) BETWEEN 'A' AND 'Z' THEN {1 << i} ELSE 0 END)" for i in range(5)
        )
        chunks.append(f"substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1 + {bits}, 1)")
    return " || ".join(chunks)


def checked_raw(lo: Any) -> str:
    """The raw table with `_chk_rowid` (its rowid) and each atom column's trimmed text, length and
    letters-and-digits test added (a subquery)."""
    atoms = _atoms(lo)
    # trim only values that start or end with a space: the same result, without copying the others
    trims = "".join(
        f", CASE WHEN starts_with({quote_ident(c)}, ' ') OR ends_with({quote_ident(c)}, ' ') "
        f"THEN trim({quote_ident(c)}, ' ') ELSE {quote_ident(c)} END AS _chk_v{i}"
        for c, i in atoms.items()
    )
    shapes = "".join(
        f", length(_chk_v{i}) AS _chk_n{i}, {letters_and_digits_sql(f'_chk_v{i}')} AS _chk_ok{i}" for i in atoms.values()
    )
    return f"SELECT *{shapes} FROM (SELECT rowid AS _chk_rowid, *{trims}{_own_id_checksum(lo, atoms)} FROM {lo.obj.table})"


def raw_fields(lo: Any) -> list[str]:
    """The struct fields `r` carries into the typing pass (struct_pack arguments): every mapped raw column as it
    is, and the atoms' trimmed text, length, letters-and-digits test and (own Ids) checksum test."""
    atoms = _atoms(lo)
    own = {lo.mapping[f.name] for f in lo.obj.fields if f.type == "id" and f.name in lo.mapping}
    cols = [f"{quote_ident(c)} := {quote_ident(c)}" for c in dict.fromkeys(lo.mapping.values())]
    for c, i in atoms.items():
        cols += [f"_chk_v{i} := _chk_v{i}", f"_chk_n{i} := _chk_n{i}", f"_chk_ok{i} := _chk_ok{i}"]
        cols += [f"_chk_sum{i} := _chk_sum{i}"] if c in own else []
    return cols


def _own_id_checksum(lo: Any, atoms: dict[str, int]) -> str:
    """Columns _chk_sum<i> of the object's own Ids: the last 3 characters do not match the case of the first 15.

    Meaningful for 18 letters and digits only (checksum_sql). Worked out on the raw column itself when it has 18
    bytes (then it is its own trimmed text, or not letters and digits): the same conditions on the trimmed
    text (_chk_v<i>, a CASE's result) took three times as long over tens of millions of campaign members.
    """
    out = []
    for col in dict.fromkeys(lo.mapping[f.name] for f in lo.obj.fields if f.type == "id" and f.name in lo.mapping):
        if col in atoms:
            raw, trimmed = quote_ident(col), f"trim({quote_ident(col)}, ' ')"
            out.append(
                f", CASE WHEN strlen({raw}) = 18 THEN {id18_suffix_sql(raw)} <> substr({raw}, 16, 3) "
                f"ELSE {id18_suffix_sql(trimmed)} <> substr({trimmed}, 16, 3) END AS _chk_sum{atoms[col]}"
            )
    return "".join(out)


def checksum_sql(lo: Any, col: str) -> str:
    """SQL: the object's own Id column `col` (a field of type "id") holds 18 letters and digits whose last 3 do not
    match the case of the first 15."""
    return f"({length_sql(lo, col)} = 18 AND {alnum_sql(lo, col)} AND r._chk_sum{_atoms(lo)[col]})"


class Scan:
    """An object's rules in three steps: their conditions collected before typing, each one evaluated per record
    in the pass that types the values (a bit of the typed table's `_chk<k>` columns), then counted in one scan
    of those columns and only the conditions that matched listed.

    Conditions read the typed values as `t` and the raw text as `r` (the fields of two structs in the typing
    pass, see typed.create_typed_table): evaluating them there, rather than in a scan of the typed table joined
    back to the raw one, spares reading both again and a join on tens of millions of records.
    """

    BITS = 62  # conditions per BIGINT column (the sign bit left alone)

    def __init__(self, con: duckdb.DuckDBPyConnection, lo: Any):
        self.con, self.lo = con, lo
        self.conditions: dict[str, int] = {}  # condition -> its position (bit number over the _chk columns)
        self.counts: dict[str, int] | None = None

    def add(self, cond: str) -> None:
        """Collect a condition (once)."""
        self.conditions.setdefault(cond, len(self.conditions))

    def gate(self, cond: str) -> bool:
        """While collecting: collect `cond`, False. Once counted: whether it matched any live record."""
        if self.counts is None:
            self.add(cond)
            return False
        return bool(self.counts.get(cond))

    def bit(self, cond: str) -> str:
        """SQL over the typed table `t`: the record matched `cond` (its bit is set)."""
        k = self.conditions[cond]
        return f"(t._chk{k // self.BITS} & {1 << (k % self.BITS)}) <> 0"

    def bits_sql(self) -> str:
        """The typing pass's `_chk<k>` columns (a leading comma each): bit k % BITS of column k // BITS set when
        condition k holds. A condition that is NULL (a missing value) does not hold, as in count_if."""
        conds = list(self.conditions)
        cols = []
        for j in range(0, len(conds), self.BITS):
            terms = " + ".join(
                f"CASE WHEN {c} THEN {1 << (k % self.BITS)}::BIGINT ELSE 0::BIGINT END"
                for k, c in enumerate(conds[j : j + self.BITS], start=j)
            )
            cols.append(f", {terms} AS _chk{j // self.BITS}")
        return "".join(cols)

    def count(self) -> None:
        """Count every collected condition over the live records, in one scan of the typed table (once).

        The records are counted per combination of bits (most share one or a few), and each condition's count is
        the sum over the combinations with its bit set: a small aggregate instead of a count per condition over
        every record (3.4 s for the large sample's campaign members).
        """
        if self.counts is not None:
            return
        cols = [f"t._chk{j}" for j in range(-(-len(self.conditions) // self.BITS))]
        combos = (
            self.con.execute(f"SELECT {', '.join(cols)}, count(*) FROM {live(self.lo)} GROUP BY ALL").fetchall() if cols else []
        )
        self.counts = {
            cond: sum(row[-1] for row in combos if row[k // self.BITS] >> (k % self.BITS) & 1)
            for cond, k in self.conditions.items()
        }


def typed_table(lo: Any) -> str:
    return lo.obj.table.replace("raw_", "typed_", 1)


def live(lo: Any) -> str:
    """Live (not deleted, not excluded) records of the typed table, as t (a FROM ... WHERE clause)."""
    return (
        f"{typed_table(lo)} t WHERE NOT t._deleted AND t._rowid NOT IN (SELECT rid FROM _excluded WHERE tbl = '{lo.obj.table}')"
    )


def raw_values(con: Any, lo: Any, column: str, rowids: list[int]) -> dict[int, Any]:
    """The raw text of `column` at these records of the raw table."""
    if not rowids:
        return {}
    return dict(
        con.execute(
            f"SELECT rowid, {quote_ident(column)} FROM {lo.obj.table} WHERE rowid IN (SELECT unnest($ids))", {"ids": rowids}
        ).fetchall()
    )


def find(scan: Scan, lo: Any, cond: str, column: str) -> tuple[int, list[tuple[int, Any, Any]]]:
    """(count, [(rowid, raw value, Id)]) of live records matching `cond`, the first SAMPLE_LIMIT listed."""
    if not scan.gate(cond):
        return 0, []
    found = scan.con.execute(
        f"SELECT t._rowid, t.{lo.obj.id_field.name}, count(*) OVER () "
        f"FROM {live(lo)} AND {scan.bit(cond)} ORDER BY t._rowid LIMIT {SAMPLE_LIMIT}"
    ).fetchall()
    values = raw_values(scan.con, lo, column, [f[0] for f in found])
    return (found[0][2] if found else 0), [(f[0], values.get(f[0]), f[1]) for f in found]


def refuse(scan: Scan, lo: Any, cond: str, column: str, message: Any, advice: str) -> list[Problem]:
    """One refusal per live record matching `cond`; `message` is text or a function of the raw value."""
    count, found = find(scan, lo, cond, column)
    out = []
    for rowid, value, _ in found:
        file, record = lo.locate(rowid)
        text = message(value) if callable(message) else message
        out.append(Problem(file, text, advice, record=record, column=column, value=None if value is None else str(value)))
    if count > len(found):
        out.append(
            Problem(
                lo.parts[0].file.name,
                f"{count - len(found)} more record(s) of {lo.obj.name} in column "
                f"{column}: {message if isinstance(message, str) else 'the same problem'}",
                advice,
                record=-1,
            )
        )
    return out


def warn(scan: Scan, lo: Any, cond: str, code: str, column: str, message: str, advice: str) -> list[WarningRow]:
    """A counted warning for the live records matching `cond`, naming the first file, record, column and value."""
    count, found = find(scan, lo, cond, column)
    if not count:
        return []
    file, record = lo.locate(found[0][0])
    first = f" (first: {file} record {record}, column {column}, value {found[0][1]!r})"
    return [(code, lo.obj.name, message + first, count, [str(f[2]) for f in found[:5]], advice)]
