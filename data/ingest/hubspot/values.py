"""HubSpot values into canonical text: date-times to UTC, numbers as exact decimals, owners to users.

Each parser raises ValueError with what was expected, so that the caller can refuse the value
naming its file, record and column.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")
_EPOCH_MS = re.compile(r"^\d{12,13}$")
_DEACTIVATED = re.compile(r"^(.*?)\s*\(Deactivated User\)\s*$", re.IGNORECASE)
_NAME_EMAIL = re.compile(r"^(.*?)\s*\(([^()\s]+@[^()\s]+)\)\s*$")


def _offset(text: str) -> dt.timezone:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _slash(m: re.Match[str], order: str) -> dt.datetime:
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    month, day = (a, b) if order == "MDY" else (b, a)
    hour = int(m[4] or 0)
    if m[7]:
        if hour > 12:
            raise ValueError("an hour above 12 with AM/PM")
        hour = hour % 12 + (12 if m[7].lower() == "pm" else 0)
    return dt.datetime(year + (2000 if year < 100 else 0), month, day, hour, int(m[5] or 0), int(m[6] or 0))


def parse_datetime(text: str, zone: str, slash_order: str = "MDY") -> dt.datetime:
    """A HubSpot date-time (`2025-04-08 17:19`, `4/8/2025 17:19`, ISO with offset, epoch ms) in UTC."""
    value = text.strip()
    try:
        if m := _ISO.match(value):
            naive = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0))
            tz: dt.tzinfo = (dt.UTC if m[7] == "Z" else _offset(m[7])) if m[7] else zoneinfo.ZoneInfo(zone)
        elif m := _SLASH.match(value):
            naive, tz = _slash(m, slash_order), zoneinfo.ZoneInfo(zone)
        elif _EPOCH_MS.match(value):
            return dt.datetime.fromtimestamp(int(value) / 1000, dt.UTC)
        else:
            raise ValueError("not a date-time such as 2025-04-08 17:19")
    except ValueError as exc:
        if "date-time" in str(exc):
            raise
        raise ValueError(f"not a valid date-time ({exc})") from None
    return naive.replace(tzinfo=tz).astimezone(dt.UTC)


def utc_text(moment: dt.datetime) -> str:
    """A UTC moment as the canonical layout writes it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def local_date(moment: dt.datetime, zone: str) -> str:
    """The calendar date of a UTC moment in the portal's time zone (a close date is a day, not a moment)."""
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).date().isoformat()


def parse_number(text: str) -> str:
    """`11760000.000000002` -> `11760000`; exact decimal text, rounded to 6 places (float noise removed)."""
    value = text.strip().replace(",", "") if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text.strip()) else text.strip()
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError("not a number such as 130000.0") from None
    if not number.is_finite():
        raise ValueError("not a finite number")
    rounded = number.quantize(Decimal("0.000001")).normalize()
    return format(rounded, "f")


def parse_probability(text: str) -> str:
    """HubSpot's probability 0-1 -> the canonical percentage 0-100."""
    p = Decimal(parse_number(text))
    if p < 0 or p > 1:
        raise ValueError("a deal probability is between 0 and 1")
    return format((p * 100).normalize(), "f")


@dataclass(frozen=True)
class Owner:
    """A HubSpot owner as the export names them: the Id is the name (or the email when deactivated)."""

    key: str
    name: str
    email: str
    is_active: bool

    @property
    def user_id(self) -> str:
        """The canonical user Id: the name with its spaces as underscores (`Jane_Doe`), or the email."""
        return re.sub(r"\s+", "_", self.key.strip())


def parse_owner(text: str) -> Owner | None:
    """`Jane Doe`, `Jane Doe (jane@x.com)` or `jane@x.com (Deactivated User)` -> Owner; empty -> None."""
    value = text.strip()
    if not value:
        return None
    if m := _DEACTIVATED.match(value):
        who = m[1].strip()
        return Owner(who, who, who if "@" in who else "", False)
    if m := _NAME_EMAIL.match(value):
        return Owner(m[1].strip() or m[2], m[1].strip() or m[2], m[2], True)
    return Owner(value, value, value if "@" in value else "", True)


def split_ids(text: str) -> list[str]:
    """`123;456` -> ['123', '456'] (HubSpot joins multi-values with `;`)."""
    return [v.strip() for v in text.split(";") if v.strip()]
