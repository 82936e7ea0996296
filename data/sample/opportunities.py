"""Opportunities, their stage history and contact roles.

Deals come from MQLs (more often when followed up fast), from nurtured leads sales picked up, and
from outbound prospecting. Deal k < n_mk came from lead conv_leads[k], whose contact is contact k.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.sample.accounts import Accounts
from data.sample.company import DAY, OPEN_STAGES, REGIONS, SEGMENT_DEAL
from data.sample.context import Context
from data.sample.followup import FollowUp
from data.sample.leads import Leads
from data.sample.rates import Rates
from data.sample.users import Team
from data.sample.writer import b, dt, frame, nullable, sfid, ts

OPEN = np.array(OPEN_STAGES, dtype=object)
WIN_RATE = np.array([REGIONS[r][3] for r in REGIONS])
STAGE_PROBABILITY = {
    "Prospecting": 10,
    "Qualification": 20,
    "Needs Analysis": 40,
    "Proposal/Price Quote": 60,
    "Negotiation/Review": 80,
    "Verbal Commit": 90,
    "Closed Won": 100,
    "Closed Lost": 0,
}
CONTACT_ROLES = np.array(["Decision Maker", "Economic Buyer", "Technical Buyer", "Influencer", "Evaluator"], dtype=object)


@dataclass
class Opportunities:
    """One entry per deal (arrays indexed by deal number); the first n_mk came from leads."""

    n_mk: int
    conv_leads: np.ndarray  # lead of deal k, for k < n_mk
    acc: np.ndarray
    owner: np.ndarray
    created: np.ndarray
    close_at: np.ndarray
    closed: np.ndarray
    won: np.ndarray  # would win; a deal is won only when also closed
    rep_ix: np.ndarray  # position of the owner in team.rep_ids (0 when not a rep)
    usd_amount: np.ndarray
    stage: np.ndarray | None = None
    progress: np.ndarray | None = None  # share of the deal's cycle elapsed at the as-of date

    def __len__(self) -> int:
        return len(self.acc)


def _convert(ctx: Context, leads: Leads, fu: FollowUp) -> tuple[np.ndarray, np.ndarray]:
    """Which leads became deals, and when: the lead numbers and the deal creation epochs."""
    rng = ctx.rng
    assert leads.mql_at is not None
    resp_min = fu.resp_min
    conv_p = np.select(
        [resp_min <= 5, resp_min <= 15, resp_min <= 60, resp_min <= 240, resp_min <= 1440, np.isfinite(resp_min)],
        [0.34, 0.29, 0.22, 0.16, 0.12, 0.08],
        0.02,
    )
    converts = rng.random(len(fu.mql_ix)) < conv_p
    nurtured = np.flatnonzero((leads.mql_at < 0) & (rng.random(len(leads)) < 0.012))  # sales picks up a nurtured lead
    conv_leads = np.r_[fu.mql_ix[converts], nurtured]
    base_time = np.r_[
        np.maximum(fu.first_touch_at[converts], leads.mql_at[fu.mql_ix][converts]), leads.created[nurtured] + 20 * DAY
    ]
    created = base_time + (rng.gamma(2.0, 3.0, len(conv_leads)) * DAY).astype(np.int64)
    ok = created < ctx.t_end
    return conv_leads[ok], created[ok]


def _quarter_end(close_at: np.ndarray, fy_start_month: int) -> np.ndarray:
    """Epoch of the last day of the fiscal quarter containing each epoch."""
    month = close_at.astype("datetime64[s]").astype("datetime64[M]")
    into_quarter = (month.astype(np.int64) % 12 - (fy_start_month - 1)) % 3
    return ((month - into_quarter + 3).astype("datetime64[D]").astype(np.int64) - 1) * DAY


def _draw_deals(ctx: Context, team: Team, accounts: Accounts, leads: Leads, fu: FollowUp) -> Opportunities:
    """Who sells what to whom, how big, and when it closes; marketing deals first, then outbound ones."""
    rng = ctx.rng
    conv_leads, m_created = _convert(ctx, leads, fu)
    n_mk, n_out = len(conv_leads), ctx.scale.outbound_opps
    out_acc = rng.choice(len(accounts), n_out, p=accounts.weight)  # outbound: sales-sourced, on accounts, no lead
    out_created = ctx.t_start + (rng.random(n_out) ** 0.85 * (ctx.t_end - ctx.t_start - DAY)).astype(np.int64)
    acc = np.r_[leads.acc[conv_leads], out_acc]
    created = np.r_[m_created, out_created]
    owner = np.r_[leads.owner[conv_leads], accounts.owner[out_acc]]
    owner = np.where(np.isin(owner, team.rep_ids), owner, accounts.owner[acc])
    seg = accounts.segment[acc]
    is_smb, is_mid = seg == "SMB", seg == "Mid-Market"
    med_amount = np.select(
        [is_smb, is_mid], [SEGMENT_DEAL["SMB"][0], SEGMENT_DEAL["Mid-Market"][0]], SEGMENT_DEAL["Enterprise"][0]
    )
    cycle = np.select([is_smb, is_mid], [SEGMENT_DEAL["SMB"][1], SEGMENT_DEAL["Mid-Market"][1]], SEGMENT_DEAL["Enterprise"][1])
    usd_amount = rng.lognormal(np.log(med_amount), 0.6)
    close_at = created + (rng.gamma(2.5, cycle / 2.5) * DAY).astype(np.int64)
    # end-of-quarter spike: many deals are pushed to the last two weeks of their quarter
    q_end = _quarter_end(close_at, ctx.defs.company.fiscal_year_start_month)
    no = len(acc)
    push = (rng.random(no) < 0.45) & (q_end - close_at < 60 * DAY) & (q_end - close_at > 14 * DAY)
    close_at = np.where(push, q_end - rng.integers(0, 14, no) * DAY + 12 * 3600, close_at)
    close_at = np.maximum(close_at, created + DAY)
    rep_ix = np.array([team.rep_pos.get(o, 0) for o in owner])
    is_mk = np.arange(no) < n_mk
    win_p = WIN_RATE[accounts.region_ix[acc]] * team.rep_skill[rep_ix] * np.where(is_mk, 1.15, 1.0)
    won = rng.random(no) < win_p
    closed = close_at <= ctx.t_end
    return Opportunities(n_mk, conv_leads, acc, owner, created, close_at, closed, won, rep_ix, usd_amount)


def _stages(ctx: Context, opps: Opportunities) -> None:
    """Set each deal's stage: closed ones won or lost; open ones by progress; 7% stalled, 1% unmapped."""
    rng, no = ctx.rng, len(opps)
    stalled = opps.closed & (rng.random(no) < 0.07)  # slipped: still open, close date pushed out
    opps.closed &= ~stalled
    opps.close_at = np.where(stalled, ctx.t_end + rng.integers(5, 75, no) * DAY, opps.close_at)
    opps.progress = np.clip((ctx.t_end - opps.created) / np.maximum(opps.close_at - opps.created, DAY), 0, 0.999)
    open_stage = OPEN[(opps.progress * len(OPEN_STAGES)).astype(int)]
    open_stage = np.where(stalled, OPEN[rng.integers(1, 3, no)], open_stage)
    stage = np.where(opps.closed, np.where(opps.won, "Closed Won", "Closed Lost"), open_stage)
    unmapped = ~opps.closed & (rng.random(no) < 0.01)
    opps.stage = np.where(unmapped, "Verbal Commit", stage)  # a stage the definitions do not map


OPP_SELECT = (
    f"{sfid('opp', 'i')} AS Id, name AS Name, {sfid('account', 'acc')} AS AccountId, {sfid('user', 'owner')} AS OwnerId, "
    "printf('%.2f', amount) AS Amount, cur AS CurrencyIsoCode, stage AS StageName, "
    f"{b('closed')} AS IsClosed, {b('won')} AS IsWon, {ts('created')} AS CreatedDate, {dt('close')} AS CloseDate, "
    f"nullif(source, '') AS LeadSource, {sfid('campaign', 'campaign')} AS CampaignId, typ AS Type, "
    f"prob AS Probability, {b('deleted')} AS IsDeleted, "
    "CASE WHEN i % 7 = 0 THEN 'Competitor ' || (i % 3) END AS Competitor__c"
)


def build_opportunities(ctx: Context, team: Team, accounts: Accounts, leads: Leads, fu: FollowUp, rates: Rates) -> Opportunities:
    """Write Opportunity and OpportunityHistory; return the deals."""
    rng = ctx.rng
    opps = _draw_deals(ctx, team, accounts, leads, fu)
    _stages(ctx, opps)
    assert opps.stage is not None and leads.source is not None and leads.mql_campaign is not None
    no, n_mk, n_out = len(opps), opps.n_mk, len(opps) - opps.n_mk
    currency = accounts.currency[opps.acc].copy()
    ars = (accounts.country[opps.acc] == "AR") & (rng.random(no) < 0.25)
    currency[ars] = "ARS"  # a currency with no rate anywhere, for the data-quality page
    local_amount = rates.to_local(opps.usd_amount, currency, opps.created)
    step = np.where(np.isin(currency, ["JPY", "ARS"]), 10_000, 100)  # deals are quoted in round numbers
    local_amount = np.maximum(step, np.round(local_amount / step) * step)
    opp_type = np.where(rng.random(no) < 0.2, "Expansion", "New Business")
    is_mk = np.arange(no) < n_mk
    opp_source = np.where(
        is_mk,
        np.r_[leads.source[opps.conv_leads], np.full(n_out, "", object)],
        rng.choice(np.array(["Outbound", "Partner", "Referral"], dtype=object), no, p=[0.7, 0.2, 0.1]),
    )
    opp_campaign = np.r_[leads.mql_campaign[opps.conv_leads], np.full(n_out, -1)]
    of = frame(
        i=np.arange(no),
        acc=opps.acc,
        owner=opps.owner,
        amount=local_amount,
        cur=currency,
        stage=opps.stage,
        closed=opps.closed,
        won=opps.closed & opps.won,
        created=opps.created,
        close=opps.close_at,
        source=opp_source,
        campaign=nullable(opp_campaign),
        typ=opp_type,
        prob=pd.Series(opps.stage).map(STAGE_PROBABILITY).to_numpy(),
        deleted=rng.random(no) < 0.003,
        name=accounts.name[opps.acc] + " - " + opp_type,
    )
    ctx.writer.write("Opportunity", of, OPP_SELECT)
    ctx.say(f"opportunities: {no:,} ({n_mk:,} from leads, {n_out:,} outbound)")
    _write_history(ctx, opps, local_amount)
    return opps


def _write_history(ctx: Context, opps: Opportunities, local_amount: np.ndarray) -> None:
    """Write OpportunityHistory: one row per stage reached, spread between creation and close (or now)."""
    assert opps.progress is not None and opps.stage is not None
    closed, no = opps.closed, len(opps)
    n_steps = np.where(
        closed, np.minimum(5, 2 + (opps.progress * 3).astype(int)), 1 + (opps.progress * len(OPEN_STAGES)).astype(int).clip(0, 4)
    )
    h_opp = np.repeat(np.arange(no), n_steps)
    h_k = np.arange(len(h_opp)) - np.repeat(np.cumsum(n_steps) - n_steps, n_steps)
    h_end = np.where(closed, opps.close_at, np.minimum(ctx.t_end, opps.close_at))[h_opp]
    h_frac = h_k / np.maximum(n_steps[h_opp] - 1, 1)
    h_time = opps.created[h_opp] + (h_frac * (h_end - opps.created[h_opp]) * 0.97).astype(np.int64)
    last = h_k == n_steps[h_opp] - 1
    h_stage = np.where(last, opps.stage[h_opp], OPEN[np.minimum(h_k, 4)])
    h_stage = np.where(last & closed[h_opp], opps.stage[h_opp], h_stage)
    ctx.writer.write(
        "OpportunityHistory",
        frame(
            i=np.arange(len(h_opp)),
            opp=h_opp,
            stage=h_stage,
            created=h_time,
            amount=local_amount[h_opp],
            close=opps.close_at[h_opp],
        ),
        f"{sfid('history', 'i')} AS Id, {sfid('opp', 'opp')} AS OpportunityId, stage AS StageName, "
        f"printf('%.2f', amount) AS Amount, {dt('close')} AS CloseDate, {ts('created')} AS CreatedDate",
    )


def write_contact_roles(ctx: Context, opps: Opportunities, out_c_opp: np.ndarray) -> None:
    """Write OpportunityContactRole: the converted contact (primary) and the outbound people; 12% of deals have none.

    `out_c_opp` is the deal of each outbound contact; those contacts are numbered from n_mk on.
    """
    rng, n_mk = ctx.rng, opps.n_mk
    has_roles = rng.random(len(opps)) >= 0.12
    r_opp = np.r_[np.arange(n_mk), out_c_opp]
    r_contact = np.arange(len(r_opp))
    r_primary = np.r_[np.ones(n_mk, bool), np.r_[True, out_c_opp[1:] != out_c_opp[:-1]]]  # first person per deal
    keep = has_roles[r_opp]
    r_opp, r_contact, r_primary = r_opp[keep], r_contact[keep], r_primary[keep]
    ctx.writer.write(
        "OpportunityContactRole",
        frame(
            i=np.arange(len(r_opp)),
            opp=r_opp,
            contact=r_contact,
            is_prim=r_primary,
            role=CONTACT_ROLES[rng.integers(0, 5, len(r_opp))],
        ),
        f"{sfid('ocr', 'i')} AS Id, {sfid('opp', 'opp')} AS OpportunityId, "
        f"{sfid('contact', 'contact')} AS ContactId, role AS Role, {b('is_prim')} AS IsPrimary, "
        "'false' AS IsDeleted",
    )
