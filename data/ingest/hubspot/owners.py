"""HubSpot owners -> canonical users: named as the export names them, with a region from their team.

A UI export names an owner by full name (`Jane Doe`) or, once deactivated, by email
(`jane@x.com (Deactivated User)`); that name is the user's Id, so `regions.users` in the
definitions maps owners to regions by the name people read. Internal-name exports hold the numeric
owner id, resolved through the owners file when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from data.config import Definitions
from data.ingest.hubspot.source import Source
from data.ingest.hubspot.values import Owner, parse_owner


@dataclass
class Owners:
    """Every owner seen in the export, keyed by user Id, and the team each was seen in."""

    defs: Definitions
    by_number: dict[str, Owner] = field(default_factory=dict)
    users: dict[str, Owner] = field(default_factory=dict)
    teams: dict[str, str] = field(default_factory=dict)
    team_names: dict[str, str] = field(default_factory=dict)  # internal team id -> name

    def read_teams(self, teams: list[tuple[str, str]], owner_teams: list[tuple[str, str]]) -> None:
        """Team files of an internal-name export: (team id, name) and (owner id, team id)."""
        self.team_names.update(teams)
        for number, team in owner_teams:
            if number in self.by_number:
                self.teams.setdefault(self.by_number[number].user_id, self.team_names.get(team, team))

    def read_owner_file(self, src: Source) -> None:
        """An owners file (internal names: owner_id, first_name, last_name, email) -> numeric Id lookup."""
        for row in src.sheet.rows:
            number = src.text(row, "id")
            if not number:
                continue
            name = " ".join(v for v in (src.text(row, "first_name"), src.text(row, "last_name")) if v)
            email = src.text(row, "email")
            self.by_number[number] = Owner(name or email or number, name or email or number, email, True)
            self.users.setdefault(self.by_number[number].user_id, self.by_number[number])  # the owners file lists every user
            if team := src.text(row, "team"):
                self.teams.setdefault(self.by_number[number].user_id, team)

    def user_of(self, text: str, team: str = "") -> str:
        """The user Id of an owner value (registered on first sight); '' for no owner."""
        owner = self.by_number.get(text.strip()) or parse_owner(text)
        if owner is None:
            return ""
        self.users.setdefault(owner.user_id, owner)
        if team:
            first = team.split(";")[0].strip()
            self.teams.setdefault(owner.user_id, self.team_names.get(first, first))
        return owner.user_id

    def user_of_name(self, text: str) -> str:
        """The user Id of an owner named in a canonical file beside the export (quotas.csv: `Jane Doe`)."""
        return self.user_of(text) or text

    def rows(self) -> list[dict[str, str]]:
        """Canonical users: title from the team (else hubspot.owner_title), region from hubspot.team_regions."""
        hs = self.defs.hubspot
        out = []
        for user_id, o in sorted(self.users.items()):
            team = self.teams.get(user_id, "")
            first, _, last = o.name.partition(" ") if "@" not in o.name else ("", "", "")
            out.append(
                {
                    "user_id": user_id,
                    "user_name": o.name,
                    "first_name": first,
                    "last_name": last,
                    "email": o.email,
                    "title": team or hs.owner_title,
                    "department": team,
                    "region_override": self.defs.regions.users.get(o.name)
                    or hs.team_regions.get(team)
                    or self.defs.regions.region_of_role(team)
                    or "",
                    "is_active": "true" if o.is_active else "false",
                }
            )
        return out
