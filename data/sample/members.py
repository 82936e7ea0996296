"""Campaign members: every lead's journey of touches, the hand-raise that makes it an MQL, and the file.

This is the biggest object (about ten touches per lead), so at large scale the touches are drawn
one chunk of leads at a time and kept only in compact columns; the file is written in chunks too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.sample.campaigns import Campaigns
from data.sample.company import CHANNELS, DAY, HAND_RAISE
from data.sample.context import Context
from data.sample.leads import Leads
from data.sample.writer import b, dt, frame, nullable, sfid, ts

CHAN_P = np.array([c[1] for c in CHANNELS.values()])
RESPONSE_RATE = np.array([c[2] for c in CHANNELS.values()])
# lead source by first touch: the channel's, "Web" for a hand-raise first, "Outbound" for none at all
SOURCES = np.array([c[3] for c in CHANNELS.values()] + ["Web", "Outbound"], dtype=object)
HAND_RAISERS = ["VP Engineering", "Chief Technology Officer", "Head of Data", "Director of IT", "Engineering Manager"]


@dataclass
class Touches:
    """One entry per campaign member, ordered by lead then time; compact types keep large scale in memory."""

    lead: np.ndarray  # int32 lead number
    time: np.ndarray  # int64 epoch seconds
    campaign: np.ndarray  # int16 campaign number
    responded: np.ndarray
    hand_raise: np.ndarray

    def __len__(self) -> int:
        return len(self.lead)

    def campaign_counts(self, n_campaigns: int) -> np.ndarray:
        """How many touches each campaign made (its cost follows from that)."""
        return np.bincount(self.campaign, minlength=n_campaigns)


def draw_touches(ctx: Context, leads: Leads, camps: Campaigns) -> Touches:
    """Draw every lead's touches; fill in `leads.source`, `leads.mql_at` and `leads.mql_campaign`.

    Leads go in chunks of `scale.chunk_leads`. With one chunk (small, medium) the draws are those of
    the original single pass, so those scales keep their bytes; more chunks draw in another order.
    """
    nl = len(leads)
    leads.mql_at = np.full(nl, -1, dtype=np.int64)
    leads.mql_campaign = np.full(nl, -1, dtype=np.int64)
    leads.source = np.empty(nl, dtype=object)
    step = ctx.scale.chunk_leads or nl
    chunks = [_draw_chunk(ctx, leads, camps, lo, min(nl, lo + step)) for lo in range(0, nl, step)]
    # concatenate column by column, dropping each column's chunks as soon as it is joined (peak memory)
    cols = {}
    for name in ("lead", "time", "campaign", "responded", "hand_raise"):
        cols[name] = np.concatenate([getattr(c, name) for c in chunks])
        for c in chunks:
            setattr(c, name, None)
    touches = Touches(**cols)
    ctx.say(f"leads: {nl:,}, touches: {len(touches):,}, MQLs: {int((leads.mql_at >= 0).sum()):,}")
    return touches


def _draw_chunk(ctx: Context, leads: Leads, camps: Campaigns, lo: int, hi: int) -> Touches:
    """The touches of leads lo..hi-1 (kept only up to the as-of date), and those leads' MQL facts."""
    rng, n = ctx.rng, hi - lo
    n_t = 1 + rng.poisson(ctx.scale.touches_per_lead - 1, n)
    total = int(n_t.sum())
    first = np.cumsum(n_t) - n_t  # each lead's first touch
    t_lead = np.repeat(np.arange(lo, hi), n_t)
    order = np.arange(total) - np.repeat(first, n_t)
    gaps = np.where(order == 0, 0, rng.exponential(18 * DAY, total)).astype(np.int64)
    csum = np.cumsum(gaps)
    t_time = leads.created[t_lead] + csum - np.repeat(csum[first], n_t)
    # a sales-sourced lead's first marketing touch comes days after sales created it
    t_time = t_time + np.where(leads.sales_sourced[t_lead] & (order == 0), rng.integers(2, 40, total) * DAY, 0)
    t_chan = rng.choice(len(CHANNELS), total, p=CHAN_P / CHAN_P.sum())
    # hand-raises: which leads become MQLs, and on which touch
    title = leads.title[lo:hi]
    persona_boost = np.isin(title, HAND_RAISERS) * 0.08
    is_mql_lead = rng.random(n) < (0.12 + persona_boost) * np.where(title == "Student", 0.2, 1.0)
    first_touch_hr = rng.random(n) < 0.5
    hr_order = np.where(first_touch_hr, 0, (rng.random(n) * n_t).astype(np.int64))
    is_hr = is_mql_lead[t_lead - lo] & (order == hr_order[t_lead - lo])
    hr_choice = rng.choice(len(HAND_RAISE), total, p=[h[2] for h in HAND_RAISE])
    month_ix = np.clip(((t_time - ctx.t_start) // DAY * 12 // 365).astype(np.int64), 0, ctx.n_months - 1)
    t_campaign = np.where(is_hr, hr_choice, camps.month_camp[t_chan, month_ix])
    t_responded = is_hr | (rng.random(total) < RESPONSE_RATE[t_chan])
    keep = t_time <= ctx.t_end
    t_lead, t_time, t_campaign, t_responded, is_hr, t_chan = (
        t_lead[keep],
        t_time[keep],
        t_campaign[keep],
        t_responded[keep],
        is_hr[keep],
        t_chan[keep],
    )
    _mql_facts(leads, lo, hi, t_lead, t_time, t_campaign, is_hr, t_chan)
    return Touches(t_lead.astype(np.int32), t_time, t_campaign.astype(np.int16), t_responded, is_hr)


def _mql_facts(
    leads: Leads,
    lo: int,
    hi: int,
    t_lead: np.ndarray,
    t_time: np.ndarray,
    t_campaign: np.ndarray,
    is_hr: np.ndarray,
    t_chan: np.ndarray,
) -> None:
    """Per lead lo..hi-1: the MQL moment and campaign (the hand-raise, if before the as-of date), and the source."""
    assert leads.mql_at is not None and leads.mql_campaign is not None and leads.source is not None
    leads.mql_at[t_lead[is_hr]] = t_time[is_hr]
    leads.mql_campaign[t_lead[is_hr]] = t_campaign[is_hr]
    first_chan = np.full(hi - lo, -1)  # -1: no touch before the as-of date, -2: a hand-raise came first
    first_mask = np.r_[True, t_lead[1:] != t_lead[:-1]] if len(t_lead) else np.zeros(0, bool)
    first_chan[t_lead[first_mask] - lo] = np.where(is_hr[first_mask], -2, t_chan[first_mask])
    leads.source[lo:hi] = np.where(
        leads.sales_sourced[lo:hi], "Outbound", SOURCES[np.where(first_chan == -2, len(CHANNELS), first_chan)]
    )


MEMBER_SELECT = (
    f"{sfid('member', 'i')} AS Id, {sfid('campaign', 'campaign')} AS CampaignId, {sfid('lead', 'lead')} AS LeadId, "
    f"{sfid('contact', 'contact')} AS ContactId, status AS Status, {b('responded')} AS HasResponded, "
    f"{ts('created')} AS CreatedDate, CASE WHEN responded THEN {dt('created')} END AS FirstRespondedDate"
)


def write_members(ctx: Context, touches: Touches, lead_contact: np.ndarray) -> None:
    """Write CampaignMember; a converted lead's touches also name its contact (`lead_contact`, -1 for none)."""

    def make(lo: int, hi: int) -> pd.DataFrame:
        lead = touches.lead[lo:hi].astype(np.int64)
        responded, hand_raise = touches.responded[lo:hi], touches.hand_raise[lo:hi]
        status = np.where(hand_raise, "Responded", np.where(responded, "Responded", "Sent"))
        return frame(
            lo,
            i=np.arange(lo, hi),
            campaign=touches.campaign[lo:hi].astype(np.int64),
            lead=lead,
            contact=nullable(lead_contact[lead]),
            status=status.astype(object),
            responded=responded,
            created=touches.time[lo:hi],
        )

    ctx.writer.write_chunked("CampaignMember", len(touches), MEMBER_SELECT, make, ctx.scale.chunk_rows)
    ctx.say(f"campaign members: {len(touches):,}")
