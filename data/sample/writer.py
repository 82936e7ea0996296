"""Writing the export: Salesforce-style Ids and timestamps in SQL, and CSV files through DuckDB.

DuckDB formats the values (fast, exact), so every builder hands over a DataFrame of raw numbers
and a SELECT list saying how each column looks in the export.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from data.sample.company import PREFIX


def _suffix(prefix: str) -> str:
    """The 3-character case checksum of `prefix` + 12 digits (only the prefix can hold capitals)."""
    base = prefix + "0" * (15 - len(prefix))
    out = ""
    for k in range(3):
        bits = sum(1 << i for i in range(5) if "A" <= base[5 * k + i] <= "Z")
        out += "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits]
    return out


def sfid(kind: str, col: str, short: bool = False) -> str:
    """SQL making a Salesforce-style Id from an integer column (18 characters, or the 15-character form)."""
    p = PREFIX[kind]
    body = f"'{p}' || lpad(CAST({col} AS VARCHAR), 12, '0')"
    tail = "" if short else f" || '{_suffix(p)}'"
    return f"CASE WHEN {col} IS NULL THEN NULL ELSE {body}{tail} END"


def ts(col: str) -> str:
    """SQL formatting epoch seconds as Salesforce writes date-times (UTC, milliseconds, Z)."""
    return f"strftime(make_timestamp(CAST({col} AS BIGINT) * 1000000), '%Y-%m-%dT%H:%M:%S.000Z')"


def dt(col: str) -> str:
    """SQL formatting epoch seconds as a Salesforce date."""
    return f"strftime(make_timestamp(CAST({col} AS BIGINT) * 1000000), '%Y-%m-%d')"


def b(col: str) -> str:
    """SQL writing a boolean column as Salesforce does ('true' / 'false')."""
    return f"CASE WHEN {col} THEN 'true' ELSE 'false' END"


def frame(first_row: int = 0, /, **cols: object) -> pd.DataFrame:
    """A DataFrame of `cols` with the `_row` column the writer orders and splits by.

    A chunk of a bigger object passes the global number of its first row.
    """
    n = len(next(iter(cols.values())))  # type: ignore[arg-type]
    return pd.DataFrame({"_row": np.arange(first_row, first_row + n), **cols})


def nullable(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Integer Ids where negative means none, as a nullable column (written as an empty field)."""
    out = pd.array(np.where(values >= 0, values, -1), dtype="Int64")
    out[values < 0] = pd.NA
    return out


# Builds the frame for global rows [lo, hi); its `_row` column holds those global row numbers.
FrameMaker = Callable[[int, int], pd.DataFrame]


class Writer:
    """Writes DataFrames as Salesforce-layout CSV files through DuckDB, one object per call."""

    def __init__(self, out: Path, part_rows: int):
        self.out = out
        self.part_rows = part_rows
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'; SET preserve_insertion_order = true; SET enable_progress_bar = false")
        self.counts: dict[str, int] = {}

    def write(self, name: str, frame: pd.DataFrame, select: str) -> None:
        """Write `SELECT {select} FROM frame` to NAME.csv, or NAME_1.csv, NAME_2.csv ... when large."""
        self.write_chunked(name, len(frame), select, lambda _lo, _hi: frame)

    def write_chunked(self, name: str, total: int, select: str, make: FrameMaker, chunk_rows: int | None = None) -> None:
        """Like `write`, for `total` rows built `chunk_rows` at a time by `make(lo, hi)`.

        Only one chunk's frame is alive at a time. The bytes equal those of one `write` of all rows:
        each chunk is copied without a header and appended to its part file.
        """
        parts = max(1, -(-total // self.part_rows))
        for p in range(parts):
            file = self.out / (f"{name}.csv" if parts == 1 else f"{name}_{p + 1}.csv")
            for k, (lo, hi) in enumerate(self._pieces(p, total, chunk_rows)):
                self.con.register("frame", make(lo, hi))
                target = file if k == 0 else file.with_name(file.name + ".chunk")
                self.con.execute(
                    f"COPY (SELECT {select} FROM frame WHERE _row >= {lo} AND _row < {hi} ORDER BY _row) "
                    f"TO '{target}' (HEADER {'true' if k == 0 else 'false'}, DELIMITER ',', QUOTE '\"')"
                )
                self.con.unregister("frame")
                if k > 0:
                    with open(file, "ab") as dst, open(target, "rb") as src:
                        shutil.copyfileobj(src, dst, 1 << 20)
                    target.unlink()
        self.counts[name] = total

    def _pieces(self, part: int, total: int, chunk_rows: int | None) -> Iterator[tuple[int, int]]:
        """Row ranges of one part file, at most `chunk_rows` long (always at least one, maybe empty)."""
        lo, end = part * self.part_rows, min(total, (part + 1) * self.part_rows)
        step = max(1, chunk_rows or self.part_rows)
        yield lo, min(end, lo + step)
        for start in range(lo + step, end, step):
            yield start, min(end, start + step)
