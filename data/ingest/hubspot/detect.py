"""Recognise a HubSpot export and which object each of its files holds, by file name, else by header.

UI exports are named `hubspot-crm-exports-<view-name>-<YYYY-MM-DD>.csv|xlsx` (the view name is the
user's, e.g. `all-deals`); internal-name copies (Fivetran, the API) are named after the object
(`deal_data.csv`, `contact.csv`) and carry `hs_object_id`, `createdate`, `dealstage`. Columns are
found by position: a label may repeat, so a column is its index, never its name.
"""

from __future__ import annotations

import re
from pathlib import Path

from data.config_hubspot import DEFAULT_COLUMNS, HubSpot, label_key

UI_FILE = re.compile(r"^hubspot-crm-exports-(?P<view>.+?)(?:-\d{4}-\d{2}-\d{2})?(?:[-_ ]?(?:part)?[-_ ]?\d+)?$", re.IGNORECASE)
# Header keys only a HubSpot file has (Salesforce and our canonical layout have none of them).
_MARKERS = {"recordid", "hsobjectid", "hubspotownerid", "dealstage", "createdate", "lifecyclestage"}
# Older UI exports start with `Contact ID` / `Deal ID` / `Company ID` (Salesforce's `ContactId` is a later column).
_FIRST_MARKERS = {"contact id", "deal id", "company id"}
# File-name words -> object, most specific first (`deal_contact` is an association table, not deals).
_NAME_KINDS = (
    ("dealpipelinestage", "stages"),
    ("propertyhistory", "ignored"),
    ("dealpipeline", "ignored"),
    ("dealstage", "ignored"),  # Fivetran's stage history table: the deal's own Date entered columns are used
    ("emailevent", "ignored"),
    ("emailcampaign", "ignored"),
    ("contactlist", "ignored"),
    ("formsubmission", "ignored"),
    ("property", "ignored"),
    ("engagementcompany", "ignored"),  # associations the SLA does not need (touches are per contact)
    ("engagementdeal", "ignored"),
    ("teamuser", "ignored"),
    ("users", "ignored"),  # HubSpot's users (logins); owners are who own records
    ("dealcontact", "assoc_deal_contact"),
    ("dealcompany", "assoc_deal_company"),
    ("contactcompany", "assoc_contact_company"),
    ("engagementcontact", "assoc_activity_contact"),
    ("ownerteam", "assoc_owner_team"),
    ("owner", "owners"),
    ("team", "teams"),
    ("call", "calls"),
    ("meeting", "meetings"),
    ("email", "emails"),
    ("task", "tasks"),
    ("deal", "deals"),
    ("compan", "companies"),
    ("contact", "contacts"),
)
# Header keys that tell an object apart when the file name does not.
_HEADER_KINDS = (
    ("dealstage", "deals"),
    ("dealname", "deals"),
    ("calltitle", "calls"),
    ("hscalltitle", "calls"),
    ("meetingname", "meetings"),
    ("hsmeetingtitle", "meetings"),
    ("tasktitle", "tasks"),
    ("hstasksubject", "tasks"),
    ("emailsubject", "emails"),
    ("contactid", "contacts"),
    ("lifecyclestage", "contacts"),
    ("firstname", "contacts"),
    ("companyid", "companies"),
    ("companyname", "companies"),
    ("companydomainname", "companies"),
)
ACTIVITY_KINDS = ("calls", "meetings", "emails", "tasks")


def column_key(header: str) -> str:
    """A header -> matching key; Fivetran's `property_` prefix is dropped (`property_createdate` = `createdate`)."""
    key = label_key(header)
    return key[len("property") :] if key.startswith("property") and len(key) > len("property") else key


def looks_hubspot(stem: str, header: list[str]) -> bool:
    """True for a file named like a HubSpot UI export, or with a header only HubSpot writes."""
    first = " ".join(header[0].replace("\ufeff", "").lower().split()) if header else ""
    return bool(UI_FILE.match(stem)) or bool(_MARKERS & {column_key(h) for h in header}) or first in _FIRST_MARKERS


def kind_of(path: Path, header: list[str]) -> str | None:
    """Which HubSpot object a file holds (`contacts`, `deals`, `calls`, `assoc_deal_contact` ...), or None."""
    m = UI_FILE.match(path.stem)
    name = label_key(m["view"] if m else path.stem)
    name = re.sub(r"^(sf|hubspot)|data$|\d+$", "", name)
    keys = {column_key(h) for h in header}
    for word, kind in _NAME_KINDS:
        if word in name and (not kind.startswith("assoc") or len(keys) >= 2):
            return kind
    for key, kind in _HEADER_KINDS:
        if key in keys:
            return kind
    return None


def positions(header: list[str], labels: list[str]) -> list[int]:
    """Indexes of the columns holding a field, in the order of `labels` (a repeated label: every column).

    A record's value is the first non-empty one, so an older label fills in where a newer one is empty.
    """
    keys = [column_key(h) for h in header]
    wanted = list(dict.fromkeys(column_key(label) for label in labels))
    return [i for key in wanted for i, k in enumerate(keys) if k == key]


def stage_date_columns(header: list[str]) -> list[tuple[int, str, str]]:
    """`Date entered "Closed won (Sales Pipeline)"` columns -> (index, stage label, pipeline label).

    Internal names (`hs_v2_date_entered_closedwon`, `hs_date_entered_closedwon`) give the stage id and
    an empty pipeline.
    """
    out = []
    for i, h in enumerate(header):
        if m := re.match(r'^\s*Date entered\s+"(.+)\s+\((.+)\)"\s*$', h, re.IGNORECASE):
            if m[2].strip().lower() != "lifecycle stage pipeline":
                out.append((i, m[1].strip(), m[2].strip()))
        elif m := re.match(r"^(?:property_)?hs_(?:v2_)?date_entered_(.+)$", h.strip(), re.IGNORECASE):
            out.append((i, m[1], ""))
    return out


def field_positions(hs: HubSpot, obj: str, header: list[str]) -> dict[str, list[int]]:
    """Every canonical field of `obj` -> the positions of its columns (absent fields left out)."""
    out = {}
    for name in DEFAULT_COLUMNS[obj]:
        if found := positions(header, hs.labels(obj, name)):
            out[name] = found
    return out
