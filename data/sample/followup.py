"""Follow-up of MQLs: when a rep first reaches each hand-raiser, if ever.

Deals depend on it (fast follow-up converts better) and the Task file records it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.sample.company import DAY, REGIONS
from data.sample.context import Context
from data.sample.leads import Leads
from data.sample.users import Team

MEDIAN_MINUTES = np.array([REGIONS[r][2] for r in REGIONS])


@dataclass
class FollowUp:
    """Per MQL (in lead order): the lead, and when a rep first reached it."""

    mql_ix: np.ndarray  # lead numbers of the MQLs
    first_touch_at: np.ndarray  # epoch of the first human touch, -1 when ignored or not yet
    resp_min: np.ndarray  # minutes from MQL to that touch, inf when none


def follow_up(ctx: Context, team: Team, leads: Leads) -> FollowUp:
    """Each MQL's first human touch: the region's speed times the rep's, held to working hours.

    Some reps ignore a share of their MQLs, and queue-owned MQLs are never picked up.
    """
    rng = ctx.rng
    assert leads.mql_at is not None
    mql_ix = np.flatnonzero(leads.mql_at >= 0)
    mql_at = leads.mql_at[mql_ix]
    owner_pos = np.array([team.rep_pos[o] for o in leads.owner[mql_ix]])
    median_min = MEDIAN_MINUTES[leads.region_ix[mql_ix]] * team.rep_speed[owner_pos]
    delay = rng.lognormal(np.log(median_min), 1.1) * 60
    # outside the region's working hours the reply waits for the next working morning
    off = leads.offsets[mql_ix]
    local = (mql_at + off * 3600) % DAY / 3600
    local_dow = ((mql_at + off * 3600) // DAY + 3) % 7  # 1970-01-01 was a Thursday (3)
    wait_h = np.where(local < 8.5, 9 - local, np.where(local > 17.5, 24 - local + 9, 0))
    wait_h += np.where(local_dow == 5, 48, np.where(local_dow == 6, 24, 0)) * (wait_h > 0)
    delay = delay + wait_h * 3600
    ignored = (rng.random(len(mql_ix)) < team.rep_ignore[owner_pos]) | leads.queue_owned[mql_ix]
    first_touch_at = np.where(ignored, -1, mql_at + delay.astype(np.int64))
    first_touch_at = np.where(first_touch_at > ctx.t_end, -1, first_touch_at)
    resp_min = np.where(first_touch_at < 0, np.inf, (first_touch_at - mql_at) / 60)
    ctx.say(f"MQLs followed up: {int((first_touch_at >= 0).sum()):,} of {len(mql_ix):,}")
    return FollowUp(mql_ix, first_touch_at, resp_min)
