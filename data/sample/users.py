"""Users and roles: executives, marketing, an integration user, and per region a director and reps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.sample.company import COUNTRIES, REGIONS
from data.sample.context import Context
from data.sample.writer import b, frame, sfid

FIRST_NAMES = ["Alex", "Sam", "Jordan", "Taylor", "Jamie", "Robin", "Kim", "Lee", "Noa", "Ari", "Dana", "Eli"]
LAST_NAMES = ["Smith", "Garcia", "Müller", "Tanaka", "Silva", "Dubois", "Rossi", "Kowalski", "Nguyen", "O'Brien"]
AUTOMATION_USER = 3  # "Marketing Automation": owns the automated acknowledgement e-mails


@dataclass
class Team:
    """The sales team: who sells where, and each rep's habits (index i in the arrays is rep_ids[i])."""

    reps_of_region: dict[str, list[int]]
    rep_ids: np.ndarray
    rep_speed: np.ndarray  # multiplier on the region's median follow-up time
    rep_ignore: np.ndarray  # share of MQLs the rep never follows up
    rep_skill: np.ndarray  # multiplier on the region's win rate
    rep_pos: dict[int, int]  # user index -> position in rep_ids


def build_users(ctx: Context) -> Team:
    """Write UserRole and User; return the sales team the other builders assign work to."""
    rng, regions = ctx.rng, list(REGIONS)
    roles = (
        ["Executive", "Marketing", "Marketing Ops"]
        + [f"{r} Sales Manager" for r in regions]
        + [f"{r} Sales Rep" for r in regions]
    )
    role_ix = {name: i for i, name in enumerate(roles)}
    users = [
        ("Morgan Chief", "Chief Revenue Officer", role_ix["Executive"], None, "US", True),
        ("Casey Brand", "Chief Marketing Officer", role_ix["Executive"], None, "US", True),
        ("Riley Demand", "Demand Generation Manager", role_ix["Marketing"], 1, "US", True),
        ("Marketing Automation", "Integration User", role_ix["Marketing Ops"], 1, "US", True),
    ]
    reps_of_region: dict[str, list[int]] = {}
    for r in regions:
        manager = len(users)
        users.append(
            (
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                f"{r} Sales Director",
                role_ix[f"{r} Sales Manager"],
                0,
                COUNTRIES[r][0][0],
                True,
            )
        )
        reps_of_region[r] = []
        for _ in range(ctx.scale.reps_per_region):
            reps_of_region[r].append(len(users))
            users.append(
                (
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "Account Executive",
                    role_ix[f"{r} Sales Rep"],
                    manager,
                    COUNTRIES[r][0][0],
                    True,
                )
            )
    # one rep who left: inactive, still owns old deals
    users[reps_of_region["EMEA"][-1]] = (*users[reps_of_region["EMEA"][-1]][:5], False)
    rep_ids = np.array([u for r in regions for u in reps_of_region[r]])
    n = len(rep_ids)
    rep_speed = rng.lognormal(0, 0.5, n)
    rep_ignore = np.where(rng.random(n) < 0.2, rng.uniform(0.4, 0.7, n), rng.uniform(0.0, 0.06, n))
    rep_skill = rng.normal(1.0, 0.15, n).clip(0.6, 1.4)
    _write(ctx, roles, users)
    return Team(reps_of_region, rep_ids, rep_speed, rep_ignore, rep_skill, {u: i for i, u in enumerate(rep_ids)})


def _write(ctx: Context, roles: list[str], users: list[tuple]) -> None:
    ctx.writer.write(
        "UserRole",
        frame(i=np.arange(len(roles)), name=np.array(roles, dtype=object)),
        f"{sfid('role', 'i')} AS Id, name AS Name, NULL AS ParentRoleId",
    )
    uf = frame(
        i=np.arange(len(users)),
        name=np.array([u[0] for u in users], dtype=object),
        title=np.array([u[1] for u in users], dtype=object),
        role=np.array([u[2] for u in users]),
        manager=pd.array([u[3] for u in users], dtype="Int64"),
        country=np.array([u[4] for u in users], dtype=object),
        active=np.array([u[5] for u in users]),
    )
    ctx.writer.write(
        "User",
        uf,
        f"{sfid('user', 'i')} AS Id, name AS Name, split_part(name, ' ', 1) AS FirstName, "
        "split_part(name, ' ', 2) AS LastName, lower(replace(name, ' ', '.')) || '@sample.example' AS Email, "
        f"title AS Title, {sfid('role', 'role')} AS UserRoleId, {sfid('user', 'manager')} AS ManagerId, "
        f"country AS Country, {b('active')} AS IsActive",
    )
    ctx.say(f"users: {len(users)}")
