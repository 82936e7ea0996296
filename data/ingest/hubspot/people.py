"""HubSpot contacts and companies -> canonical leads, contacts and accounts.

A HubSpot contact is one person from first form to customer. It becomes a canonical lead (the lead
funnel counts it from its creation), and, once it belongs to a company, also a canonical contact of
that account with the same Id, marked as the lead's conversion, so the two are one person: one MQL,
one set of touches. The MQL moment is the lifecycle date (`Date entered "Marketing Qualified Lead
(Lifecycle Stage Pipeline)"`, else `Became a Marketing Qualified Lead Date`); the lead source is the
Original Source mapped through `hubspot.sources`.
"""

from __future__ import annotations

from data.ingest.hubspot.owners import Owners
from data.ingest.hubspot.source import Source

Rows = list[dict[str, str]]


def lead_source(src: Source, row: list[str]) -> str:
    """Original Source -> lead source name (`hubspot.sources`; an unlisted value is kept as it is)."""
    value = src.text(row, "source")
    sources = src.defs.hubspot.sources
    return sources.get(value) or next((v for k, v in sources.items() if k.lower() == value.lower()), value)


def convert_companies(src: Source, owners: Owners) -> Rows:
    """Companies -> canonical accounts, one per record."""
    out = []
    for record, row in enumerate(src.sheet.rows, start=1):
        out.append(
            {
                "account_id": src.text(row, "id"),
                "account_name": src.text(row, "name"),
                "country": src.text(row, "country"),
                "industry": src.text(row, "industry"),
                "employees": src.number(row, record, "employees"),
                "annual_revenue": src.number(row, record, "annual_revenue"),
                "account_type": src.text(row, "type"),
                "owner_id": owners.user_of(src.text(row, "owner")),
                "created_at": src.timestamp(row, record, "created_at"),
                "is_deleted": "true" if src.is_deleted(row) else "false",
            }
        )
    return out


def convert_contacts(src: Source, owners: Owners, deal_of: dict[str, str], company_of: dict[str, str]) -> tuple[Rows, Rows]:
    """Contacts -> (canonical leads, canonical contacts); `deal_of`/`company_of` add associations from other files."""
    leads, contacts = [], []
    for record, row in enumerate(src.sheet.rows, start=1):
        cid = src.text(row, "id")
        owner = owners.user_of(src.text(row, "owner"), src.text(row, "team"))
        account = next(iter(src.all_ids(row, "company_ids")), company_of.get(cid, ""))
        deal = next(iter(src.all_ids(row, "deal_ids")), deal_of.get(cid, ""))
        person = {
            "created_at": src.timestamp(row, record, "created_at"),
            "owner_id": owner,
            "first_name": src.text(row, "first_name"),
            "last_name": src.text(row, "last_name"),
            "email": src.text(row, "email"),
            "title": src.text(row, "title"),
            "country": src.text(row, "country"),
            "lead_source": lead_source(src, row),
            "mql_field_at": src.timestamp(row, record, "mql_at"),
            "is_deleted": "true" if src.is_deleted(row) else "false",
        }
        converted = bool(account or deal)
        leads.append(
            {
                "lead_id": cid,
                **person,
                "company": src.text(row, "company"),
                "industry": src.text(row, "industry"),
                "employees": src.number(row, record, "employees"),
                "status": src.text(row, "status") or src.text(row, "lifecycle"),
                "lifecycle_stage": src.text(row, "lifecycle"),
                "latest_source": src.text(row, "latest_source"),
                "is_converted": "true" if converted else "false",
                "converted_contact_id": cid if converted else "",
                "converted_account_id": account,
                "converted_opportunity_id": deal,
            }
        )
        if converted:
            contacts.append({"contact_id": cid, "account_id": account, **person})
    return leads, contacts
