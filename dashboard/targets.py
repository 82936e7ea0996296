"""The targets the Overview judges numbers against, from the definitions the data was loaded with.

Targets ([targets] in definitions.toml) never change a number, only its status. They are read from the
database (cfg_target, through queries/definitions_targets.sql), so the status shown always belongs to the
data shown, and the dashboard needs nothing but its queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboard import db


@dataclass(frozen=True)
class Targets:
    """The company's targets and the regions' own MQL targets."""

    sla_compliance: float = 0.8
    coverage: float = 3.0
    mqls_per_quarter: int | None = None
    mqls_by_region: dict[str, int] = field(default_factory=dict)

    def mqls_for(self, region: str | None) -> int | None:
        """The quarter's MQL target for a region (None: all regions), or None when none is set."""
        return self.mqls_per_quarter if region is None else self.mqls_by_region.get(region)


def targets() -> Targets:
    """The targets of the live database's definitions."""
    frame = db.query("definitions_targets")
    company = frame[frame["region"].isna()]
    if company.empty:
        return Targets()
    row = company.iloc[0]
    regions = frame[frame["region"].notna() & frame["mqls_per_quarter"].notna()]
    return Targets(
        float(row["sla_compliance"]),
        float(row["coverage"]),
        None if pd.isna(row["mqls_per_quarter"]) else int(row["mqls_per_quarter"]),
        {str(r): int(n) for r, n in zip(regions["region"], regions["mqls_per_quarter"], strict=True)},
    )
