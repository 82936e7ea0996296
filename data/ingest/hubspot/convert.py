"""Convert a HubSpot export into the canonical layout, so one model serves every CRM.

Each HubSpot object is read by position, its values typed (date-times to UTC from the portal's
time zone, numbers exact, probabilities 0-1 to percent, owners to users) and written as the
canonical files (`leads.csv`, `opportunities.csv` ...) that the ordinary load then reads, types,
checks and builds: stg_* and everything downstream are the same for Salesforce and HubSpot.
Canonical files in the export (`quotas.csv`, `dated_conversion_rates.csv`) are used as they are.
`Origins` remembers where each canonical record came from, so a refusal names the HubSpot file,
record, column and value.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from data.config import Definitions
from data.ingest.context import LoadWarning
from data.ingest.hubspot.activities import convert_activities
from data.ingest.hubspot.deals import DealRows, Links, convert_deals
from data.ingest.hubspot.detect import ACTIVITY_KINDS, kind_of, looks_hubspot
from data.ingest.hubspot.files import export_files
from data.ingest.hubspot.owners import Owners
from data.ingest.hubspot.people import convert_companies, convert_contacts
from data.ingest.hubspot.report import Origins, conversion_warnings
from data.ingest.hubspot.source import Source
from data.ingest.hubspot.table import Sheet, read_sheet
from data.ingest.read import IngestError, Problem
from data.schema import object_for_file

Rows = list[dict[str, str]]
_OBJ = {
    "contacts": "contacts",
    "companies": "companies",
    "deals": "deals",
    "owners": "owners",
    **{k: "activities" for k in ACTIVITY_KINDS},
}


@dataclass
class Converted:
    """The canonical folder written, the warnings of the conversion and where records came from."""

    folder: Path
    warnings: list[LoadWarning] = field(default_factory=list)
    origins: Origins = field(default_factory=Origins)


@dataclass
class _Files:
    sheets: dict[str, list[Sheet]] = field(default_factory=dict)
    passthrough: list[tuple[Path, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _sort(files: list[tuple[Path, str]]) -> _Files:
    out = _Files()
    problems: list[Problem] = []
    for path, display in files:
        try:
            sheet = read_sheet(path, display)
        except IngestError as exc:
            problems.extend(exc.problems)
            continue
        if _is_beside(path, sheet.header):
            out.passthrough.append((path, display))  # a canonical or Salesforce file beside the export (quotas, rates)
            continue
        kind = kind_of(path, sheet.header)
        if kind == "ignored":
            continue
        if kind is None:
            out.unknown.append(display)
        else:
            out.sheets.setdefault(kind, []).append(sheet)
    if problems:
        raise IngestError(problems)
    return out


# What HubSpot's CRM export lacks and may come beside it in our canonical (or Salesforce's) layout.
_BESIDE = {"ForecastingQuota", "CurrencyType", "DatedConversionRate"}


def _is_beside(path: Path, header: list[str]) -> bool:
    """A canonical file beside the export: quotas or rates, or any object under its canonical Id column."""
    obj = object_for_file(path.stem)
    if obj is None or path.suffix.lower() != ".csv" or looks_hubspot(path.stem, header):
        return False
    return obj.name in _BESIDE or obj.id_field.name in {h.strip().lower() for h in header}


def _pairs(files: _Files, kind: str) -> list[tuple[str, str]]:
    """Association file rows as (left id, right id), e.g. deal_contact -> (deal_id, contact_id)."""
    out: list[tuple[str, str]] = []
    for sheet in files.sheets.get(kind, []):
        left, right = kind.split("_")[1:3] if kind.startswith("assoc") else ("id", "name")
        li = next((i for i, h in enumerate(sheet.header) if h.lower().replace("engagement", "activity").startswith(left)), 0)
        ri = next((i for i, h in enumerate(sheet.header) if h.lower().startswith(right)), 1)
        out.extend((r[li].strip(), r[ri].strip()) for r in sheet.rows)
    return out


def _stage_labels(files: _Files) -> dict[str, str]:
    """Internal stage id -> label, from a deal_pipeline_stage file (stage_id, label) when the export has one."""
    out: dict[str, str] = {}
    for sheet in files.sheets.get("stages", []):
        keys = [h.strip().lower() for h in sheet.header]
        if "stage_id" in keys and "label" in keys:
            si, li = keys.index("stage_id"), keys.index("label")
            out.update((r[si].strip(), r[li].strip()) for r in sheet.rows)
    return out


def _contacts_deals(deal_sources: list[Source]) -> dict[str, str]:
    """Contact -> its first deal, from the deals files' association columns (a contact file may lack them)."""
    out: dict[str, str] = {}
    for src in deal_sources:
        for row in src.sheet.rows:
            for contact in src.all_ids(row, "contact_ids"):
                out.setdefault(contact, src.text(row, "id"))
    return out


def _grouped(pairs: list[tuple[str, str]], flip: bool = False) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for a, b in pairs:
        key, value = (b, a) if flip else (a, b)
        out.setdefault(key, []).append(value)
    return out


@dataclass
class _Run:
    """One conversion: the export's files, the owners met so far, the canonical tables being filled."""

    files: _Files
    defs: Definitions
    result: Converted
    owners: Owners
    sources: list[Source] = field(default_factory=list)
    tables: dict[str, Rows] = field(default_factory=dict)
    deals: DealRows = field(default_factory=DealRows)

    def sources_of(self, kind: str) -> list[Source]:
        """The files of one object, columns resolved (their refusals are collected)."""
        made = [Source(s, _OBJ[kind], self.defs) for s in self.files.sheets.get(kind, [])]
        self.sources.extend(made)
        return made

    def add(self, canonical: str, src: Source, rows: Rows, by_record: bool = True) -> None:
        """Append rows to a canonical table, remembering the HubSpot file they came from."""
        self.tables.setdefault(canonical, []).extend(self.result.origins.add(canonical, src, rows, by_record))

    def people(self, deal_sources: list[Source]) -> None:
        """Companies and contacts (contacts linked to deals through either side's association columns)."""
        deal_of = {c: d for d, c in _pairs(self.files, "assoc_deal_contact")} | _contacts_deals(deal_sources)
        company_of = dict(_pairs(self.files, "assoc_contact_company"))
        for src in self.sources_of("companies"):
            self.add("accounts", src, convert_companies(src, self.owners))
        for src in self.sources_of("contacts"):
            leads, contacts = convert_contacts(src, self.owners, deal_of, company_of)
            self.add("leads", src, leads)
            self.add("contacts", src, contacts, by_record=False)

    def deals_of(self, deal_sources: list[Source]) -> None:
        """Deals, their contact roles and stage history."""
        links = Links(
            _grouped(_pairs(self.files, "assoc_deal_contact")),
            dict(_pairs(self.files, "assoc_deal_company")),
            _stage_labels(self.files),
        )
        d = self.deals
        for src in deal_sources:
            before = len(d.opportunities), len(d.roles), len(d.history)
            convert_deals(src, self.owners, d, links)
            self.result.origins.add("opportunities", src, d.opportunities[before[0] :])
            self.result.origins.add("opportunity_contact_roles", src, d.roles[before[1] :], by_record=False)
            self.result.origins.add("opportunity_history", src, d.history[before[2] :], by_record=False)
        self.tables.update(opportunities=d.opportunities, opportunity_contact_roles=d.roles, opportunity_history=d.history)

    def activities(self) -> None:
        """Calls, emails and tasks -> tasks; meetings -> events (contact Ids kept only for converted people)."""
        contact_ids = {r["contact_id"] for r in self.tables.get("contacts", [])}
        linked = _grouped(_pairs(self.files, "assoc_activity_contact"))
        for kind in ACTIVITY_KINDS:
            for src in self.sources_of(kind):
                tasks, events = convert_activities(src, kind, self.owners, linked)
                for row in (*tasks, *events):
                    row["contact_id"] = row["contact_id"] if row["contact_id"] in contact_ids else ""
                self.add("tasks", src, tasks, by_record=kind != "meetings")
                self.add("events", src, events, by_record=kind == "meetings")

    def write(self) -> None:
        """Files beside the export copied, users from the owners, every canonical table written."""
        passthrough = {object_for_file(p.stem).canonical_file for p, _ in self.files.passthrough}  # type: ignore[union-attr]
        for path, display in self.files.passthrough:
            _copy_passthrough(path, self.result.folder / path.name, self.owners)  # quota owners become users too
            self.result.origins.passthrough[path.name] = display
        if "users" not in passthrough:
            self.tables["users"] = self.owners.rows()
        _check_required(self.files, self.tables, passthrough)
        for name, rows in self.tables.items():
            if rows or name in ("opportunities", "users"):
                write_csv(self.result.folder / f"{name}.csv", rows)


def convert_export(export_path: Path, work: Path, defs: Definitions) -> Converted:
    """Write the canonical files of a HubSpot export into `work/canonical`; refuse bad values by name."""
    files = _sort(export_files(export_path, work))
    run = _Run(files, defs, Converted(work / "canonical"), Owners(defs))
    run.result.folder.mkdir(parents=True)
    for src in run.sources_of("owners"):
        run.owners.read_owner_file(src)
    run.owners.read_teams(_pairs(files, "teams"), _pairs(files, "assoc_owner_team"))
    deal_sources = run.sources_of("deals")
    run.people(deal_sources)
    run.deals_of(deal_sources)
    run.activities()
    problems = [p for s in run.sources for p in s.problems]
    if problems:
        raise IngestError(problems)
    run.write()
    run.result.warnings = conversion_warnings(files.sheets, files.unknown, run.deals.unmapped, run.tables)
    return run.result


def _check_required(files: _Files, tables: dict[str, Rows], passthrough: set[str]) -> None:
    if "deals" not in files.sheets and "opportunities" not in passthrough:
        raise IngestError(
            [
                Problem(
                    "(export)",
                    "the export has no deals file (hubspot-crm-exports-<view>-<date>.csv with Deal Stage, or deal.csv)",
                    "Export the deals from HubSpot (CRM > Deals > Export) and add the file",
                )
            ]
        )
    if not tables.get("users"):
        raise IngestError(
            [
                Problem(
                    "(export)",
                    "no file names an owner (Contact owner, Deal owner, hubspot_owner_id), so no deal can be given to a rep",
                    "Export the deals with the 'Deal owner' column",
                )
            ]
        )


def _copy_passthrough(path: Path, dst: Path, owners: Owners) -> None:
    """A canonical file beside the export, its owners (quotas.csv: `Jane Doe`) named as the converted users."""
    obj = object_for_file(path.stem)
    if obj is None or obj.name != "ForecastingQuota":
        shutil.copyfile(path, dst)
        return
    with open(path, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    owner_cols = [i for i, h in enumerate(table[0] if table else []) if h.strip().lower() in ("owner_id", "quotaownerid")]
    for row in table[1:]:
        for i in owner_cols:
            if i < len(row):
                row[i] = owners.user_of_name(row[i])
    with open(dst, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(table)


def write_csv(path: Path, rows: Rows) -> None:
    """Write canonical rows (the union of their columns, in first-seen order)."""
    columns = list(dict.fromkeys(k for r in rows for k in r)) or ["opportunity_id"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
