"""Keeping CRM text text: one home for escaping it into Markdown, Plotly and spreadsheet files, and for
turning an unexpected error into a plain message (details to the server's log, never to the page).

Every name in the data (accounts, opportunities, campaigns, owners, regions, stages, currencies) and every
value from a link is untrusted: it may hold Markdown (`[x](https://evil)`, `![](https://evil/pixel)`),
HTML, Plotly's pseudo-HTML (`<b>`, `<a href=...>`) or a spreadsheet formula (`=HYPERLINK(...)`).
"""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

import pandas as pd
from streamlit.logger import get_logger

LOG = get_logger("dashboard")

# CommonMark lets a backslash escape any ASCII punctuation, and the escaped character is then plain text:
# no link, image, emphasis, heading, HTML, `<autolink>`, Streamlit directive (`:red[...]`, `:material/...:`)
# or math (`$...$`) can start from an escaped character.
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# GFM's bare-URL links (https://..., www...., name@host) are found in the text after escapes are resolved
# (seen in Chromium), so escaping cannot stop them: an invisible word joiner breaks each pattern instead.
_WORD_JOINER = "\u2060"
_BARE_LINK = re.compile(r"(?i)(https?|www)(?=[:.])|(?=@)")
_LONGEST_BACKTICKS = re.compile(r"`+")


def md(value: object) -> str:
    """CRM or link text as Markdown that shows exactly that text (line breaks become spaces; an invisible
    word joiner after `http`, `www` and before `@` keeps bare URLs and e-mail addresses from becoming links)."""
    text = " ".join(str(value).splitlines())
    text = _BARE_LINK.sub(lambda m: (m.group(1) or "") + _WORD_JOINER, text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def code(value: object) -> str:
    """Text as an inline code span (shown verbatim, never parsed), whatever backticks it holds."""
    text = " ".join(str(value).splitlines())
    runs = [len(r) for r in _LONGEST_BACKTICKS.findall(text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def shorten(value: object, limit: int = 80) -> str:
    """Text cut to `limit` characters with its full length noted (for echoing link values)."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def plot_text(value: object) -> object:
    """Text for a Plotly trace, axis, legend or hover label: its pseudo-HTML (<b>, <a href>, <br>) shown as text.

    Plotly turns `&lt;` back into `<` when it draws, so the label reads as the CRM wrote it."""
    if not isinstance(value, str):
        return value
    return html.escape(value, quote=False)


def plot_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are safe for Plotly."""
    out = frame.rename(columns=lambda c: plot_text(c))
    for col in out.columns:
        if _is_text(out[col]):
            out[col] = out[col].map(plot_text, na_action="ignore")
    return out


# OWASP "CSV Injection": a cell starting with one of these is a formula in Excel, LibreOffice or Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*)?(\.\d+)?([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with a single quote (OWASP).

    Numbers are not text and stay as they are; text that is only a number ("-12.5") is kept too, since a
    spreadsheet reads it as that number and nothing else."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _PLAIN_NUMBER.fullmatch(value) and any(ch.isdigit() for ch in value):
        return value
    return "'" + value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` safe to open in a spreadsheet: text cells and column names neutralised, numbers untouched."""
    out = frame.rename(columns=neutralise)
    for col in out.columns:
        if _is_text(out[col]):
            out[col] = out[col].map(neutralise, na_action="ignore")
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as a UTF-8 CSV file with no live spreadsheet formula in it."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8")


def _is_text(series: pd.Series) -> bool:
    """Whether a column may hold text (object, string or categorical), i.e. is not numeric, boolean or a date."""
    dtype = series.dtype
    return not (
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
        or isinstance(dtype, pd.PeriodDtype)
    )


def log_error(what: str, exc: BaseException) -> str:
    """Write the error with its traceback to the server's log; return a short reference to quote to the user."""
    ref = uuid.uuid4().hex[:8]
    LOG.error("%s (reference %s)", what, ref, exc_info=exc)
    return ref
