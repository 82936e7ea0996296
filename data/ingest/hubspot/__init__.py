"""HubSpot exports: UI exports (display labels) and internal-name copies (Fivetran, the API).

    python -m data.ingest EXPORT --source hubspot      (or found by file names and headers)

`convert` writes the export as our canonical layout (one module per object: people, deals,
activities, owners), which the ordinary load then reads: one model, one definition per concept.
`definitions` adapts the definitions to HubSpot: the MQL moment is the contact's lifecycle date,
and the stage labels of `hubspot.pipelines` are stage names of the model.
"""

from __future__ import annotations

from data.config import Definitions, Mql, Stages
from data.ingest.hubspot.convert import Converted, convert_export
from data.ingest.hubspot.files import is_hubspot_export


def hubspot_definitions(defs: Definitions) -> Definitions:
    """The definitions a HubSpot load uses: MQL from the lifecycle date; pipeline stage labels mapped."""
    stages = {c: list(getattr(defs.stages, c)) for c in ("open", "won", "lost")}
    taken = {s for names in stages.values() for s in names}
    for pipeline in defs.hubspot.pipelines.values():
        for category in ("open", "won", "lost"):
            for label in getattr(pipeline, category):
                if label not in taken:  # a label two pipelines disagree on keeps its first category
                    stages[category].append(label)
                    taken.add(label)
    mql = Mql(rule="date_field", date_field="mql_field_at")
    return defs.model_copy(update={"stages": Stages(**stages), "mql": mql})


__all__ = ["Converted", "convert_export", "hubspot_definitions", "is_hubspot_export"]
