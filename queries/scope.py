"""What a signed-in person may see, enforced where every query runs (run_query), not in the widgets.

A scope is the set of regions a person may see (None = every region). For a region-limited person:

- a query that takes `$region` gets it forced: the region asked for when it is one of theirs, else their first
  one. No widget, link, cached result or caller can widen it: the value is bound by the runner itself.
- a query without `$region` runs only when it is classified SCOPE_FREE below (it holds no row and no number
  that belongs to a region: settings, choices, load times); every other one (UNSCOPABLE, or a new query nobody
  classified) is refused with ScopeError. tests/test_signin.py enumerates every query file against this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Queries with no `$region` that may run for anyone: what they return belongs to no region.
SCOPE_FREE: dict[str, str] = {
    "attribution_models": "the list of attribution models (names only)",
    "data_freshness": "when the data was loaded and from where; one count of sales users, no business number",
    "definitions_file": "the shared-definitions file, the same contract for everyone",
    "definitions_regions": "region settings from the definitions (time zones, hours, SLA targets)",
    "definitions_settings": "settings from the definitions",
    "definitions_stages": "stage mapping from the definitions",
    "definitions_targets": "targets from the definitions",
    "filter_options": "the choices the filters offer; the region choices are cut to the person's scope in the app",
    "filter_quarters": "the fiscal quarters with data",
    "schema_version": "the database layout version",
}

# Queries with no `$region` whose rows or counts span every region and cannot be cut by one: refused for a
# region-limited person (the Data quality page says they are shown to people who see every region).
UNSCOPABLE: dict[str, str] = {
    "data_quality_files": "per export file record counts, over every region",
    "data_quality_rejects": "rejected records with their values, which carry no region",
    "data_quality_snapshots": "the stored snapshots with their deal and lead counts over every region",
    "data_quality_summary": "load totals over every region",
    "data_quality_tables": "per CRM object record counts, over every region",
    "data_quality_warnings": "problem counts and example record Ids over every region",
}


class ScopeError(PermissionError):
    """A region-limited person asked for a query that cannot be limited to their regions."""


@dataclass(frozen=True)
class Scope:
    """The regions a person may see; `regions=None` means every region (leadership, local mode, the CLI)."""

    regions: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.regions is not None and not self.regions:
            raise ValueError("a limited scope needs at least one region")

    @property
    def limited(self) -> bool:
        """Whether this scope is cut to some regions."""
        return self.regions is not None

    def key(self) -> str:
        """A stable text for cache keys and the audit log."""
        return "all regions" if self.regions is None else ",".join(self.regions)

    def region(self, wanted: str | None) -> str | None:
        """The region a query runs for: `wanted` when allowed, else the first region of a limited scope."""
        if self.regions is None or wanted in self.regions:
            return wanted
        return self.regions[0]

    def bind(self, name: str, takes: tuple[str, ...], bound: dict[str, Any]) -> dict[str, Any]:
        """The parameters a query runs with under this scope; ScopeError when it cannot be limited."""
        if self.regions is None:
            return bound
        if "region" in takes:
            return {**bound, "region": self.region(bound.get("region"))}
        if name in SCOPE_FREE:
            return bound
        why = UNSCOPABLE.get(name, "not classified in queries/scope.py")
        raise ScopeError(f"query {name} cannot be limited to {self.key()} ({why})")


EVERYTHING = Scope()
