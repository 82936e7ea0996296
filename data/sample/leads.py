"""Leads: people arriving over the history, on weekdays in their region's working hours.

`draw_leads` decides who arrives when; the Lead file itself is written last (`write_leads`), once
conversion to contacts and deals is known, with the export's messiness added: duplicates, deleted
rows, queue owners and a custom score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.sample.accounts import Accounts
from data.sample.company import DAY, REGIONS, TITLES
from data.sample.context import Context
from data.sample.users import Team
from data.sample.writer import b, dt, frame, sfid, ts

TITLE_NAMES = np.array([t[0] for t in TITLES], dtype=object)
TITLE_P = np.array([t[1] for t in TITLES])


@dataclass
class Leads:
    """One entry per lead (arrays indexed by lead number). `source` and `mql_at` come from the touches."""

    acc: np.ndarray
    region_ix: np.ndarray
    offsets: np.ndarray  # UTC offset (hours) of the lead's region
    created: np.ndarray
    owner: np.ndarray
    queue_owned: np.ndarray  # owned by a queue in the export (nobody follows up)
    title: np.ndarray
    sales_sourced: np.ndarray  # prospected by sales: no marketing first touch
    source: np.ndarray | None = None
    mql_at: np.ndarray | None = None  # epoch of the hand-raise, -1 when none before the as-of date
    mql_campaign: np.ndarray | None = None  # the hand-raise campaign, -1 when none

    def __len__(self) -> int:
        return len(self.acc)


def draw_leads(ctx: Context, team: Team, accounts: Accounts) -> Leads:
    """Draw every lead's account, arrival time, owner and title (nothing is written yet)."""
    rng, nl, t_start, t_end = ctx.rng, ctx.scale.leads, ctx.t_start, ctx.t_end
    span_days = (t_end - t_start) // DAY + 1
    day_w = np.linspace(1.0, 1.5, span_days)  # the company grows
    dow = (np.arange(span_days) + ctx.hist_start.weekday()) % 7
    day_w = day_w * np.where(dow >= 5, 0.25, 1.0)
    day_w[-1] *= 0.5  # the as-of day is only partly over
    lead_day = rng.choice(span_days, nl, p=day_w / day_w.sum())
    acc = rng.choice(len(accounts), nl, p=accounts.weight)
    region_ix = accounts.region_ix[acc]
    offsets = np.array([REGIONS[r][1] for r in REGIONS])[region_ix]
    local_hour = np.clip(rng.normal(12.5, 2.6, nl), 0, 23.99)
    created = t_start + lead_day * DAY + ((local_hour - offsets) * 3600).astype(np.int64) + rng.integers(0, 60, nl)
    created = np.clip(created, t_start, t_end - 3600)
    owner = np.empty(nl, dtype=np.int64)
    for ri, r in enumerate(REGIONS):
        idx = np.flatnonzero(region_ix == ri)
        owner[idx] = rng.choice(team.reps_of_region[r], len(idx))
    queue_owned = rng.random(nl) < 0.02
    title = TITLE_NAMES[rng.choice(len(TITLES), nl, p=TITLE_P / TITLE_P.sum())]
    sales_sourced = rng.random(nl) < 0.12
    return Leads(acc, region_ix, offsets, created, owner, queue_owned, title, sales_sourced)


LEAD_SELECT = (
    f"{sfid('lead', 'i')} AS Id, {ts('created')} AS CreatedDate, "
    f"CASE WHEN owner < 0 THEN {sfid('queue', '1')} ELSE {sfid('user', 'owner')} END AS OwnerId, "
    "'Lead' AS FirstName, CAST(src AS VARCHAR) AS LastName, 'lead' || src || '@people.example' AS Email, "
    "nullif(title, '') AS Title, company AS Company, country AS Country, industry AS Industry, "
    "emp AS NumberOfEmployees, source AS LeadSource, "
    "CASE WHEN converted THEN 'Converted' ELSE 'Open' END AS Status, "
    f"{b('converted')} AS IsConverted, CASE WHEN converted THEN {dt('conv_date')} END AS ConvertedDate, "
    f"CASE WHEN converted THEN {sfid('contact', 'contact')} END AS ConvertedContactId, "
    f"CASE WHEN converted THEN {sfid('account', 'acc')} END AS ConvertedAccountId, "
    f"CASE WHEN converted THEN {sfid('opp', 'opp')} END AS ConvertedOpportunityId, "
    f"{b('deleted')} AS IsDeleted, score AS Lead_Score__c"
)


def write_leads(ctx: Context, leads: Leads, accounts: Accounts, conv_leads: np.ndarray, conv_at: np.ndarray) -> None:
    """Write Lead: every lead, then about 0.2% of them entered a second time a few days later.

    `conv_leads[k]` converted at `conv_at[k]` into contact k and opportunity k.
    """
    rng, nl = ctx.rng, len(leads)
    contact = np.full(nl, -1, dtype=np.int64)
    contact[conv_leads] = np.arange(len(conv_leads))
    conv_date = np.full(nl, -1, dtype=np.int64)
    conv_date[conv_leads] = conv_at
    dup = np.flatnonzero(rng.random(nl) < 0.002)  # the same person entered twice
    src = np.r_[np.arange(nl), dup]
    n, none = len(src), np.full(len(dup), -1)
    created = np.r_[leads.created, np.minimum(leads.created[dup] + 3 * DAY, ctx.t_end - 60)]
    # conversion fields: contact k and opportunity k share their number, so one array serves both
    contact, conv_date = np.r_[contact, none], np.r_[conv_date, none]
    owner = np.where(leads.queue_owned, -1, leads.owner)
    deleted, score = rng.random(n) < 0.004, rng.integers(0, 100, n)

    source = leads.source
    assert source is not None  # drawn with the leads, before the file is written

    def make(lo: int, hi: int) -> pd.DataFrame:  # one chunk of rows: only its own strings are built
        s, acc = src[lo:hi], leads.acc[src[lo:hi]]
        return frame(
            lo,
            i=np.arange(lo, hi),
            src=s,
            created=created[lo:hi],
            owner=owner[s],
            title=leads.title[s],
            company=accounts.name[acc],
            country=accounts.country[acc],
            source=source[s],
            converted=contact[lo:hi] >= 0,
            conv_date=conv_date[lo:hi],
            contact=contact[lo:hi],
            acc=acc,
            opp=contact[lo:hi],
            deleted=deleted[lo:hi],
            score=score[lo:hi],
            industry=accounts.industry[acc],
            emp=accounts.employees[acc],
        )

    ctx.writer.write_chunked("Lead", n, LEAD_SELECT, make, ctx.scale.chunk_rows)
    ctx.say(f"leads written: {n:,}")
