"""One HubSpot file being converted: its fields by position, typed reads that refuse bad values by name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from data.config import Definitions
from data.ingest.hubspot.detect import field_positions
from data.ingest.hubspot.table import Sheet
from data.ingest.hubspot.values import local_date, parse_datetime, parse_number, parse_probability, split_ids, utc_text
from data.ingest.read import Problem

T = TypeVar("T")


@dataclass
class Source:
    """A sheet of one object with its columns resolved; `problems` collects every value refused."""

    sheet: Sheet
    obj: str
    defs: Definitions
    cols: dict[str, list[int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cols = field_positions(self.defs.hubspot, self.obj, self.sheet.header)
        # UI exports (display labels) write the portal's local time; internal-name copies write UTC.
        internal = all(h == h.lower() and " " not in h for h in self.sheet.header)
        self.zone = self.defs.hubspot.internal_time_zone if internal else self.defs.hubspot.portal_time_zone

    def has(self, name: str) -> bool:
        """True when the file has a column for the field."""
        return name in self.cols

    def header_of(self, name: str) -> str:
        """The column label the field was read from (for messages)."""
        return self.sheet.header[self.cols[name][0]] if name in self.cols else name

    def text(self, row: list[str], name: str) -> str:
        """The field's first non-empty value in the row ('' when none)."""
        for i in self.cols.get(name, []):
            if row[i].strip():
                return row[i].strip()
        return ""

    def all_ids(self, row: list[str], name: str) -> list[str]:
        """Every `;`-joined value of every column of the field (a repeated association header)."""
        return list(dict.fromkeys(v for i in self.cols.get(name, []) for v in split_ids(row[i])))

    def typed(self, row: list[str], record: int, name: str, parse: Callable[[str], T], expected: str) -> T | None:
        """The field parsed, or None (empty or refused: the refusal names file, record, column, value)."""
        value = self.text(row, name)
        if not value:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.problems.append(
                Problem(
                    self.sheet.name,
                    f"{exc}",
                    f"Fix the value, or export again; {expected}",
                    record=record,
                    column=self.header_of(name),
                    value=value,
                )
            )
            return None

    def moment(self, row: list[str], record: int, name: str) -> dt.datetime | None:
        """A date-time field in UTC."""
        hs = self.defs.hubspot
        return self.typed(
            row,
            record,
            name,
            lambda v: parse_datetime(v, self.zone, hs.slash_date_order),
            "date-times read like 2025-04-08 17:19",
        )

    def timestamp(self, row: list[str], record: int, name: str) -> str:
        """A date-time field as canonical UTC text ('' when empty)."""
        m = self.moment(row, record, name)
        return utc_text(m) if m else ""

    def date(self, row: list[str], record: int, name: str) -> str:
        """A date field (HubSpot writes dates as midnight date-times) as YYYY-MM-DD in the portal's zone."""
        m = self.moment(row, record, name)
        return local_date(m, self.zone) if m else ""

    def number(self, row: list[str], record: int, name: str) -> str:
        """A number field as exact decimal text ('' when empty)."""
        return self.typed(row, record, name, parse_number, "numbers read like 130000.0") or ""

    def probability(self, row: list[str], record: int, name: str) -> str:
        """A 0-1 probability as the canonical 0-100."""
        return self.typed(row, record, name, parse_probability, "probabilities read 0 to 1, like 0.4") or ""

    def is_deleted(self, row: list[str]) -> bool:
        """Fivetran's soft-delete flag."""
        return self.text(row, "is_deleted").lower() in ("true", "1")
