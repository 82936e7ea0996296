"""What a HubSpot conversion tells the Data quality page, and where each canonical record came from."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from data.ingest.context import LoadWarning
from data.ingest.hubspot.source import Source
from data.ingest.hubspot.table import Sheet
from data.ingest.read import Problem

Rows = list[dict[str, str]]

# HubSpot object -> what is unavailable without it (said on the Data quality page).
DISABLES = {
    "contacts": "people: the lead funnel, MQLs (by source, persona, region) and the follow-up SLA",
    "companies": "accounts: countries, segments and firmographics (deals take their region from the owner only)",
    "calls": "calls logged by reps: the follow-up SLA counts only the other activities",
    "meetings": "meetings logged by reps: the follow-up SLA counts only the other activities",
}
ATTRIBUTION = (
    "HubSpot exports carry no marketing touches (campaign memberships), so multi-touch attribution "
    "(linear, U-shaped, W-shaped, full path, time decay) and influenced pipeline cannot be computed; "
    "available: first touch by lead source (Original Source; Latest Source is kept in the raw contacts as latest_source)"
)


@dataclass(frozen=True)
class _Span:
    display: str
    first: int  # first canonical row (0-based) of this HubSpot file in the canonical file
    rows: int
    by_record: bool  # one canonical row per HubSpot record, in order
    columns: dict[str, str]  # canonical column -> HubSpot header


@dataclass
class Origins:
    """Canonical file -> the HubSpot files its records came from, to name them in refusals."""

    spans: dict[str, list[_Span]] = field(default_factory=dict)
    passthrough: dict[str, str] = field(default_factory=dict)

    def add(self, canonical: str, src: Source, rows: Rows, by_record: bool = True) -> Rows:
        """Remember that `rows` (appended to `canonical`) came from `src`; returns `rows`."""
        spans = self.spans.setdefault(canonical, [])
        first = spans[-1].first + spans[-1].rows if spans else 0
        columns = {c: src.header_of(c) for c in src.cols}
        spans.append(_Span(src.sheet.name, first, len(rows), by_record, columns))
        return rows

    def remap(self, p: Problem) -> Problem:
        """A problem found in a canonical file, named by the HubSpot file (record and column when known)."""
        stem = p.file.rsplit("/", 1)[-1]
        if stem in self.passthrough:
            return replace(p, file=self.passthrough[stem])
        spans = self.spans.get(stem.removesuffix(".csv"), [])
        span = next(
            (s for s in spans if p.record is not None and s.first < p.record <= s.first + s.rows), spans[0] if spans else None
        )
        if span is None:
            return p
        record = p.record - span.first if span.by_record and p.record else (0 if p.record == 0 else None)
        column = _hubspot_column(span, p.column)
        return replace(p, file=span.display, record=record, column=column)


def _hubspot_column(span: _Span, column: str | None) -> str | None:
    if column is None:
        return None
    names = {
        "opportunity_id": "id",
        "lead_id": "id",
        "contact_id": "id",
        "account_id": "id",
        "activity_id": "id",
        "opportunity_name": "name",
        "account_name": "name",
        "stage_name": "stage",
        "owner_id": "owner",
        "lead_source": "source",
        "mql_field_at": "mql_at",
        "completed_at": "at",
        "start_at": "at",
        "currency_code": "currency",
        "annual_revenue": "annual_revenue",
    }
    if column == "created_at" and "created_at" not in span.columns:  # an activity's creation defaults to its date
        column = "at"
    return span.columns.get(names.get(column, column), column)


def conversion_warnings(
    sheets: dict[str, list[Sheet]], unknown: list[str], unmapped: Counter[tuple[str, str]], tables: dict[str, Rows]
) -> list[LoadWarning]:
    """Missing HubSpot objects, unmapped stage labels, files not understood, and the attribution models available."""
    out = [
        LoadWarning(
            "hubspot_missing_object",
            kind,
            f"the export has no {kind} file; without it: {what}",
            1,
            [kind],
            f"Export the {kind} from HubSpot and load again",
        )
        for kind, what in DISABLES.items()
        if kind not in sheets
    ]
    if unmapped:
        listed = [f'"{stage}" ({pipeline})' for (pipeline, stage), _ in unmapped.most_common()]
        out.append(
            LoadWarning(
                "hubspot_unmapped_stage",
                "Opportunity",
                f"deal stage labels no pipeline of hubspot.pipelines maps (counted as open): {', '.join(listed)}",
                sum(unmapped.values()),
                listed[:20],
                'Add each label to open, won or lost of [hubspot.pipelines."<Pipeline>"] in definitions.toml',
            )
        )
    out.extend(
        LoadWarning(
            "unknown_file",
            "-",
            f"file {name} is not a HubSpot object this product reads and was ignored",
            1,
            [name],
            "Export contacts, companies, deals, calls or meetings; other files are not used",
        )
        for name in unknown
    )
    sources = {r.get("lead_source", "") for r in tables.get("leads", [])} - {""}
    out.append(
        LoadWarning(
            "attribution_models",
            "CampaignMember",
            ATTRIBUTION,
            len(sources),
            sorted(sources)[:10],
            "Nothing to do: marketing is judged by lead source (first touch); influence needs campaign touches",
        )
    )
    return out
