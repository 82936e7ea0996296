"""What the load found, for the Data quality page: warnings and the ingest_* report tables."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import duckdb

from data.ingest.context import LoadContext, LoadedObject, LoadWarning
from data.ingest.objects import is_salesforce_layout
from data.ingest.sql import insert_many
from data.ingest.warn import run_checks, unmapped_stage_names
from data.schema import OBJECTS


def currency_warnings(loaded: dict[str, LoadedObject], corporate: str) -> list[LoadWarning]:
    """Say so when amounts carry no currency code: they were taken to be in the corporate currency."""
    out = []
    for name in ("Opportunity", "ForecastingQuota", "Campaign"):
        lo = loaded.get(name)
        if lo is not None and "currency_code" not in lo.mapping:
            out.append(
                LoadWarning(
                    "single_currency",
                    name,
                    f"no CurrencyIsoCode column: every amount is taken to be in {corporate}, the corporate currency",
                    0,
                    [],
                    "Nothing to do for a single-currency org; otherwise set company.corporate_currency in "
                    "definitions.toml or export CurrencyIsoCode",
                )
            )
    return out


def staging_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The canonical model's tables (stg_*), whose row counts the switch checks in the built file."""
    return [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'stg_%' AND NOT temporary ORDER BY 1"
        ).fetchall()
    ]


def _object_warnings(lo: LoadedObject) -> list[LoadWarning]:
    """What one object's files say: deleted and duplicate records, custom columns, parts that differ."""
    out: list[LoadWarning] = []
    if lo.deleted:
        out.append(
            LoadWarning(
                "deleted_rows",
                lo.obj.name,
                "records marked IsDeleted were left out",
                lo.deleted,
                [],
                "Nothing to do: deleted records are in the recycle bin of the CRM",
            )
        )
    if lo.duplicates:
        out.append(
            LoadWarning(
                "duplicate_rows",
                lo.obj.name,
                "exact duplicate records (same Id, same values) were loaded once",
                lo.duplicates,
                [],
                "Check that export parts do not overlap",
            )
        )
    custom = [c for c in lo.unmapped if c.lower().endswith("__c") or c.lower().endswith("_c")]
    if custom:
        out.append(
            LoadWarning(
                "custom_columns",
                lo.obj.name,
                f"{len(custom)} custom column(s) kept in {lo.obj.table} only",
                len(custom),
                custom[:5],
                "Nothing to do; map one in data/schema.py to use it in metrics",
            )
        )
    headers = [set(p.file.header) for p in lo.parts]
    if len(headers) > 1 and len({frozenset(h) for h in headers}) > 1:
        union = set().union(*headers)
        for p, h in zip(lo.parts, headers, strict=True):
            if union - h:
                out.append(
                    LoadWarning(
                        "part_missing_columns",
                        lo.obj.name,
                        f"{p.file.name} lacks columns other parts have; its records have them empty",
                        len(union - h),
                        sorted(union - h)[:5],
                        "Export every part with the same fields",
                    )
                )
    return out


def collect_warnings(
    con: duckdb.DuckDBPyConnection, loaded: dict[str, LoadedObject], no_rate: list[str], found: list[LoadWarning]
) -> list[LoadWarning]:
    """The warnings found while reading and checking, and those the built model shows."""
    out: list[LoadWarning] = list(found)
    ignored = {w.object for w in found if w.code == "not_this_object"}
    for obj in OBJECTS:
        if obj.name not in loaded and not obj.required and obj.name not in ignored:
            out.append(
                LoadWarning(
                    "missing_object",
                    obj.name,
                    f"{obj.name} is not in the export; without it: {obj.disables}",
                    0,
                    [],
                    f"Add {obj.name}.csv to the export to enable it",
                )
            )
    for lo in loaded.values():
        out.extend(_object_warnings(lo))
    if loaded.get("User") and not con.execute("SELECT count(*) FROM stg_users WHERE is_sales").fetchall()[0][0]:
        out.append(
            LoadWarning(
                "no_sales_users",
                "User",
                "no user's role or title matches [sales] role_keywords, so nobody counts as "
                "sales: no MQL is handed off and no activity is a sales touch (SLA 0%)",
                0,
                [],
                "Add the words your sales roles use (e.g. 'Account Executive', 'SDR') to [sales] role_keywords and reload",
            )
        )
    out.extend(run_checks(con))
    stages = unmapped_stage_names(con)
    if stages:
        out.append(
            LoadWarning(
                "unmapped_stage_names",
                "Opportunity",
                "stage names not in [stages]: " + ", ".join(f"{s} ({n})" for s, n in stages[:10]),
                len(stages),
                [s for s, _ in stages[:5]],
                "Add each to [stages] open, won or lost in definitions.toml and reload",
            )
        )
    for cur in no_rate:
        n, sample = con.execute(
            """
            SELECT count(*), list(opportunity_id ORDER BY opportunity_id)[1:5] FROM stg_opportunities
            WHERE currency_code = ?""",
            [cur],
        ).fetchall()[0]
        out.append(
            LoadWarning(
                "no_rate",
                "Opportunity",
                f"currency {cur} has no exchange rate in the export or the ECB history: its amounts are shown apart, unconverted",
                n,
                [str(s) for s in sample],
                f"Add {cur} to CurrencyType/DatedConversionRate in the CRM export",
            )
        )
    return out


def write_report(ctx: LoadContext) -> None:
    """Fill the ingest_* tables (data/model/90_ingest_report.sql): the load, its files, objects and warnings."""
    con, loaded = ctx.con, ctx.loaded
    for obj in OBJECTS:
        lo = loaded.get(obj.name)
        if lo is None:
            con.execute(
                "INSERT INTO ingest_table VALUES (?, ?, 'missing', 0, 0, 0, 0, 0, 0, ?)", [obj.name, obj.table, obj.disables]
            )
            continue
        read = sum(p.rows + len(p.rejected_records) for p in lo.parts)
        con.execute(
            "INSERT INTO ingest_table VALUES (?, ?, 'loaded', ?, ?, ?, ?, ?, ?, ?)",
            [obj.name, obj.table, len(lo.parts), read, lo.rejected, lo.deleted, lo.duplicates, lo.kept, obj.disables],
        )
        for i, part in enumerate(lo.parts, start=1):
            con.execute(
                "INSERT INTO ingest_file VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    obj.name,
                    part.file.name,
                    i,
                    part.file.encoding,
                    part.file.size_bytes,
                    part.rows + len(part.rejected_records),
                    len(part.rejected_records),
                    len(part.file.header),
                    [c for c in lo.unmapped if c in part.file.header],
                    datetime.fromtimestamp(part.modified_at, UTC).replace(tzinfo=None),
                ],
            )
    insert_many(con, "INSERT INTO ingest_warning VALUES (?, ?, ?, ?, ?, ?)", [list(w) for w in ctx.warnings])
    data_through = con.execute("SELECT data_through_at FROM data_extent").fetchall()[0][0]
    mtimes = [p.modified_at for lo in loaded.values() for p in lo.parts]
    text = ctx.config_file.read_text(encoding="utf-8") if ctx.config_file.exists() else ""
    con.execute(
        "INSERT INTO ingest_run VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            str(ctx.export_path),
            ctx.started.replace(tzinfo=None),
            datetime.now(UTC).replace(tzinfo=None),
            datetime.fromtimestamp(max(mtimes), UTC).replace(tzinfo=None) if mtimes else None,
            data_through,
            "salesforce" if is_salesforce_layout(loaded) else "canonical",
            ctx.corporate,
            ctx.defs.company.reporting_currency,
            str(ctx.config_file),
            hashlib.sha256(text.encode()).hexdigest(),
            text,
        ],
    )
