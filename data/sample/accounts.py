"""Accounts: companies in four regions, skewed in size, each owned by a rep of its region."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.sample.company import COUNTRIES, DAY, INDUSTRIES, REGIONS
from data.sample.context import Context
from data.sample.users import Team
from data.sample.writer import frame, sfid, ts

SYLLABLES = np.array(
    ["Ac", "Bel", "Cor", "Dyn", "Ever", "Flux", "Gran", "Hal", "Ion", "Jet", "Kin", "Lum", "Mer", "Nor"], dtype=object
)
SUFFIXES = np.array([" Corp", " GmbH", " Ltd", " KK", " Pty", " SA", " Inc", " Group"], dtype=object)


@dataclass
class Accounts:
    """One entry per account (arrays indexed by account number)."""

    region_ix: np.ndarray  # index into list(REGIONS)
    country: np.ndarray
    currency: np.ndarray
    employees: np.ndarray
    segment: np.ndarray  # SMB, Mid-Market, Enterprise
    industry: np.ndarray
    weight: np.ndarray  # chance that a lead or a deal lands on this account (sums to 1)
    owner: np.ndarray  # user index of the owning rep
    name: np.ndarray

    def __len__(self) -> int:
        return len(self.region_ix)


def build_accounts(ctx: Context, team: Team) -> Accounts:
    """Write Account; return the accounts for leads and deals to land on."""
    rng, na, regions = ctx.rng, ctx.scale.accounts, list(REGIONS)
    shares = np.array([REGIONS[r][0] for r in regions])
    region_ix = rng.choice(len(regions), na, p=shares / shares.sum())
    country = np.empty(na, dtype=object)
    currency = np.empty(na, dtype=object)
    for ri, r in enumerate(regions):
        idx = np.flatnonzero(region_ix == ri)
        opts = COUNTRIES[r]
        pick = rng.choice(len(opts), len(idx), p=np.array([o[2] for o in opts]))
        country[idx] = np.array([opts[k][0] for k in pick], dtype=object)
        currency[idx] = np.array([opts[k][1] for k in pick], dtype=object)
    employees = np.clip(rng.lognormal(np.log(220), 1.6, na), 5, 250_000).astype(np.int64)
    segment = np.where(employees <= 199, "SMB", np.where(employees <= 999, "Mid-Market", "Enterprise"))
    industry = rng.choice(np.array(INDUSTRIES, dtype=object), na)
    weight = employees.astype(float) ** 0.6 * rng.lognormal(0, 0.8, na)  # skewed: big accounts, many people
    weight /= weight.sum()
    owner = np.empty(na, dtype=np.int64)
    for ri, r in enumerate(regions):
        idx = np.flatnonzero(region_ix == ri)
        owner[idx] = rng.choice(team.reps_of_region[r], len(idx))
    name = (
        SYLLABLES[rng.integers(0, len(SYLLABLES), na)]
        + SYLLABLES[rng.integers(0, len(SYLLABLES), na)]
        + np.char.mod("%d", np.arange(na)).astype(object)
        + SUFFIXES[rng.integers(0, len(SUFFIXES), na)]
    )
    accounts = Accounts(region_ix, country, currency, employees, segment, industry, weight, owner, name)
    created = rng.integers(ctx.t_start - 400 * DAY, ctx.t_start, na)
    ctx.writer.write(
        "Account",
        frame(i=np.arange(na), name=name, country=country, industry=industry, emp=employees, owner=owner, created=created),
        f"{sfid('account', 'i')} AS Id, name AS Name, country AS BillingCountry, industry AS Industry, "
        f"emp AS NumberOfEmployees, {sfid('user', 'owner')} AS OwnerId, {ts('created')} AS CreatedDate, "
        "'false' AS IsDeleted, 'Tier ' || (1 + emp % 3) AS Account_Tier__c",
    )
    ctx.say(f"accounts: {na:,}")
    return accounts
