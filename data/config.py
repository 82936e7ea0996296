"""The shared definitions: load and validate `definitions.toml`.

The file is the contract between marketing and sales, so a mistake in it must never fall back
silently to a default: unknown keys are refused and every error names the key path and the value.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
import zoneinfo
from pathlib import Path
from typing import Literal

import holidays
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from data.config_hubspot import HubSpot

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "definitions.toml"

RateDate = Literal["close_date", "created_date", "as_of_date", "period_start"]
Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_ISO_CURRENCY = re.compile(r"^[A-Z]{3}$")
# ISO 4217 currency codes (current and recently withdrawn), so that a typo such as "XYZ" is refused
# before a load rather than failing after it.
_ISO_4217_TEXT = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BYR BZD
    CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CYP CZK DEM DJF DKK DOP DZD EEK EGP ERN ESP ETB EUR
    FIM FJD FKP FRF GBP GEL GHS GIP GMD GNF GRD GTQ GYD HKD HNL HRK HTG HUF IDR IEP ILS INR IQD IRR ISK ITL JMD
    JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LTL LVL LYD MAD MDL MGA MKD MMK MNT MOP MRO
    MRU MTL MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NLG NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PTE PYG QAR RON
    RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SIT SKK SLE SLL SOS SRD SSP STD STN SVC SYP SZL THB TJS TMT TND TOP
    TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VEF VES VND VUV WST XAF XAG XAU XCD XCG XDR XOF XPD XPF
    XPT XSU XUA YER ZAR ZMK ZMW ZWG ZWL
"""
ISO_4217 = frozenset(_ISO_4217_TEXT.split())


class ConfigError(ValueError):
    """The definitions file is missing, unreadable or invalid; the message says where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Company(_Strict):
    name: str = "Company"
    fiscal_year_start_month: int = Field(1, ge=1, le=12)
    reporting_currency: str = Field("USD", min_length=3)
    # The currency of an org without multi-currency (no CurrencyIsoCode, no CurrencyType in the export):
    # every amount is in it. Empty = the reporting currency. An export's corporate CurrencyType wins.
    corporate_currency: str = ""
    export_time_zone: str = "UTC"

    @field_validator("reporting_currency", "corporate_currency")
    @classmethod
    def _iso(cls, v: str) -> str:
        if not v:  # only corporate_currency may be empty: then it is the reporting currency
            return v
        if not _ISO_CURRENCY.match(v):
            raise ValueError(f"must be a 3-letter ISO 4217 code such as USD, got {v!r}")
        if v not in ISO_4217:
            raise ValueError(f"{v!r} is not an ISO 4217 currency code (e.g. USD, EUR, GBP)")
        return v

    @field_validator("export_time_zone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return _check_tz(v)


class Currency(_Strict):
    won_lost: RateDate = "close_date"
    pipeline_generated: RateDate = "created_date"
    open_pipeline: RateDate = "as_of_date"
    constant_currency: RateDate = "period_start"
    fallback: Literal["ecb", "none"] = "ecb"


class Regions(_Strict):
    names: list[str] = ["AMER", "EMEA", "APAC", "LATAM"]
    unknown: str = "Unassigned"
    countries: dict[str, list[str]] = {}
    roles: dict[str, str] = {}
    users: dict[str, str] = {}

    @model_validator(mode="after")
    def _known_regions(self) -> Regions:
        known = set(self.names)
        for region in self.countries:
            if region not in known:
                raise ValueError(f"regions.countries names region {region!r}, which is not in regions.names {self.names}")
        for key, region in [*self.roles.items(), *self.users.items()]:
            if region not in known:
                raise ValueError(f"{key!r} maps to region {region!r}, which is not in regions.names {self.names}")
        seen: dict[str, str] = {}
        for region, countries in self.countries.items():
            for country in countries:
                if country.lower() in seen and seen[country.lower()] != region:
                    raise ValueError(f"country {country!r} is in both {seen[country.lower()]} and {region}")
                seen[country.lower()] = region
        return self

    def region_of_role(self, role_name: str | None) -> str | None:
        """Region for a role name from the first matching pattern, or None."""
        if not role_name:
            return None
        for pattern, region in self.roles.items():
            if fnmatch.fnmatchcase(role_name, pattern):
                return region
        return None


class Segment(_Strict):
    name: str
    max_employees: int = Field(ge=0)


class Stages(_Strict):
    open: list[str] = []
    won: list[str] = ["Closed Won"]
    lost: list[str] = ["Closed Lost"]

    @model_validator(mode="after")
    def _disjoint(self) -> Stages:
        seen: dict[str, str] = {}
        for category in ("open", "won", "lost"):
            for stage in getattr(self, category):
                if stage in seen:
                    raise ValueError(f"stage {stage!r} is listed under both {seen[stage]} and {category}")
                seen[stage] = category
        return self

    def mapping(self) -> dict[str, str]:
        """Stage name -> 'open' | 'won' | 'lost'."""
        return {s: c for c in ("open", "won", "lost") for s in getattr(self, c)}


class ForecastCategories(_Strict):
    """Salesforce's ForecastCategoryName values -> the forecast's groups (a value may be listed once)."""

    commit: list[str] = ["Commit"]
    best_case: list[str] = ["Best Case", "BestCase"]
    pipeline: list[str] = ["Pipeline"]
    omitted: list[str] = ["Omitted"]
    closed: list[str] = ["Closed"]

    @model_validator(mode="after")
    def _disjoint(self) -> ForecastCategories:
        seen: dict[str, str] = {}
        for group in GROUPS:
            for name in getattr(self, group):
                if name.strip().lower() in seen:
                    raise ValueError(f"forecast category {name!r} is listed under both {seen[name.strip().lower()]} and {group}")
                seen[name.strip().lower()] = group
        return self

    def mapping(self) -> dict[str, str]:
        """Forecast category name (lower case, trimmed) -> 'commit' | 'best_case' | 'pipeline' | 'omitted' | 'closed'."""
        return {n.strip().lower(): g for g in GROUPS for n in getattr(self, g)}


GROUPS = ("commit", "best_case", "pipeline", "omitted", "closed")


class Mql(_Strict):
    rule: Literal["hand_raise", "date_field"] = "hand_raise"
    hand_raise_campaign_types: list[str] = []
    hand_raise_member_statuses: list[str] = []
    date_field: str = ""

    @model_validator(mode="after")
    def _rule_needs(self) -> Mql:
        if self.rule == "date_field" and not self.date_field:
            raise ValueError('rule = "date_field" needs date_field, the export column holding the MQL date')
        if self.rule == "hand_raise" and not (self.hand_raise_campaign_types or self.hand_raise_member_statuses):
            raise ValueError('rule = "hand_raise" needs hand_raise_campaign_types or hand_raise_member_statuses')
        return self


class SlaRegion(_Strict):
    time_zone: str = "UTC"
    holidays: str = ""
    work_start: str = "09:00"
    work_end: str = "17:00"
    work_days: list[Weekday] = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    target_minutes: int | None = Field(None, gt=0)

    @field_validator("time_zone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return _check_tz(v)

    @field_validator("holidays")
    @classmethod
    def _holidays(cls, v: str) -> str:
        if v and v not in holidays.list_supported_countries():
            raise ValueError(f"{v!r} is not a country code known to the holidays library (e.g. US, GB, DE)")
        return v

    @field_validator("work_start", "work_end")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        if not _HHMM.match(v):
            raise ValueError(f"must be a 24-hour time HH:MM, got {v!r}")
        return v

    @model_validator(mode="after")
    def _order(self) -> SlaRegion:
        if self.work_end <= self.work_start:
            raise ValueError(f"work_end {self.work_end} must be after work_start {self.work_start}")
        return self


class Sla(_Strict):
    target_minutes: int = Field(15, gt=0)
    ignored_after_days: int = Field(7, gt=0)
    regions: dict[str, SlaRegion] = {}

    def target_for(self, region: str) -> int:
        """SLA target in minutes for a region (its override or the default)."""
        r = self.regions.get(region)
        return r.target_minutes if r and r.target_minutes else self.target_minutes


class Activities(_Strict):
    human_types: list[str] = ["Call", "Email", "Meeting"]
    automated_subtypes: list[str] = ["ListEmail", "Cadence"]
    automated_subject_prefixes: list[str] = []


class Sales(_Strict):
    role_keywords: list[str] = ["Sales"]


class Attribution(_Strict):
    lookback_days: int = Field(90, ge=0)
    time_decay_half_life_days: float = Field(7, gt=0)
    include_account_contacts: bool = False
    marketing_lead_sources: list[str] = []
    # Only campaign members who responded count as marketing touches (influence, sourcing, attribution).
    responded_only: bool = True


class Targets(_Strict):
    """What the Overview judges the numbers against (status and pace); the numbers themselves never depend on it."""

    # Share (0-1) of judged MQLs followed up within their region's SLA target.
    sla_compliance: float = Field(0.8, gt=0, le=1)
    # MQLs per fiscal quarter, company-wide (0 = no target); mqls_by_region sets a region's own.
    mqls_per_quarter: int = Field(0, ge=0)
    mqls_by_region: dict[str, int] = {}
    # Coverage of the remaining quota by open pipeline closing this quarter (e.g. 3 = 3x).
    coverage: float = Field(3.0, gt=0)

    @field_validator("mqls_by_region")
    @classmethod
    def _positive(cls, v: dict[str, int]) -> dict[str, int]:
        for region, n in v.items():
            if n < 0:
                raise ValueError(f"the MQL target of {region} is negative ({n})")
        return v

    def mqls_for(self, region: str | None) -> int | None:
        """The quarter's MQL target for a region (None: all regions) or None when none is set."""
        if region is None:
            return self.mqls_per_quarter or None
        return self.mqls_by_region.get(region) or None


class Ingest(_Strict):
    encoding: str = "utf-8"
    keep_versions: int = Field(3, ge=0)
    # Seconds a checked load waits beside the live database before the switch, so that running dashboards prepare
    # its results first (dashboard/warm.py); the switch happens as soon as one has (0: switch at once).
    warm_seconds: float = Field(0, ge=0, le=3600)
    max_rejected_rows: int = Field(0, ge=0)
    # A load is refused when an object has lost more than this share of its records against the live
    # database (0.5 = more than half), unless `--allow-shrink` is given.
    max_shrink_share: float = Field(0.5, ge=0, le=1)
    # Negative opportunity amounts, quotas and campaign costs: refused (false) or loaded with a warning (true).
    allow_negative_amounts: bool = False
    # Dates before 1 January of earliest_year or after 31 December of latest_year are refused.
    earliest_year: int = Field(1990, ge=1900, le=2100)
    latest_year: int = Field(2099, ge=1900, le=9998)
    # A record created more than this many days after the load started is refused (clock skew allowance).
    future_days_allowed: int = Field(1, ge=0)
    encodings: dict[str, str] = {}

    @field_validator("encoding")
    @classmethod
    def _enc(cls, v: str) -> str:
        return _check_encoding(v)

    @field_validator("encodings")
    @classmethod
    def _encs(cls, v: dict[str, str]) -> dict[str, str]:
        for enc in v.values():
            _check_encoding(enc)
        return v


Role = Literal["leadership", "regional_manager", "marketing", "viewer"]


class Grant(_Strict):
    """One access rule: the people it names (one exact email, every email of a domain, or an identity-provider
    group) get `role`; `regions` limits what they see (required for a regional manager, refused for leadership)."""

    email: str = ""
    domain: str = ""
    group: str = ""
    role: Role
    regions: list[str] = []

    @field_validator("email", "domain")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.strip().lower()

    @model_validator(mode="after")
    def _one_way_and_regions(self) -> Grant:
        given = [k for k in ("email", "domain", "group") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(f"an access rule names people one way: email, domain or group (got {given or 'none'})")
        if self.email and "@" not in self.email:
            raise ValueError(f"email {self.email!r} is not an email address")
        if self.domain and ("@" in self.domain or "." not in self.domain):
            raise ValueError(f"domain {self.domain!r} must be a domain such as example.com (no @)")
        if self.role == "regional_manager" and not self.regions:
            raise ValueError('role regional_manager needs regions, e.g. regions = ["EMEA"]')
        if self.role == "leadership" and self.regions:
            raise ValueError("role leadership sees every region: remove regions (or use regional_manager)")
        return self


class Access(_Strict):
    """Who may sign in and what they see (only used when sign-in is configured in .streamlit/secrets.toml)."""

    # One JSON line per sign-in and per export (who, when, scope). Relative paths are from the project root;
    # $CRM_AUDIT_LOG overrides it.
    audit_log: str = "warehouse/audit.log"
    # The ID-token claim that lists the person's identity-provider groups (Entra: "groups"; Okta: as configured).
    groups_claim: str = "groups"
    # A sign-in is good for this many hours from when the identity provider issued it; then sign in again.
    session_hours: float = Field(12, gt=0)
    people: list[Grant] = []


class Definitions(_Strict):
    """The whole definitions file."""

    company: Company = Company()
    currency: Currency = Currency()
    regions: Regions = Regions()
    segments: list[Segment] = [
        Segment(name="SMB", max_employees=199),
        Segment(name="Mid-Market", max_employees=999),
        Segment(name="Enterprise", max_employees=10**9),
    ]
    stages: Stages = Stages()
    forecast_categories: ForecastCategories = ForecastCategories()
    mql: Mql = Mql(hand_raise_campaign_types=["Demo Request", "Contact Us", "Pricing Request"])
    sla: Sla = Sla()
    activities: Activities = Activities()
    sales: Sales = Sales()
    attribution: Attribution = Attribution()
    campaign_channels: dict[str, str] = {}
    personas: dict[str, list[str]] = {}
    targets: Targets = Targets()
    ingest: Ingest = Ingest()
    access: Access = Access()
    hubspot: HubSpot = HubSpot()

    @model_validator(mode="after")
    def _cross_checks(self) -> Definitions:
        known = set(self.regions.names)
        for where, region in self._named_regions():
            if region not in known:
                raise ValueError(f"{where} names region {region!r}, which is not in regions.names {self.regions.names}")
        maxes = [s.max_employees for s in self.segments]
        if maxes != sorted(maxes):
            raise ValueError("segments must be listed from smallest to largest max_employees")
        return self

    def _named_regions(self) -> list[tuple[str, str]]:
        """Every region another section names, with where it is named: each must be one of regions.names."""
        named = [("targets.mqls_by_region", r) for r in self.targets.mqls_by_region]
        named += [(f"sla.regions.{r}", r) for r in self.sla.regions]
        named += [(f"access.people[{i}]", r) for i, grant in enumerate(self.access.people) for r in grant.regions]
        named += [(f"hubspot.team_regions[{team!r}]", r) for team, r in self.hubspot.team_regions.items()]
        return named

    def segment_of(self, employees: int | None) -> str | None:
        """Segment name for a number of employees, or None when unknown."""
        if employees is None:
            return None
        for seg in self.segments:
            if employees <= seg.max_employees:
                return seg.name
        return self.segments[-1].name if self.segments else None


def _check_tz(v: str) -> str:
    try:
        zoneinfo.ZoneInfo(v)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{v!r} is not an IANA time zone such as 'Europe/London'") from None
    return v


def _check_encoding(v: str) -> str:
    import codecs

    try:
        codecs.lookup(v)
    except LookupError:
        raise ValueError(f"{v!r} is not an encoding Python knows (e.g. utf-8, cp1252, latin-1)") from None
    return v


def load_definitions(path: str | Path | None = None) -> Definitions:
    """Read and validate the definitions file; raise ConfigError naming the key and value on error."""
    path = Path(path) if path else DEFAULT_CONFIG_PATH
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # a byte-order mark (Notepad) is accepted
    except FileNotFoundError:
        raise ConfigError(f"{path}: definitions file not found; pass --config PATH or restore definitions.toml") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; pass the definitions file itself with --config PATH") from None
    except PermissionError:
        raise ConfigError(f"{path}: cannot be read (permission denied); give read access to the file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 and reload") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the line named and reload") from None
    try:
        return Definitions.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
            value = err.get("input")
            shown = "" if isinstance(value, dict) else f" (value: {value!r})"
            lines.append(f"  {loc}: {err['msg']}{shown}")
        raise ConfigError(f"{path}: invalid definitions:\n" + "\n".join(lines)) from None
