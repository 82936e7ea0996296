"""Read one HubSpot export file (CSV, or the first sheet of an .xlsx) into a header and rows of text.

Columns are kept by position, never by name: the UI export may repeat an association header
(`Associated Company` twice), and a dict keyed by header would silently drop one of them. A CSV is
read as UTF-8 with or without a byte-order mark, with CRLF or LF endings and minimal quoting (what
a spreadsheet writes when it re-saves the file).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from data.ingest.read import IngestError, Problem


@dataclass(frozen=True)
class Sheet:
    """One export file as text: its display name, header (by position) and data rows."""

    name: str
    header: list[str]
    rows: list[list[str]]


def read_sheet(path: Path, display: str) -> Sheet:
    """The file's header and rows; raises IngestError naming the file (and row) when it cannot be read."""
    if path.suffix.lower() == ".xlsx":
        header, rows = _read_xlsx(path, display)
    else:
        header, rows = _read_csv(path, display)
    header = [h.replace("\ufeff", "").strip() for h in header]
    if not header or not any(header):
        raise IngestError([Problem(display, "the file is empty (no header row)", "Export the object again from HubSpot")])
    for i, row in enumerate(rows, start=1):
        if len(row) != len(header) and any(v.strip() for v in row):
            raise IngestError(
                [
                    Problem(
                        display,
                        f"the record has {len(row)} values but the header has {len(header)} columns",
                        "Export the file again, or re-save it from the spreadsheet as CSV UTF-8",
                        record=i,
                        value=",".join(row)[:80],
                    )
                ]
            )
    return Sheet(display, header, [r for r in rows if any(v.strip() for v in r)])


def _read_csv(path: Path, display: str) -> tuple[list[str], list[list[str]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            table = list(csv.reader(fh))
    except UnicodeDecodeError as exc:
        raise IngestError(
            [
                Problem(
                    display,
                    f"the file is not UTF-8 text (byte {exc.start})",
                    "HubSpot exports UTF-8; re-save the file as 'CSV UTF-8' or give --encoding",
                )
            ]
        ) from None
    except csv.Error as exc:
        raise IngestError([Problem(display, f"the file is not a readable CSV ({exc})", "Export the file again")]) from None
    return (table[0], table[1:]) if table else ([], [])


def _cell(value: object) -> str:
    """An .xlsx cell as the text the CSV export would have held."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, display: str) -> tuple[list[str], list[list[str]]]:
    import openpyxl  # only needed for .xlsx exports

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise IngestError(
            [Problem(display, f"the .xlsx file cannot be opened ({type(exc).__name__})", "Export the file again")]
        ) from None
    try:
        rows = [[_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows:
        return [], []
    width = len(rows[0])
    while width and rows[0][width - 1] == "":
        width -= 1
    return rows[0][:width], [(r + [""] * width)[:width] for r in rows[1:]]
