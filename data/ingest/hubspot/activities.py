"""HubSpot calls, meetings, emails and tasks -> canonical tasks and events (the SLA's human touches).

A call, email or meeting logged by an owner on a contact is a touch of that person (lead and contact
share the HubSpot contact's Id). One engagement associated with several contacts touches each of
them. Calls and emails become tasks (subtype Call/Email), meetings become events; a HubSpot task
counts only when its Task Type is a call or an email. Whether the owner is a sales user is decided
by the model from the owner's team (users' title), as for any export.
"""

from __future__ import annotations

from data.ingest.hubspot.owners import Owners
from data.ingest.hubspot.source import Source

Rows = list[dict[str, str]]
_SUBTYPE = {"calls": "Call", "emails": "Email", "meetings": "Meeting"}
_TASK_TYPES = {"call": "Call", "email": "Email"}


def convert_activities(src: Source, kind: str, owners: Owners, contacts_of: dict[str, list[str]]) -> tuple[Rows, Rows]:
    """One engagement file -> (canonical tasks, canonical events)."""
    tasks, events = [], []
    for record, row in enumerate(src.sheet.rows, start=1):
        aid = src.text(row, "id")
        subtype = _SUBTYPE.get(kind) or _TASK_TYPES.get(src.text(row, "task_type").lower(), "Task")
        at = src.timestamp(row, record, "at")
        created = src.timestamp(row, record, "created_at") or at
        base = {
            "account_id": next(iter(src.all_ids(row, "company_ids")), ""),
            "owner_id": owners.user_of(src.text(row, "owner"), src.text(row, "team")),
            "subject": src.text(row, "subject"),
            "activity_type": subtype,
            "activity_subtype": subtype,
            "created_at": created,
            "what_id": next(iter(src.all_ids(row, "deal_ids")), ""),
            "is_deleted": "true" if src.is_deleted(row) else "false",
        }
        people = src.all_ids(row, "contact_ids") or contacts_of.get(aid, []) or [""]
        for k, person in enumerate(people):
            one = {"activity_id": aid if k == 0 else f"{aid}:{person}", "lead_id": person, "contact_id": person, **base}
            if kind == "meetings":
                events.append({**one, "start_at": at})
            else:
                tasks.append({**one, "completed_at": at})
    return tasks, events
