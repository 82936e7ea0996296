"""How numbers read on every page and in every export: one rule each, no Streamlit needed."""

from __future__ import annotations

import pandas as pd


def is_missing(value: object) -> bool:
    """None or NaN/NA."""
    return value is None or bool(pd.isna(value))


def fmt_money_short(amount: object, currency: str) -> str:
    """Money for a tile: 'USD 36.7k', 'USD 1.25M'; under 10,000 in full. Tables keep every cent."""
    if is_missing(amount):
        return "–"
    value = float(amount) + 0.0  # type: ignore[arg-type]  # -0.0 (a negated zero) becomes 0: never 'USD -0'
    if abs(value) >= 1_000_000:
        return f"{currency} {value / 1_000_000:.2f}M"
    if abs(value) >= 10_000:
        return f"{currency} {value / 1_000:.1f}k"
    return f"{currency} {value:,.0f}" if abs(value) >= 100 or value == 0 else f"{currency} {value:,.2f}"


def fmt_delta(kind: str, change: object, currency: str = "") -> str | None:
    """A change, sign first so that the arrow and its colour follow it: money '-USD 1.37M', shares
    '+2.5 pts' (percentage points, never %), ratios '+0.25x', counts '+12'. None when there is no change to show."""
    if is_missing(change) or float(change) == 0:  # type: ignore[arg-type]
        return None
    value = float(change)  # type: ignore[arg-type]
    sign = "+" if value > 0 else "-"
    if kind == "money":
        return sign + fmt_money_short(abs(value), currency)
    if kind == "share":
        return f"{sign}{abs(value) * 100:.1f} pts"
    if kind == "ratio":
        return f"{sign}{abs(value):.2f}x"
    return f"{sign}{abs(value):,.0f}"
