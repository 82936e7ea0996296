"""The source side of the canonical model: which export objects we read and how their columns map.

Each CRM object lists its canonical fields with a type and the column names it may arrive under.
Column names are matched after normalisation (lower case, underscores removed), so Salesforce API
names (`CreatedDate`), the snake_case names sync tools write (`created_date`) and our own canonical
layout (`created_at`) all map to the same field. Columns that map to no field (custom `__c`
fields and the rest) stay in the raw table as loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

FieldType = Literal["id", "ref", "text", "timestamp", "date", "decimal", "rate", "int", "bool"]


@dataclass(frozen=True)
class Field:
    """One canonical field: its name, type, and the source column names it may come from."""

    name: str
    type: FieldType
    sources: tuple[str, ...] = ()
    required: bool = False

    def candidates(self) -> tuple[str, ...]:
        """Normalised column names that map to this field (the canonical name itself included)."""
        return tuple(dict.fromkeys(normalise_column(s) for s in (*self.sources, self.name)))


@dataclass(frozen=True)
class SourceObject:
    """A CRM object as exported (one CSV per object, possibly in parts)."""

    name: str  # Salesforce API name, e.g. "Opportunity"
    table: str  # raw table name, e.g. "raw_opportunity"
    canonical_file: str  # our own layout's file name stem, e.g. "opportunities"
    fields: tuple[Field, ...]
    required: bool = False
    disables: str = ""  # what is unavailable when the object is missing
    aliases: tuple[str, ...] = field(default=())

    @property
    def id_field(self) -> Field:
        return self.fields[0]


def normalise_column(name: str) -> str:
    """Column name -> matching key: lower case, byte-order mark, spaces and underscores removed."""
    return re.sub(r"[\s_\-]", "", name.replace("\ufeff", "")).lower()


def normalise_object_name(file_stem: str) -> str:
    """File stem -> object key: `Opportunity_2`, `sf_opportunity_data`, `opportunity` -> `opportunity`."""
    stem = file_stem.lower()
    stem = re.sub(r"^sf_", "", stem)
    stem = re.sub(r"_data$", "", stem)
    stem = re.sub(r"([_\-\s]?(part)?[_\-\s]?\d+)$", "", stem)  # part suffix: _1, -2, part3
    return re.sub(r"[^a-z0-9]", "", stem)


def _f(name: str, type_: FieldType, *sources: str, required: bool = False) -> Field:
    return Field(name, type_, tuple(sources), required)


OBJECTS: tuple[SourceObject, ...] = (
    SourceObject(
        "User",
        "raw_user",
        "users",
        required=True,
        disables="owners, regions and sales users: nothing can be attributed to a rep or region",
        fields=(
            _f("user_id", "id", "Id", required=True),
            _f("user_name", "text", "Name"),
            _f("first_name", "text", "FirstName"),
            _f("last_name", "text", "LastName"),
            _f("email", "text", "Email"),
            _f("title", "text", "Title"),
            _f("department", "text", "Department"),
            _f("manager_id", "ref", "ManagerId"),
            _f("role_id", "ref", "UserRoleId"),
            _f("country", "text", "CountryCode", "Country"),
            _f("region_override", "text", "Region__c", "region"),
            _f("is_active", "bool", "IsActive"),
            _f("is_deleted", "bool", "IsDeleted"),
        ),
    ),
    SourceObject(
        "UserRole",
        "raw_user_role",
        "user_roles",
        disables="user regions and sales/marketing roles from role names (users fall back to regions.users and their country)",
        fields=(
            _f("role_id", "id", "Id", required=True),
            _f("role_name", "text", "Name"),
            _f("parent_role_id", "ref", "ParentRoleId"),
        ),
    ),
    SourceObject(
        "Account",
        "raw_account",
        "accounts",
        disables="account countries, segments and firmographics; opportunities take their region from the owner only",
        fields=(
            _f("account_id", "id", "Id", required=True),
            _f("account_name", "text", "Name"),
            _f("country", "text", "BillingCountryCode", "BillingCountry", "ShippingCountry"),
            _f("industry", "text", "Industry"),
            _f("employees", "int", "NumberOfEmployees"),
            _f("annual_revenue", "decimal", "AnnualRevenue"),
            _f("account_type", "text", "Type"),
            _f("segment_override", "text", "Segment__c", "segment"),
            _f("owner_id", "ref", "OwnerId"),
            _f("created_at", "timestamp", "CreatedDate"),
            _f("is_deleted", "bool", "IsDeleted"),
        ),
    ),
    SourceObject(
        "Lead",
        "raw_lead",
        "leads",
        disables="the lead funnel and MQLs of unconverted people",
        fields=(
            _f("lead_id", "id", "Id", required=True),
            _f("created_at", "timestamp", "CreatedDate", required=True),
            _f("owner_id", "ref", "OwnerId"),
            _f("first_name", "text", "FirstName"),
            _f("last_name", "text", "LastName"),
            _f("email", "text", "Email"),
            _f("title", "text", "Title"),
            _f("company", "text", "Company"),
            _f("country", "text", "CountryCode", "Country"),
            _f("industry", "text", "Industry"),
            _f("employees", "int", "NumberOfEmployees"),
            _f("lead_source", "text", "LeadSource"),
            _f("status", "text", "Status"),
            _f("is_converted", "bool", "IsConverted"),
            _f("converted_date", "date", "ConvertedDate"),
            _f("converted_contact_id", "ref", "ConvertedContactId"),
            _f("converted_account_id", "ref", "ConvertedAccountId"),
            _f("converted_opportunity_id", "ref", "ConvertedOpportunityId"),
            _f("is_deleted", "bool", "IsDeleted"),
        ),
    ),
    SourceObject(
        "Contact",
        "raw_contact",
        "contacts",
        disables="touches by contacts, so influence and attribution through contact roles",
        fields=(
            _f("contact_id", "id", "Id", required=True),
            _f("account_id", "ref", "AccountId"),
            _f("created_at", "timestamp", "CreatedDate"),
            _f("owner_id", "ref", "OwnerId"),
            _f("first_name", "text", "FirstName"),
            _f("last_name", "text", "LastName"),
            _f("email", "text", "Email"),
            _f("title", "text", "Title"),
            _f("country", "text", "MailingCountryCode", "MailingCountry"),
            _f("lead_source", "text", "LeadSource"),
            _f("is_deleted", "bool", "IsDeleted"),
        ),
    ),
    SourceObject(
        "Campaign",
        "raw_campaign",
        "campaigns",
        disables="channels, campaign costs and the hand-raise MQL rule by campaign type",
        fields=(
            _f("campaign_id", "id", "Id", required=True),
            _f("campaign_name", "text", "Name"),
            _f("campaign_type", "text", "Type"),
            _f("status", "text", "Status"),
            _f("start_date", "date", "StartDate"),
            _f("end_date", "date", "EndDate"),
            _f("budgeted_cost", "decimal", "BudgetedCost"),
            _f("actual_cost", "decimal", "ActualCost"),
            _f("currency_code", "text", "CurrencyIsoCode"),
            _f("parent_campaign_id", "ref", "ParentId"),
            _f("is_active", "bool", "IsActive"),
            _f("is_deleted", "bool", "IsDeleted"),
        ),
    ),
    SourceObject(
        "CampaignMember",
        "raw_campaign_member",
        "campaign_members",
        disables="marketing touches: hand-raise MQLs, pipeline influence and attribution",
        fields=(
            _f("campaign_member_id", "id", "Id", required=True),
            _f("campaign_id", "ref", "CampaignId", required=True),
            _f("lead_id", "ref", "LeadId"),
            _f("contact_id", "ref", "ContactId"),
            _f("status", "text", "Status"),
            _f("has_responded", "bool", "HasResponded"),
            _f("created_at", "timestamp", "CreatedDate", required=True),
            _f("first_responded_date", "date", "FirstRespondedDate"),
            _f("is_deleted", "bool", "IsDeleted"),
        ),
    ),
    SourceObject(
        "Opportunity",
        "raw_opportunity",
        "opportunities",
        required=True,
        disables="pipeline, bookings and quota attainment",
        fields=(
            _f("opportunity_id", "id", "Id", required=True),
            _f("opportunity_name", "text", "Name"),
            _f("account_id", "ref", "AccountId"),
            _f("owner_id", "ref", "OwnerId"),
            _f("amount", "decimal", "Amount"),
            _f("currency_code", "text", "CurrencyIsoCode"),
            _f("stage_name", "text", "StageName", required=True),
            _f("is_closed", "bool", "IsClosed"),
            _f("is_won", "bool", "IsWon"),
            _f("created_at", "timestamp", "CreatedDate", required=True),
            _f("close_date", "date", "CloseDate", required=True),
            _f("lead_source", "text", "LeadSource"),
            _f("campaign_id", "ref", "CampaignId"),
            _f("opportunity_type", "text", "Type"),
            _f("probability", "decimal", "Probability"),
            _f("forecast_category", "text", "ForecastCategoryName", "ForecastCategory"),
            _f("is_deleted", "bool", "IsDeleted"),
        ),
    ),
    SourceObject(
        "OpportunityContactRole",
        "raw_opportunity_contact_role",
        "opportunity_contact_roles",
        disables="links from opportunities to the people marketing touched (influence and attribution see only converted leads)",
        fields=(
            _f("opportunity_contact_role_id", "id", "Id", required=True),
            _f("opportunity_id", "ref", "OpportunityId", required=True),
            _f("contact_id", "ref", "ContactId", required=True),
            _f("role", "text", "Role"),
            _f("is_primary", "bool", "IsPrimary"),
            _f("is_deleted", "bool", "IsDeleted"),
        ),
    ),
    SourceObject(
        "OpportunityHistory",
        "raw_opportunity_history",
        "opportunity_history",
        disables=(
            "deals as they stood on a past as-of date (a deal's current stage and amount are used, open until "
            "its close date) and stage velocity (age in stage falls back to age since creation)"
        ),
        fields=(
            _f("opportunity_history_id", "id", "Id", required=True),
            _f("opportunity_id", "ref", "OpportunityId", required=True),
            _f("stage_name", "text", "StageName"),
            _f("amount", "decimal", "Amount"),
            _f("close_date", "date", "CloseDate"),
            _f("created_at", "timestamp", "CreatedDate", required=True),
            _f("is_deleted", "bool", "IsDeleted"),
        ),
    ),
    SourceObject(
        "Task",
        "raw_task",
        "tasks",
        disables="calls and emails by sales: follow-up SLA and accepted leads",
        fields=(
            _f("activity_id", "id", "Id", required=True),
            _f("who_id", "ref", "WhoId"),
            _f("what_id", "ref", "WhatId"),
            _f("lead_id", "ref"),
            _f("contact_id", "ref"),
            _f("account_id", "ref", "AccountId"),
            _f("owner_id", "ref", "OwnerId"),
            _f("subject", "text", "Subject"),
            _f("activity_type", "text", "Type"),
            _f("activity_subtype", "text", "TaskSubtype"),
            _f("created_at", "timestamp", "CreatedDate", required=True),
            _f("completed_at", "timestamp", "CompletedDateTime"),
            _f("activity_date", "date", "ActivityDate"),
            _f("status", "text", "Status"),
            _f("is_archived", "bool", "IsArchived"),
            _f("is_deleted", "bool", "IsDeleted"),
        ),
    ),
    SourceObject(
        "Event",
        "raw_event",
        "events",
        disables="meetings by sales: follow-up SLA and accepted leads",
        fields=(
            _f("activity_id", "id", "Id", required=True),
            _f("who_id", "ref", "WhoId"),
            _f("what_id", "ref", "WhatId"),
            _f("lead_id", "ref"),
            _f("contact_id", "ref"),
            _f("account_id", "ref", "AccountId"),
            _f("owner_id", "ref", "OwnerId"),
            _f("subject", "text", "Subject"),
            _f("activity_type", "text", "Type"),
            _f("activity_subtype", "text", "EventSubtype"),
            _f("created_at", "timestamp", "CreatedDate", required=True),
            _f("start_at", "timestamp", "StartDateTime", "ActivityDateTime"),
            _f("is_archived", "bool", "IsArchived"),
            _f("is_deleted", "bool", "IsDeleted"),
        ),
    ),
    SourceObject(
        "ForecastingQuota",
        "raw_forecasting_quota",
        "quotas",
        disables="quota attainment, pacing, gap and coverage",
        fields=(
            _f("quota_id", "id", "Id", required=True),
            _f("owner_id", "ref", "QuotaOwnerId", required=True),
            _f("period_start_date", "date", "StartDate", required=True),
            _f("amount", "decimal", "QuotaAmount", required=True),
            _f("currency_code", "text", "CurrencyIsoCode"),
            _f("period_id", "text", "PeriodId"),
            _f("is_deleted", "bool", "IsDeleted"),
        ),
    ),
    SourceObject(
        "CurrencyType",
        "raw_currency_type",
        "currency_types",
        disables="the export's own static exchange rates (the ECB history is used instead)",
        fields=(
            _f("currency_type_id", "id", "Id"),
            _f("currency_code", "text", "IsoCode", required=True),
            _f("rate", "rate", "ConversionRate", required=True),
            _f("decimal_places", "int", "DecimalPlaces"),
            _f("is_active", "bool", "IsActive"),
            _f("is_corporate", "bool", "IsCorporate"),
        ),
    ),
    SourceObject(
        "DatedConversionRate",
        "raw_dated_conversion_rate",
        "dated_conversion_rates",
        disables="the export's own dated exchange rates (static rates or the ECB history are used instead)",
        fields=(
            _f("dated_conversion_rate_id", "id", "Id"),
            _f("currency_code", "text", "IsoCode", required=True),
            _f("start_date", "date", "StartDate", required=True),
            _f("next_start_date", "date", "NextStartDate"),
            _f("rate", "rate", "ConversionRate", required=True),
        ),
    ),
)

OBJECTS_BY_KEY: dict[str, SourceObject] = {}
for _obj in OBJECTS:
    for _key in (_obj.name, _obj.canonical_file, *_obj.aliases):
        OBJECTS_BY_KEY[normalise_object_name(_key)] = _obj
# Salesforce sync tools' plural and table names that differ from the rules above.
OBJECTS_BY_KEY["userrole"] = OBJECTS_BY_KEY[normalise_object_name("UserRole")]


def object_for_file(file_stem: str) -> SourceObject | None:
    """Which CRM object a CSV file holds, judged by its name (`Lead.csv`, `Lead_2.csv`, `leads.csv`)."""
    return OBJECTS_BY_KEY.get(normalise_object_name(file_stem))
