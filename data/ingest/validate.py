"""Value rules: values that are readable but wrong, found before anything is staged.

Each rule's condition is collected before the values are typed and evaluated in the typing pass (scan.Scan);
the rules are then counted and listed on the typed tables (`typed_<object>`, one row per record, `_rowid`
pointing into `raw_<object>`) after the type and duplicate checks. Each rule either **refuses** the records it finds (a
record-level Problem with file, record, column, value and advice: the load fails, or with
`ingest.max_rejected_rows` the records are rejected and listed) or **warns** (a counted warning in
`ingest_warning` naming the first file, record, column and value, with sample Ids).

Refused: a blank required value; a malformed Id (invisible characters anywhere; in a Salesforce
layout also non-ASCII characters such as emoji, or anything but letters and digits); a negative
amount, quota or cost (unless `ingest.allow_negative_amounts`); a probability outside 0-100; a date
outside `ingest.earliest_year`..`latest_year`; a record created in the future; an exchange rate of 0
or less; a second quota for the same owner and period; a required object with no records at all.

Warned: a record's own 18-character Id whose checksum does not match its case; an Id of letters and digits
whose length is not 15 or 18 (it will not join, like a reference to a record not in the export);
15-character Ids converted;
Ids that do not look like Salesforce Ids at all (loaded as text); archived activities; a required
object whose records are all deleted; negative amounts when they are allowed.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any

import duckdb

from data.config import ConfigError, Definitions
from data.ingest.read import Problem
from data.ingest.scan import (
    SAMPLE_LIMIT,
    Scan,
    WarningRow,
    alnum_sql,
    blank_sql,
    checksum_sql,
    length_sql,
    live,
    refuse,
    text_sql,
    typed_table,
    warn,
)

_INVISIBLE = "[\\s\\x{00}-\\x{1f}\\x{7f}-\\x{9f}\\x{a0}\\x{ad}\\x{200b}-\\x{200f}\\x{2028}-\\x{202e}\\x{2060}-\\x{2064}\\x{feff}]"


_AMOUNTS = {"Opportunity": ("amount",), "ForecastingQuota": ("amount",), "Campaign": ("budgeted_cost", "actual_cost")}
_DATES = ("created_at", "close_date", "converted_date", "period_start_date")


def collect_rules(con: duckdb.DuckDBPyConnection, lo: Any, salesforce_ids: bool, defs: Definitions, started: datetime) -> Scan:
    """Every value rule's condition for the object, collected before its values are typed (typed.create_typed_table
    evaluates them in the same pass); check_values then counts and lists them."""
    scan = Scan(con, lo)
    _rules(scan, lo, salesforce_ids, defs, started, [])
    return scan


def check_values(
    con: duckdb.DuckDBPyConnection,
    loaded: dict[str, Any],
    scans: dict[str, Scan],
    salesforce_ids: bool,
    defs: Definitions,
    started: datetime,
    problems: list[Problem],
) -> list[WarningRow]:
    """Apply every value rule (`scans`: each object's, from collect_rules): append refusals to `problems`, return
    warnings for `ingest_warning`.

    Raises ConfigError when the reporting currency has no exchange rate from any source.
    """
    check_reporting_currency(con, defs)
    warnings: list[WarningRow] = []
    for name, lo in loaded.items():
        warnings.extend(_empty_object(con, lo, problems))
        scans[name].count()
        warnings.extend(_rules(scans[name], lo, salesforce_ids, defs, started, problems))
    if "ForecastingQuota" in loaded:
        problems.extend(_duplicate_quotas(con, loaded["ForecastingQuota"]))
    return warnings


def _rules(
    scan: Scan, lo: Any, salesforce_ids: bool, defs: Definitions, started: datetime, problems: list[Problem]
) -> list[WarningRow]:
    """The object's rules: while collecting they only gather conditions, once counted they list what matched."""
    problems.extend(_blank_required(scan, lo))
    warnings = _id_rules(scan, lo, salesforce_ids, problems)
    warnings.extend(_range_rules(scan, lo, defs, started, problems))
    if "is_archived" in lo.mapping:
        warnings.extend(
            warn(
                scan,
                lo,
                "t.is_archived",
                "archived_activities",
                lo.mapping["is_archived"],
                "archived activities (IsArchived = true) were loaded; they count like any other",
                "Nothing to do; export them consistently (queryAll) so that every load has them",
            )
        )
    return warnings


def check_reporting_currency(con: duckdb.DuckDBPyConnection, defs: Definitions) -> None:
    """Refuse a reporting currency that no source can convert into, before anything is built."""
    cur = defs.company.reporting_currency
    in_export = {
        r[0]
        for r in con.execute(
            "SELECT currency_code FROM typed_currency_type WHERE rate > 0 UNION "
            "SELECT currency_code FROM typed_dated_conversion_rate WHERE rate > 0"
        ).fetchall()
    }
    corporate = con.execute("SELECT currency_code FROM typed_currency_type WHERE is_corporate").fetchall()
    if cur in in_export or cur in {r[0] for r in corporate} or (not corporate and not in_export):
        return  # with no rates in the export at all, the reporting currency is the corporate one
    if defs.currency.fallback == "ecb":
        from currency_converter import CurrencyConverter

        if cur in CurrencyConverter().currencies:
            return
    raise ConfigError(
        f"company.reporting_currency = {cur!r}: no exchange rate for it in the export (CurrencyType, "
        f"DatedConversionRate){' or the ECB history' if defs.currency.fallback == 'ecb' else ''}. "
        f"Choose one the export has rates for ({', '.join(sorted(in_export)) or 'none'}) or add its rates"
    )


def _empty_object(con: duckdb.DuckDBPyConnection, lo: Any, problems: list[Problem]) -> list[WarningRow]:
    """A required object with no records is refused; one whose records are all deleted is warned about."""
    if not lo.obj.required:
        return []
    read = sum(p.rows + len(p.rejected_records) for p in lo.parts)
    if read == 0:
        problems.append(
            Problem(
                lo.parts[0].file.name,
                f"the {lo.obj.name} export has a header but no records; without them: {lo.obj.disables}",
                "Export the object again with its records (check the export's filters)",
            )
        )
        return []
    n_live = con.execute(f"SELECT count(*) FROM {typed_table(lo)} WHERE NOT _deleted").fetchall()[0][0]
    if n_live:
        return []
    return [
        (
            "required_object_empty",
            lo.obj.name,
            f"every {lo.obj.name} record is marked deleted, so none is loaded; without them: {lo.obj.disables}",
            read,
            [],
            "Check that the export is the right one",
        )
    ]


def _blank_required(scan: Scan, lo: Any) -> list[Problem]:
    out = []
    for f in lo.obj.fields:
        col = lo.mapping.get(f.name)
        if f.required and col:
            out.extend(
                refuse(
                    scan,
                    lo,
                    blank_sql(col),
                    col,
                    "a required value is empty",
                    f"Fill in {col} in the CRM and export again, or remove the record",
                )
            )
    return out


def describe_bad_id(value: str, salesforce: bool) -> str | None:
    """Why a value is not a usable Id (None when it is fine); `salesforce` adds the 15/18 shape rules."""
    v = value.strip(" ")
    for ch in v:
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            return f"the Id contains an invisible character U+{ord(ch):04X} ({unicodedata.name(ch, 'control')})"
    if not salesforce:
        return None
    odd = next((ch for ch in v if not ch.isascii()), None)
    if odd:
        return f"the Id contains a non-ASCII character {odd!r}; Salesforce Ids are letters A-Z, a-z and digits only"
    if not v.isalnum():
        return "the Id contains characters other than letters and digits"
    if len(v) not in (15, 18):
        return f"the Id has {len(v)} characters; Salesforce Ids have 15 or 18"
    return None


def _id_rules(scan: Scan, lo: Any, salesforce: bool, problems: list[Problem]) -> list[WarningRow]:
    warnings: list[WarningRow] = []
    for f in lo.obj.fields:
        col = lo.mapping.get(f.name)
        if f.type not in ("id", "ref") or not col:
            continue
        shaped = salesforce and _looks_salesforce(scan, lo, col)
        # While collecting, whether the column looks like Salesforce Ids is not known yet: both kinds'
        # conditions are counted in the same scan, and only the matching kind's are listed.
        for kind in (False, True) if shaped is None else (shaped,):
            warnings.extend(_id_kind_rules(scan, lo, col, f.type == "id", salesforce, kind, problems))
    return warnings


def _id_kind_rules(
    scan: Scan, lo: Any, col: str, own: bool, salesforce: bool, shaped: bool, problems: list[Problem]
) -> list[WarningRow]:
    """The rules of one Id column, as Salesforce Ids (`shaped`) or as other text."""
    # A value of only letters and digits has no invisible character: the expensive pattern is tried on the rest only.
    # CASE, not AND: DuckDB computes every operand of an AND for every record (the typing pass computes each condition
    # as a column's term), but a CASE branch only for the records that reach it.
    cond = f"NOT {blank_sql(col)} AND NOT {alnum_sql(lo, col)}"
    if not shaped:
        cond = f"CASE WHEN {cond} THEN regexp_matches({text_sql(lo, col)}, '{_INVISIBLE}') ELSE false END"
    problems.extend(
        refuse(
            scan,
            lo,
            cond,
            col,
            lambda v, s=shaped: describe_bad_id(v, s) or "malformed Id",
            "Copy the Id again from the CRM (an edit in a spreadsheet may have added characters)",
        )
    )
    if shaped:
        return _id_form_warnings(scan, lo, col, own)
    if not salesforce:
        return []
    return warn(
        scan,
        lo,
        f"NOT {blank_sql(col)}",
        "ids_not_salesforce",
        col,
        f"values of {col} do not look like Salesforce Ids (15 or 18 letters and digits); they were loaded as text",
        "Nothing to do if the export comes from a sync tool that rewrites Ids; references still join on the exact text",
    )


def _looks_salesforce(scan: Scan, lo: Any, col: str) -> bool | None:
    """At least half of the column's non-blank values are 15/18 letters and digits; None while collecting."""
    values = f"{text_sql(lo, col)} <> ''"
    shaped = f"{values} AND {length_sql(lo, col)} IN (15, 18) AND {alnum_sql(lo, col)}"
    if scan.counts is None:
        scan.add(values)
        scan.add(shaped)
        return None
    n, sf = scan.counts[values], scan.counts[shaped]
    return n > 0 and sf * 2 >= n


def _id_form_warnings(scan: Scan, lo: Any, col: str, own: bool) -> list[WarningRow]:
    """Checksum (own Ids only: a changed case in a reference shows as a missing record), length, 15-character form."""
    length, alnum = length_sql(lo, col), alnum_sql(lo, col)
    checksum = (
        warn(
            scan,
            lo,
            # for 18 letters and digits, _id18(first 15) <> value says the same as comparing the last 3
            checksum_sql(lo, col),
            "id_checksum",
            col,
            f"18-character Ids in {col} whose last 3 characters do not match the case "
            "of the first 15 (changed case, e.g. by a spreadsheet): they may not join",
            "Export the Ids again from the CRM without editing them",
        )
        if own
        else []
    )
    length_warning = warn(
        scan,
        lo,
        f"{length} NOT IN (15, 18) AND {alnum}",
        "id_length",
        col,
        f"Ids in {col} with a length other than 15 or 18 (cut or padded): they will not join",
        "Export the Ids again from the CRM without editing them",
    )
    short = warn(
        scan,
        lo,
        f"{length} = 15 AND {alnum}",
        "ids_15_converted",
        col,
        f"15-character Ids in {col} were converted to their 18-character form",
        "Nothing to do; exporting 18-character Ids (Data Loader, Data Export) avoids the conversion",
    )
    return checksum + length_warning + short


def _range_rules(con: Scan, lo: Any, defs: Definitions, started: datetime, problems: list[Problem]) -> list[WarningRow]:
    rules = defs.ingest
    warnings: list[WarningRow] = []
    for name in _AMOUNTS.get(lo.obj.name, ()):
        col = lo.mapping.get(name)
        if not col:
            continue
        if rules.allow_negative_amounts:
            warnings.extend(
                warn(
                    con,
                    lo,
                    f"t.{name} < 0",
                    "negative_amount",
                    col,
                    f"negative values of {col} were loaded (ingest.allow_negative_amounts)",
                    "Check they are meant to be negative",
                )
            )
        else:
            problems.extend(
                refuse(
                    con,
                    lo,
                    f"t.{name} < 0",
                    col,
                    "the amount is negative",
                    "Fix the amount in the CRM, or set ingest.allow_negative_amounts = true if "
                    "negative amounts are meant (e.g. credit notes)",
                )
            )
    if "probability" in lo.mapping:
        problems.extend(
            refuse(
                con,
                lo,
                "t.probability NOT BETWEEN 0 AND 100",
                lo.mapping["probability"],
                "the probability is outside 0-100 (per cent)",
                "Fix the probability in the CRM",
            )
        )
    low, high = f"{rules.earliest_year}-01-01", f"{rules.latest_year}-12-31"
    future = (started + timedelta(days=rules.future_days_allowed)).replace(tzinfo=None)
    for name in _DATES:
        col = lo.mapping.get(name)
        if not col:
            continue
        upper = "" if name == "created_at" else f" OR CAST(t.{name} AS DATE) > DATE '{high}'"  # created: see below
        problems.extend(
            refuse(
                con,
                lo,
                f"CAST(t.{name} AS DATE) < DATE '{low}'{upper}",
                col,
                f"the date is outside {rules.earliest_year}-{rules.latest_year}",
                "Fix the date in the CRM (a typo or a placeholder such as 9999-12-31), or widen "
                "ingest.earliest_year / latest_year",
            )
        )
        if name == "created_at":
            problems.extend(
                refuse(
                    con,
                    lo,
                    f"t.created_at > TIMESTAMP '{future.isoformat(sep=' ')}'",
                    col,
                    f"the record was created in the future (after {future:%Y-%m-%d %H:%M} UTC)",
                    "Fix the date in the CRM, or check the clock of the machine running the ingest",
                )
            )
    if lo.obj.name in ("CurrencyType", "DatedConversionRate") and "rate" in lo.mapping:
        problems.extend(
            refuse(
                con,
                lo,
                "t.rate <= 0",
                lo.mapping["rate"],
                "the exchange rate is zero or negative",
                "Fix the rate in the CRM's currency setup: units of the currency per one unit of "
                "the corporate currency, e.g. 0.92",
            )
        )
    return warnings


def _duplicate_quotas(con: duckdb.DuckDBPyConnection, lo: Any) -> list[Problem]:
    """A second quota for the same owner and period would double the owner's quota: refuse it."""
    if not {"owner_id", "period_start_date"} <= set(lo.mapping):
        return []
    dups = con.execute(f"""
        SELECT _rowid, first_rowid, owner_id, period_start_date FROM (
            SELECT t._rowid, t.owner_id, t.period_start_date, row_number() OVER w AS n,
                   first_value(t._rowid) OVER w AS first_rowid
            FROM {live(lo)} AND t.owner_id IS NOT NULL AND t.period_start_date IS NOT NULL
            WINDOW w AS (PARTITION BY t.owner_id, t.period_start_date ORDER BY t._rowid))
        WHERE n > 1 ORDER BY _rowid LIMIT {SAMPLE_LIMIT}""").fetchall()
    out = []
    for rowid, first, owner, period in dups:
        (f1, r1), (f2, r2) = lo.locate(first), lo.locate(rowid)
        out.append(
            Problem(
                f2,
                f"a second quota for owner {owner} and period {period} (the first is {f1} record {r1}); "
                "loading both would double the quota",
                "Keep one quota per owner and period (export one forecasting type), or remove the duplicate",
                record=r2,
                column=lo.mapping["owner_id"],
                value=str(owner),
            )
        )
    return out
