"""What every builder shares: the random stream, the dates, the scale and the writer."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from data.config import Definitions
from data.sample.company import DAY, Scale
from data.sample.writer import Writer


def fiscal_quarter_start(d: date, fy_start_month: int) -> date:
    """First day of the fiscal quarter containing `d`."""
    months_in = (d.month - fy_start_month) % 3
    m = d.month - months_in
    y = d.year
    if m < 1:
        m += 12
        y -= 1
    return date(y, m, 1)


def add_months(d: date, n: int) -> date:
    """First day of the month `n` months after the month of `d`."""
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


def epoch(d: date) -> int:
    """Seconds since 1970 at the start of day `d` (UTC)."""
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


@dataclass
class Context:
    """The shared state of one generation run.

    There is a single random stream, and builders draw from it in a fixed order: that order is what
    makes the output byte-identical for the same seed, so builders must run in the order `generate`
    calls them and must not add, drop or reorder draws.
    """

    rng: np.random.Generator
    scale: Scale
    defs: Definitions
    as_of: date
    writer: Writer
    quiet: bool = False
    t0: float = field(default_factory=time.monotonic)

    @classmethod
    def create(cls, out_dir: str | Path, scale: Scale, defs: Definitions, as_of: date, seed: int, quiet: bool) -> Context:
        """A context writing into `out_dir` (created if missing)."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        return cls(np.random.default_rng(seed), scale, defs, as_of, Writer(out, scale.part_rows), quiet)

    @property
    def q_start(self) -> date:
        """First day of the current fiscal quarter."""
        return fiscal_quarter_start(self.as_of, self.defs.company.fiscal_year_start_month)

    @property
    def hist_start(self) -> date:
        """First day of the history: six full past quarters before the current one."""
        return add_months(self.q_start, -18)

    @property
    def t_start(self) -> int:
        """Epoch seconds at the start of the history."""
        return epoch(self.hist_start)

    @property
    def t_end(self) -> int:
        """Epoch seconds at the last second of the as-of day (the data runs through that day)."""
        return epoch(self.as_of) + DAY - 1

    @property
    def n_months(self) -> int:
        """Calendar months from the history start through the as-of month, both included."""
        return (self.as_of.year - self.hist_start.year) * 12 + self.as_of.month - self.hist_start.month + 1

    def say(self, msg: str) -> None:
        """Progress on stderr, with the seconds since the start (unless quiet)."""
        if not self.quiet:
            print(f"[{time.monotonic() - self.t0:6.1f}s] {msg}", file=sys.stderr, flush=True)
