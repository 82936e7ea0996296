"""HubSpot deals -> canonical opportunities, their contact roles and their stage history.

A deal's stage is a label of its pipeline; `hubspot.pipelines` says which labels are open, won or
lost (HubSpot's default "Sales Pipeline" is built in), and the canonical IsClosed/IsWon flags come
from it. A label not mapped is kept (a warning lists every pipeline and label to map) and counts
as open. Stage history comes from the `Date entered "<Stage> (<Pipeline>)"` columns: one change per
stage entered, carrying the deal's current amount and close date (the export has no older ones).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from data.config_hubspot import label_key
from data.ingest.hubspot.detect import stage_date_columns
from data.ingest.hubspot.owners import Owners
from data.ingest.hubspot.people import lead_source
from data.ingest.hubspot.source import Source
from data.ingest.hubspot.values import parse_datetime, utc_text
from data.ingest.read import Problem

Rows = list[dict[str, str]]


@dataclass
class DealRows:
    """What the deals files become, and the stage labels no pipeline maps (pipeline, label) -> deals."""

    opportunities: Rows = field(default_factory=list)
    roles: Rows = field(default_factory=list)
    history: Rows = field(default_factory=list)
    unmapped: Counter[tuple[str, str]] = field(default_factory=Counter)
    labels: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Links:
    """Associations from separate files (internal-name exports): deal -> contacts, deal -> company."""

    contacts: dict[str, list[str]] = field(default_factory=dict)
    company: dict[str, str] = field(default_factory=dict)
    stage_labels: dict[str, str] = field(default_factory=dict)  # internal stage id -> label


def _pipeline(src: Source, row: list[str]) -> str:
    value = src.text(row, "pipeline") or "default"
    return src.defs.hubspot.pipeline_ids.get(value, value)


def _stage(src: Source, row: list[str], stage_labels: dict[str, str]) -> str:
    value = src.text(row, "stage")
    return stage_labels.get(value) or src.defs.hubspot.stage_ids.get(value) or value


def _history(src: Source, row: list[str], record: int, deal: dict[str, str], stage_labels: dict[str, str]) -> Rows:
    hs = src.defs.hubspot
    out = []
    for k, (i, stage, pipeline) in enumerate(stage_date_columns(src.sheet.header)):
        value = row[i].strip()
        if not value:
            continue
        label = hs.stage_of(deal["pipeline"], stage_labels.get(stage) or hs.stage_ids.get(stage) or stage)[1]
        if pipeline and label_key(pipeline) != label_key(deal["pipeline"]):
            continue  # the date a deal entered a stage of another pipeline it has left
        try:
            at = utc_text(parse_datetime(value, src.zone, hs.slash_date_order))
        except ValueError as exc:
            src.problems.append(_bad_date(src, record, i, value, exc))
            continue
        out.append(
            {
                "opportunity_history_id": f"{deal['opportunity_id']}:{k}",
                "opportunity_id": deal["opportunity_id"],
                "stage_name": label,
                "amount": deal["amount"],
                "close_date": deal["close_date"],
                "created_at": at,
            }
        )
    return out


def _bad_date(src: Source, record: int, i: int, value: str, exc: ValueError) -> Problem:
    return Problem(
        src.sheet.name,
        str(exc),
        "Fix the value, or export again; date-times read like 2025-04-08 17:19",
        record=record,
        column=src.sheet.header[i],
        value=value,
    )


def convert_deals(src: Source, owners: Owners, out: DealRows, links: Links) -> None:
    """Deals -> opportunities (stage category from the pipelines), contact roles and stage history."""
    hs = src.defs.hubspot
    stage_labels = links.stage_labels
    for record, row in enumerate(src.sheet.rows, start=1):
        deal_id = src.text(row, "id")
        pipeline, stage = _pipeline(src, row), _stage(src, row, stage_labels)
        category, stage = hs.stage_of(pipeline, stage)
        if category is None:  # a stage name the shared [stages] maps (e.g. a pipeline named after Salesforce's)
            category = next((c for name, c in src.defs.stages.mapping().items() if label_key(name) == label_key(stage)), None)
        if category is None and stage:
            out.unmapped[(pipeline, stage)] += 1
        else:
            out.labels.add(stage)
        deal = {
            "opportunity_id": deal_id,
            "opportunity_name": src.text(row, "name"),
            "account_id": next(iter(src.all_ids(row, "company_ids")), links.company.get(deal_id, "")),
            "owner_id": owners.user_of(src.text(row, "owner"), src.text(row, "team")),
            "amount": src.number(row, record, "amount"),
            "currency_code": src.text(row, "currency").upper(),
            "stage_name": stage,
            "is_closed": "" if category is None else ("true" if category != "open" else "false"),
            "is_won": "" if category is None else ("true" if category == "won" else "false"),
            "created_at": src.timestamp(row, record, "created_at"),
            "close_date": src.date(row, record, "close_date"),
            "lead_source": lead_source(src, row),
            "opportunity_type": src.text(row, "type"),
            "probability": src.probability(row, record, "probability"),
            "pipeline": pipeline,
            "forecast_category": src.text(row, "forecast"),
            "closed_lost_reason": src.text(row, "lost_reason"),
            "is_deleted": "true" if src.is_deleted(row) else "false",
        }
        out.opportunities.append(deal)
        contacts = src.all_ids(row, "contact_ids") or links.contacts.get(deal_id, [])
        out.roles.extend(
            {
                "opportunity_contact_role_id": f"{deal['opportunity_id']}:{c}",
                "opportunity_id": deal["opportunity_id"],
                "contact_id": c,
                "is_primary": "true" if k == 0 else "false",
            }
            for k, c in enumerate(contacts)
        )
        out.history.extend(_history(src, row, record, deal, stage_labels))
