"""The `[hubspot]` section of the definitions: how a HubSpot export maps onto the canonical model.

Kept declarative: which column labels (UI display labels or internal property names) hold each
canonical field, which stage labels of which pipeline are open, won or lost, which team belongs to
which region, which source value is which lead source, and the portal's time zone.
"""

from __future__ import annotations

import re
import zoneinfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The canonical fields of each HubSpot object, and the column names they arrive under: UI display
# labels first, then the internal property names (Fivetran, API, "internal name" exports). Matched
# after normalisation (case, spaces, underscores, a `property_` prefix ignored). Labels configured in
# definitions.toml `[hubspot.columns.<object>]` are tried before these.
DEFAULT_COLUMNS: dict[str, dict[str, list[str]]] = {
    "contacts": {
        "id": ["Record ID", "Contact ID", "hs_object_id", "vid", "contact_id", "id"],
        "created_at": ["Create Date", "createdate", "created_at"],
        "owner": ["Contact owner", "hubspot_owner_id", "owner_id"],
        "first_name": ["First Name", "firstname"],
        "last_name": ["Last Name", "lastname"],
        "email": ["Email", "email"],
        "title": ["Job Title", "jobtitle"],
        "company": ["Company Name", "company"],
        "country": ["Country/Region", "Country", "country"],
        "industry": ["Industry", "industry"],
        "employees": ["Number of Employees", "numemployees"],
        "source": ["Original Source", "Original Traffic Source", "hs_analytics_source"],
        "latest_source": ["Latest Source", "Latest Traffic Source", "hs_latest_source"],
        "status": ["Lead Status", "hs_lead_status"],
        "lifecycle": ["Lifecycle Stage", "lifecyclestage"],
        "mql_at": [
            'Date entered "Marketing Qualified Lead (Lifecycle Stage Pipeline)"',
            "Became a Marketing Qualified Lead Date",
            "hs_v2_date_entered_marketingqualifiedlead",
            "hs_lifecyclestage_marketingqualifiedlead_date",
        ],
        "company_ids": ["Associated Company IDs", "Associated Company ID", "associatedcompanyid"],
        "deal_ids": ["Associated Deal IDs", "Associated Deal ID"],
        "team": ["HubSpot Team", "hubspot_team_id"],
        "is_deleted": ["_fivetran_deleted", "is_deleted"],
    },
    "companies": {
        "id": ["Record ID", "Company ID", "hs_object_id", "company_id", "id"],
        "name": ["Company name", "Name", "name"],
        "country": ["Country/Region", "Country", "country"],
        "industry": ["Industry", "industry"],
        "employees": ["Number of Employees", "numberofemployees"],
        "annual_revenue": ["Annual Revenue", "annualrevenue"],
        "type": ["Type", "type"],
        "owner": ["Company owner", "hubspot_owner_id", "owner_id"],
        "created_at": ["Create Date", "createdate", "created_at"],
        "is_deleted": ["_fivetran_deleted", "is_deleted"],
    },
    "deals": {
        "id": ["Record ID", "Deal ID", "hs_object_id", "deal_id", "id"],
        "name": ["Deal Name", "dealname"],
        "stage": ["Deal Stage", "dealstage", "deal_pipeline_stage_id"],
        "pipeline": ["Pipeline", "pipeline", "deal_pipeline_id"],
        "amount": ["Amount", "amount"],
        "amount_company": ["Amount in company currency", "amount_in_home_currency"],
        "currency": ["Currency", "deal_currency_code"],
        "close_date": ["Close Date", "closedate"],
        "created_at": ["Create Date", "createdate", "created_at"],
        "owner": ["Deal owner", "hubspot_owner_id", "owner_id"],
        "type": ["Deal Type", "dealtype"],
        "probability": ["Deal probability", "hs_deal_stage_probability"],
        "source": ["Original Source", "Original Traffic Source", "hs_analytics_source"],
        "forecast": ["Forecast category", "hs_manual_forecast_category"],
        "lost_reason": ["Closed Lost Reason", "closed_lost_reason"],
        "company_ids": ["Associated Company IDs", "Associated Company ID"],
        "contact_ids": ["Associated Contact IDs", "Associated Contact ID"],
        "team": ["HubSpot Team", "hubspot_team_id"],
        "is_deleted": ["_fivetran_deleted", "is_deleted"],
    },
    "activities": {
        "id": ["Record ID", "Activity ID", "hs_object_id", "engagement_id", "id"],
        "at": ["Activity date", "Meeting start time", "hs_timestamp", "hs_meeting_start_time", "start_time"],
        "created_at": ["Create Date", "Created at", "hs_createdate", "createdate"],
        "owner": ["Activity assigned to", "Assigned to", "Call owner", "Meeting owner", "hubspot_owner_id", "owner_id"],
        "subject": [
            "Call Title",
            "Meeting name",
            "Email subject",
            "Task Title",
            "Subject",
            "hs_call_title",
            "hs_meeting_title",
            "hs_email_subject",
            "hs_task_subject",
            "title",
        ],
        "task_type": ["Task Type", "hs_task_type"],
        "contact_ids": ["Associated Contact IDs", "Associated Contact ID", "contact_id"],
        "company_ids": ["Associated Company IDs", "Associated Company ID"],
        "deal_ids": ["Associated Deal IDs", "Associated Deal ID"],
        "team": ["HubSpot Team", "hubspot_team_id"],
        "is_deleted": ["_fivetran_deleted", "is_deleted"],
    },
    "owners": {
        "id": ["Owner ID", "owner_id", "id"],
        "first_name": ["First Name", "first_name", "firstname"],
        "last_name": ["Last Name", "last_name", "lastname"],
        "email": ["Email", "email"],
        "team": ["Team", "HubSpot Team", "team"],
    },
}

# HubSpot's default sales pipeline ("Sales Pipeline", internal id `default`), as its UI labels them.
DEFAULT_PIPELINE = {
    "open": ["Appointment scheduled", "Qualified to buy", "Presentation scheduled", "Decision maker bought-in", "Contract sent"],
    "won": ["Closed won"],
    "lost": ["Closed lost"],
}
# Internal stage ids of the default pipeline -> their labels (Fivetran and internal-name exports).
DEFAULT_STAGE_IDS = {
    "appointmentscheduled": "Appointment scheduled",
    "qualifiedtobuy": "Qualified to buy",
    "presentationscheduled": "Presentation scheduled",
    "decisionmakerboughtin": "Decision maker bought-in",
    "contractsent": "Contract sent",
    "closedwon": "Closed won",
    "closedlost": "Closed lost",
}
# HubSpot's Original Source values (UI label and internal enum) -> lead source names.
DEFAULT_SOURCES = {
    "Organic Search": "Organic Search",
    "ORGANIC_SEARCH": "Organic Search",
    "Paid Search": "Paid Search",
    "PAID_SEARCH": "Paid Search",
    "Paid Social": "Paid Social",
    "PAID_SOCIAL": "Paid Social",
    "Social Media": "Social Media",
    "SOCIAL_MEDIA": "Social Media",
    "Email Marketing": "Email",
    "EMAIL_MARKETING": "Email",
    "Referrals": "Referral",
    "REFERRALS": "Referral",
    "Direct Traffic": "Web",
    "DIRECT_TRAFFIC": "Web",
    "Other Campaigns": "Other Campaigns",
    "OTHER_CAMPAIGNS": "Other Campaigns",
    "Offline Sources": "Offline",
    "OFFLINE": "Offline",
    "AI Referrals": "AI Referral",
    "AI_REFERRALS": "AI Referral",
}


def label_key(text: str) -> str:
    """A label or value -> matching key: lower case, letters and digits only (`Closed: won` = `closed won`)."""
    return re.sub(r"[^a-z0-9]", "", text.replace("\ufeff", "").lower())


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pipeline(_Strict):
    """One deal pipeline's stage labels by category."""

    open: list[str] = []
    won: list[str] = []
    lost: list[str] = []

    @model_validator(mode="after")
    def _disjoint(self) -> Pipeline:
        seen: dict[str, str] = {}
        for category in ("open", "won", "lost"):
            for stage in getattr(self, category):
                if label_key(stage) in seen:
                    raise ValueError(f"stage {stage!r} is listed under both {seen[label_key(stage)]} and {category}")
                seen[label_key(stage)] = category
        return self

    def mapping(self) -> dict[str, str]:
        """Stage label key -> 'open' | 'won' | 'lost'."""
        return {label_key(s): c for c in ("open", "won", "lost") for s in getattr(self, c)}


class HubSpot(_Strict):
    """How a HubSpot export (UI labels or internal names) maps onto the canonical model."""

    # The portal's time zone (Settings > Account defaults): UI exports write date-times in it, without offset.
    portal_time_zone: str = "UTC"
    # Internal-name exports (Fivetran, the API) write date-times in UTC.
    internal_time_zone: str = "UTC"
    # How a date such as 4/8/2025 (a spreadsheet re-save) reads: "MDY" (US) or "DMY".
    slash_date_order: str = Field("MDY", pattern="^(MDY|DMY)$")
    # Title given to owners (users) without a team, so that their calls and meetings count as sales touches.
    owner_title: str = "Sales"
    pipelines: dict[str, Pipeline] = {"Sales Pipeline": Pipeline(**DEFAULT_PIPELINE)}
    # Pipeline internal id -> label (deals exported with internal names carry `default`, not "Sales Pipeline").
    pipeline_ids: dict[str, str] = {"default": "Sales Pipeline"}
    stage_ids: dict[str, str] = DEFAULT_STAGE_IDS
    # HubSpot Team -> region; owners' own regions are regions.users (keyed by the owner's name or email).
    team_regions: dict[str, str] = {}
    sources: dict[str, str] = DEFAULT_SOURCES
    # Extra column labels per object, tried before the built-in ones (e.g. a custom MQL date property).
    columns: dict[str, dict[str, list[str]]] = {}

    @field_validator("portal_time_zone", "internal_time_zone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{v!r} is not an IANA time zone such as 'America/New_York'") from None
        return v

    @field_validator("columns")
    @classmethod
    def _known_columns(cls, v: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
        for obj, fields in v.items():
            if obj not in DEFAULT_COLUMNS:
                raise ValueError(f"hubspot.columns.{obj}: unknown object; use one of {sorted(DEFAULT_COLUMNS)}")
            for name in fields:
                if name not in DEFAULT_COLUMNS[obj]:
                    raise ValueError(f"hubspot.columns.{obj}.{name}: unknown field; use one of {sorted(DEFAULT_COLUMNS[obj])}")
        return v

    def labels(self, obj: str, name: str) -> list[str]:
        """Column names that may hold field `name` of object `obj`, configured ones first."""
        return [*self.columns.get(obj, {}).get(name, []), *DEFAULT_COLUMNS[obj][name]]

    def stage_of(self, pipeline: str, stage: str) -> tuple[str | None, str]:
        """(category 'open' | 'won' | 'lost' or None when not mapped, the label as configured) of a pipeline's stage."""
        p = self.pipelines.get(pipeline) or next(
            (q for k, q in self.pipelines.items() if label_key(k) == label_key(pipeline)), None
        )
        if p is None or label_key(stage) not in p.mapping():
            return None, stage
        label = next((s for c in ("open", "won", "lost") for s in getattr(p, c) if label_key(s) == label_key(stage)), stage)
        return p.mapping()[label_key(stage)], label
