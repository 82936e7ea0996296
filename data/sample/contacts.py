"""Contacts: the people behind converted leads, plus the people sales added on outbound deals."""

from __future__ import annotations

import numpy as np

from data.sample.company import DAY, TITLES
from data.sample.context import Context
from data.sample.leads import TITLE_NAMES, TITLE_P, Leads
from data.sample.opportunities import Opportunities
from data.sample.writer import frame, sfid, ts


def build_contacts(ctx: Context, leads: Leads, opps: Opportunities) -> tuple[np.ndarray, np.ndarray]:
    """Write Contact; return each lead's contact number (-1 if none) and each outbound contact's deal.

    Contact k < n_mk is the converted lead of deal k, created with the deal; then one to three
    people per outbound deal, in deal order, added in the weeks before the deal.
    """
    rng, n_mk = ctx.rng, opps.n_mk
    assert leads.source is not None
    conv = opps.conv_leads
    lead_contact = np.full(len(leads), -1, dtype=np.int64)
    lead_contact[conv] = np.arange(n_mk)
    out_people = rng.integers(1, 4, len(opps) - n_mk)
    n_out_c = int(out_people.sum())
    out_c_opp = np.repeat(np.arange(n_mk, len(opps)), out_people)
    nc = n_mk + n_out_c
    c_acc = np.r_[leads.acc[conv], opps.acc[out_c_opp]]
    c_created = np.r_[opps.created[:n_mk], opps.created[out_c_opp] - rng.integers(1, 20, n_out_c) * DAY]
    c_title = np.r_[leads.title[conv], TITLE_NAMES[rng.choice(len(TITLES), n_out_c, p=TITLE_P / TITLE_P.sum())]]
    c_owner = np.r_[opps.owner[:n_mk], opps.owner[out_c_opp]]
    source = np.r_[leads.source[conv], np.full(n_out_c, "Outbound", object)]
    ctx.writer.write(
        "Contact",
        frame(i=np.arange(nc), acc=c_acc, created=c_created, owner=c_owner, title=c_title, source=source),
        f"{sfid('contact', 'i')} AS Id, {sfid('account', 'acc')} AS AccountId, {ts('created')} AS CreatedDate, "
        f"{sfid('user', 'owner')} AS OwnerId, 'Contact' AS FirstName, CAST(i AS VARCHAR) AS LastName, "
        "'contact' || i || '@people.example' AS Email, nullif(title, '') AS Title, source AS LeadSource, "
        "'false' AS IsDeleted",
    )
    ctx.say(f"contacts: {nc:,}")
    return lead_contact, out_c_opp
