"""Comparing a metric's result on DuckDB with its result on Spark, value by value (used by test_spark_equality)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd


def _norm(v: Any) -> Any:
    """One cell in a form both engines agree on: None for every missing value, Decimal for money, Timestamp for dates."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, np.ndarray | list | tuple):
        return tuple(_norm(x) for x in v)
    return _scalar(v)


def _scalar(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.bool_ | bool):
        return bool(v)
    if isinstance(v, np.integer | int):
        return int(v)
    if isinstance(v, Decimal):
        return v
    if isinstance(v, pd.Timestamp | dt.datetime):
        return pd.Timestamp(v).tz_localize(None) if pd.Timestamp(v).tzinfo else pd.Timestamp(v)
    if isinstance(v, dt.date):
        return pd.Timestamp(v)
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def _key(v: Any) -> tuple:
    """A sort key that ties values equal within the comparison's tolerance."""
    if v is None:
        return (0, "")
    if isinstance(v, bool):
        return (1, int(v))
    if isinstance(v, int | float | Decimal):
        return (2, round(float(v), 4))
    if isinstance(v, pd.Timestamp):
        return (3, v.isoformat())
    return (4, str(v))


def rows(frame: pd.DataFrame) -> list[tuple]:
    """The frame's rows, normalised and sorted (the engines do not promise an order for ties)."""
    out = [tuple(_norm(v) for v in row) for row in frame.itertuples(index=False, name=None)]
    return sorted(out, key=lambda r: tuple(_key(v) for v in r))


def same(a: Any, b: Any) -> bool:
    """Equal cells: money (Decimal) to the cent, other numbers to 1e-9 relative, the rest exactly."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (
            isinstance(a, Decimal | int | float)
            and isinstance(b, Decimal | int | float)
            and round(Decimal(str(a)), 2) == round(Decimal(str(b)), 2)
            and abs(float(a) - float(b)) < 0.005
        )
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def differences(duck: pd.DataFrame, spark: pd.DataFrame, limit: int = 5) -> list[str]:
    """What differs between the two results (empty when they are the same)."""
    out = []
    dcols = [c.lower() for c in duck.columns]
    scols = [c.lower() for c in spark.columns]
    if dcols != scols:
        return [f"columns differ: duckdb {dcols} vs spark {scols}"]
    d, s = rows(duck), rows(spark)
    if len(d) != len(s):
        out.append(f"{len(d)} rows on duckdb, {len(s)} on spark")
    for i, (a, b) in enumerate(zip(d, s, strict=False)):
        bad = [(c, x, y) for c, x, y in zip(dcols, a, b, strict=True) if not same(x, y)]
        if bad:
            out.append(f"row {i}: " + "; ".join(f"{c}: duckdb {x!r} vs spark {y!r}" for c, x, y in bad))
            if len(out) >= limit:
                break
    return out
