"""Quotas: each rep's quarter, set near what the rep has been booking (so attainment is believable)."""

from __future__ import annotations

import numpy as np

from data.sample.company import DAY
from data.sample.context import Context, add_months, epoch
from data.sample.opportunities import Opportunities
from data.sample.users import Team
from data.sample.writer import dt, frame, sfid

QUOTA_FLOOR_USD = 20_000  # even a rep who has won nothing carries a quota
GROWTH_PER_QUARTER = 0.03


def write_quotas(ctx: Context, team: Team, opps: Opportunities) -> None:
    """Write ForecastingQuota for six past quarters, the current and the next, growing 3% a quarter."""
    q_starts = [add_months(ctx.hist_start, 3 * k) for k in range(8)]
    won_usd = np.where(opps.closed & opps.won, opps.usd_amount, 0)
    n_reps = len(team.rep_ids)
    rep_won = np.bincount(opps.rep_ix, weights=won_usd, minlength=n_reps)
    quarters_seen = max(1.0, (ctx.t_end - ctx.t_start) / (91 * DAY))
    base = np.maximum(rep_won / quarters_seen, QUOTA_FLOOR_USD) * ctx.rng.uniform(1.0, 1.25, n_reps)
    rows = []
    for qi, qs in enumerate(q_starts):
        growth = 1 + GROWTH_PER_QUARTER * qi
        for ri in range(n_reps):
            rows.append((team.rep_ids[ri], epoch(qs), round(base[ri] * growth / 1000) * 1000))
    qf = frame(
        i=np.arange(len(rows)),
        owner=np.array([r[0] for r in rows]),
        start=np.array([r[1] for r in rows]),
        amount=np.array([r[2] for r in rows], dtype=float),
    )
    ctx.writer.write(
        "ForecastingQuota",
        qf,
        f"{sfid('quota', 'i')} AS Id, {sfid('user', 'owner')} AS QuotaOwnerId, {dt('start')} AS StartDate, "
        "printf('%.2f', amount) AS QuotaAmount, 'USD' AS CurrencyIsoCode",
    )
