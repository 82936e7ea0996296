"""Campaigns: three always-on hand-raise forms, and one campaign per channel and month."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.sample.company import CHANNELS, DAY, HAND_RAISE
from data.sample.context import Context, add_months, epoch
from data.sample.writer import dt, frame, sfid


@dataclass
class Campaigns:
    """The campaign calendar; campaign number k is rows[k]."""

    rows: list[tuple[str, str, int, int, str | None]]  # (name, type, start epoch, end epoch, channel key or None)
    month_camp: np.ndarray  # [channel index, month index] -> campaign number

    def __len__(self) -> int:
        return len(self.rows)


def plan_campaigns(ctx: Context) -> Campaigns:
    """The campaign calendar (no draws); written later by `write_campaigns`, once touches give the costs."""
    rows: list[tuple[str, str, int, int, str | None]] = []
    for ht, name, _ in HAND_RAISE:  # hand-raise forms: numbers 0, 1, 2, open over the whole history and beyond
        rows.append((name, ht, ctx.t_start - 365 * DAY, ctx.t_end + 365 * DAY, None))
    month_camp = np.zeros((len(CHANNELS), ctx.n_months), dtype=np.int64)
    for ci, ck in enumerate(CHANNELS):
        ctype = CHANNELS[ck][0]
        for m in range(ctx.n_months):
            ms = add_months(ctx.hist_start, m)
            month_camp[ci, m] = len(rows)
            rows.append((f"{ck} {ms:%Y-%m}", ctype, epoch(ms), epoch(add_months(ms, 1)) - DAY, ck))
    return Campaigns(rows, month_camp)


def write_campaigns(ctx: Context, camps: Campaigns, camp_touches: np.ndarray, eur_now: float) -> None:
    """Write Campaign, with costs from the touches each campaign made (`camp_touches`) at the channel's unit cost.

    The cost is scattered +-30% around that, and every fifth campaign is run (and paid) by EMEA in EUR.
    """
    n_camp = len(camps)
    unit = np.array([CHANNELS[c[4]][4] if c[4] else 3.0 for c in camps.rows])
    actual = np.round(camp_touches * unit * ctx.rng.uniform(0.7, 1.3, n_camp), 2)
    camp_cur = np.where(np.arange(n_camp) % 5 == 4, "EUR", "USD").astype(object)
    actual = np.where(camp_cur == "EUR", np.round(actual * eur_now, 2), actual)
    rows = camps.rows
    cf = frame(
        i=np.arange(n_camp),
        name=np.array([c[0] for c in rows], dtype=object),
        typ=np.array([c[1] for c in rows], dtype=object),
        start_t=np.array([c[2] for c in rows]),
        end_t=np.array([c[3] for c in rows]),
        actual=actual,
        budget=np.round(actual * 1.1, -2),
        cur=camp_cur,
    )
    ctx.writer.write(
        "Campaign",
        cf,
        f"{sfid('campaign', 'i')} AS Id, name AS Name, typ AS Type, "
        f"CASE WHEN end_t < {ctx.t_end} THEN 'Completed' ELSE 'In Progress' END AS Status, "
        f"{dt('start_t')} AS StartDate, {dt('end_t')} AS EndDate, printf('%.2f', budget) AS BudgetedCost, "
        "printf('%.2f', actual) AS ActualCost, cur AS CurrencyIsoCode, 'true' AS IsActive, 'false' AS IsDeleted",
    )
