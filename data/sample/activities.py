"""Activities: the Task and Event files.

Tasks per MQL: the automated acknowledgement, the rep's first follow-up (see `followup`) and a few
more touches; events: a discovery meeting on most deals, with the deal's primary contact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.sample.company import DAY
from data.sample.context import Context
from data.sample.followup import FollowUp
from data.sample.leads import Leads
from data.sample.opportunities import Opportunities
from data.sample.users import AUTOMATION_USER
from data.sample.writer import dt, frame, nullable, sfid, ts

TASK_SELECT = (
    f"{sfid('task', 'i')} AS Id, CASE WHEN after THEN {sfid('contact', 'contact')} "
    f"WHEN short THEN {sfid('lead', 'lead', short=True)} ELSE {sfid('lead', 'lead')} END AS WhoId, "
    f"NULL AS WhatId, {sfid('user', 'owner')} AS OwnerId, "
    "CASE WHEN kind = 0 THEN '[Auto] Thanks for your request' WHEN call THEN 'Call' "
    "ELSE 'Follow-up email' END AS Subject, "
    "CASE WHEN kind = 0 THEN 'Email' WHEN call THEN 'Call' ELSE 'Email' END AS Type, "
    "CASE WHEN kind = 0 THEN 'ListEmail' WHEN call THEN 'Call' ELSE 'Email' END AS TaskSubtype, "
    f"{ts('t')} AS CreatedDate, {ts('t')} AS CompletedDateTime, {dt('t')} AS ActivityDate, 'Completed' AS Status, "
    "'false' AS IsDeleted"
)
EVENT_SELECT = (
    f"{sfid('event', 'i')} AS Id, {sfid('contact', 'contact')} AS WhoId, {sfid('opp', 'opp')} AS WhatId, "
    f"{sfid('user', 'owner')} AS OwnerId, 'Discovery meeting' AS Subject, 'Meeting' AS Type, "
    f"{ts('t')} AS StartDateTime, {ts('t - 86400')} AS CreatedDate, 'false' AS IsDeleted"
)


def write_activities(ctx: Context, leads: Leads, fu: FollowUp, opps: Opportunities, lead_contact: np.ndarray) -> None:
    """Write Task and Event. `lead_contact` is each lead's contact number (-1 when not converted)."""
    rng = ctx.rng
    assert leads.mql_at is not None
    mi = fu.mql_ix
    auto_t = leads.mql_at[mi] + rng.integers(20, 120, len(mi))  # the acknowledgement goes out within minutes
    touched = fu.first_touch_at >= 0
    ft_ix, ft_t = mi[touched], fu.first_touch_at[touched]
    more = rng.integers(0, 4, len(ft_ix))
    more_lead = np.repeat(ft_ix, more)
    more_t = np.repeat(ft_t, more) + (rng.exponential(2.5, int(more.sum())) * DAY).astype(np.int64) + 3600
    act_lead = np.r_[mi, ft_ix, more_lead]
    act_t = np.r_[auto_t, ft_t, more_t]
    act_kind = np.r_[np.zeros(len(mi), int), np.ones(len(ft_ix), int), np.full(len(more_lead), 2)]
    keep = act_t <= ctx.t_end
    act_lead, act_t, act_kind = act_lead[keep], act_t[keep], act_kind[keep]
    is_call = rng.random(len(act_lead)) < 0.55
    act_owner = np.where(act_kind == 0, AUTOMATION_USER, leads.owner[act_lead])
    act_contact = lead_contact[act_lead]
    # converted people are reached as contacts after conversion (contact k was created with deal k)
    after_conv = (act_contact >= 0) & (act_t > opps.created[np.maximum(act_contact, 0)])
    short_id = rng.random(len(act_lead)) < 0.05  # some integrations write 15-character Ids

    def make(lo: int, hi: int) -> pd.DataFrame:
        s = slice(lo, hi)
        return frame(
            lo,
            i=np.arange(lo, hi),
            lead=act_lead[s],
            contact=act_contact[s],
            after=after_conv[s],
            short=short_id[s],
            owner=act_owner[s],
            kind=act_kind[s],
            call=is_call[s],
            t=act_t[s],
        )

    ctx.writer.write_chunked("Task", len(act_lead), TASK_SELECT, make, ctx.scale.chunk_rows)
    n_events = _write_events(ctx, opps)
    ctx.say(f"activities: {len(act_lead):,} tasks, {n_events:,} events")


def _write_events(ctx: Context, opps: Opportunities) -> int:
    """Write Event: a meeting on 60% of deals, early in the deal, with the converted contact if any."""
    rng = ctx.rng
    ev_opp = np.flatnonzero(rng.random(len(opps)) < 0.6)
    ev_span = np.minimum(opps.close_at[ev_opp], ctx.t_end) - opps.created[ev_opp]
    ev_t = opps.created[ev_opp] + (rng.uniform(0.1, 0.6, len(ev_opp)) * ev_span).astype(np.int64)
    ev_contact = np.where(ev_opp < opps.n_mk, ev_opp, -1)  # deal k < n_mk came from contact k
    ctx.writer.write(
        "Event",
        frame(i=np.arange(len(ev_opp)), opp=ev_opp, owner=opps.owner[ev_opp], t=ev_t, contact=nullable(ev_contact)),
        EVENT_SELECT,
    )
    return len(ev_opp)
