"""Every metric on the hand-built fixture (tests/fixtures/metrics/README.md): literal rows in, exact rows out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data.ingest import ingest
from queries import all_queries, run_query
from queries.__main__ import default_params
from tests.conftest import FIXTURES, ROOT_DIR

METRICS = FIXTURES / "metrics"
Q4 = {
    "start_date": dt.date(2026, 10, 1),
    "end_date": dt.date(2026, 12, 31),
    "as_of": dt.date(2026, 11, 20),
    "dimension": "source",
    "currency": "USD",
    "region": None,
    "segment": None,
    "owner": None,
    "since": dt.date(2026, 11, 6),
}


@pytest.fixture(scope="module")
def con(metrics_db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(metrics_db), read_only=True)


def records(frame: pd.DataFrame) -> list[tuple]:
    """Rows as tuples with floats rounded to 6 places and NaN as None, for exact comparison."""
    out = []
    for row in frame.itertuples(index=False):
        out.append(
            tuple(None if (isinstance(v, float) and pd.isna(v)) else round(v, 6) if isinstance(v, float) else v for v in row)
        )
    return out


def named(frame: pd.DataFrame) -> list[dict]:
    """Rows as {column: value} (floats rounded to 6 places, NaN as None): exact rows a reader can follow."""
    return [dict(zip(frame.columns, row, strict=True)) for row in records(frame)]


def q(con: duckdb.DuckDBPyConnection, name: str, **overrides: object) -> pd.DataFrame:
    return run_query(con, name, {**Q4, "model": "linear", **overrides})


def test_pipeline_generated(con: duckdb.DuckDBPyConnection) -> None:
    # O1 10,000 + O2 25,000 (20,000 EUR at 0.80) + O3 5,000 have touches before creation; O4 16,000
    # (8,000 GBP at 0.5) is a partner deal; O5 is in ARS, which has no rate: counted, never summed.
    assert named(q(con, "pipeline_generated")) == [
        {"sourced_by": "Marketing", "channel": "Email", "opportunities": 3, "amount": 40000.0, "unconverted_opportunities": 0},
        {"sourced_by": "Sales", "channel": "Sales", "opportunities": 1, "amount": 16000.0, "unconverted_opportunities": 1},
    ]
    assert named(q(con, "pipeline_generated", region="EMEA")) == [
        {"sourced_by": "Marketing", "channel": "Email", "opportunities": 1, "amount": 25000.0, "unconverted_opportunities": 0},
        {"sourced_by": "Sales", "channel": "Sales", "opportunities": 1, "amount": 16000.0, "unconverted_opportunities": 1},
    ]
    assert named(q(con, "pipeline_generated", segment="SMB")) == [
        {"sourced_by": "Marketing", "channel": "Email", "opportunities": 2, "amount": 15000.0, "unconverted_opportunities": 0}
    ]
    # the same pipeline in EUR at each creation date: O1 10,000 USD at 0.80 = 8,000; O3 (created 11-01)
    # 5,000 USD at 0.75 = 3,750; O2 20,000 as it is; O4 8,000 GBP / 0.5 * 0.80 = 12,800
    assert named(q(con, "pipeline_generated", currency="EUR")) == [
        {"sourced_by": "Marketing", "channel": "Email", "opportunities": 3, "amount": 31750.0, "unconverted_opportunities": 0},
        {"sourced_by": "Sales", "channel": "Sales", "opportunities": 1, "amount": 12800.0, "unconverted_opportunities": 1},
    ]


def test_pipeline_influenced_never_exceeds_total(con: duckdb.DuckDBPyConnection) -> None:
    assert named(q(con, "pipeline_influenced")) == [
        {
            "opportunities": 4,
            "amount": 56000.0,
            "influenced_opportunities": 3,
            "influenced_amount": 40000.0,
            "unconverted_opportunities": 1,
        }
    ]
    # per channel an opportunity counts once: O1 was touched by Email twice, Webinar twice (one after creation)
    assert named(q(con, "pipeline_influenced_by_channel")) == [
        {"channel": "Email", "influenced_opportunities": 3, "influenced_amount": 40000.0},
        {"channel": "Webinar", "influenced_opportunities": 1, "influenced_amount": 10000.0},
        {"channel": "Website", "influenced_opportunities": 1, "influenced_amount": 10000.0},
    ]
    # an as-of date is a point in time: on 10-02 no opportunity existed yet; on 10-12 O1 (created 10-05,
    # touches before it) and O2 (created 10-10, Email 10-08; 20,000 EUR at 0.80) did, O4 and O5 did not
    assert named(q(con, "pipeline_influenced", as_of=dt.date(2026, 10, 2))) == [
        {
            "opportunities": 0,
            "amount": 0.0,
            "influenced_opportunities": 0,
            "influenced_amount": 0.0,
            "unconverted_opportunities": 0,
        }
    ]
    assert named(q(con, "pipeline_influenced", as_of=dt.date(2026, 10, 12))) == [
        {
            "opportunities": 2,
            "amount": 35000.0,
            "influenced_opportunities": 2,
            "influenced_amount": 35000.0,
            "unconverted_opportunities": 0,
        }
    ]


def _time_decay(amount: float, created: dt.datetime, touches: dict[str, dt.datetime], half_life: float = 7) -> dict:
    weights = {k: 0.5 ** ((created - t).total_seconds() / 86400 / half_life) for k, t in touches.items()}
    total = sum(weights.values())
    return {k: round(amount * w / total, 2) for k, w in weights.items()}


ATTRIBUTION = {
    # O1 (10,000): M1 Email, M2 Webinar, M3 Demo (Website, the hand-raise), M4 Email before creation;
    # M5 Webinar after. O2 (25,000) and O3 (5,000): one Email touch each. O4 (16,000): none.
    "first_touch": {"Email": 40000.0, "Webinar": 0.0, "Website": 0.0},
    "last_touch": {"Email": 40000.0, "Webinar": 0.0, "Website": 0.0},
    "linear": {"Email": 35000.0, "Webinar": 2500.0, "Website": 2500.0},  # 2,500 each on O1
    "u_shaped": {"Email": 38000.0, "Webinar": 1000.0, "Website": 1000.0},  # 40/10/10/40
    "w_shaped": {"Email": 36000.0, "Webinar": 1000.0, "Website": 3000.0},  # 30/10/30(M3 middle)/30
    "full_path": {"Email": 34500.0, "Webinar": 3250.0, "Website": 2250.0},  # 22.5 x M1,M3,M4,M5 + 10 M2
}


@pytest.mark.parametrize("model", [*ATTRIBUTION, "time_decay"])
def test_attribution_credit_by_model(con: duckdb.DuckDBPyConnection, model: str) -> None:
    got = {r[0]: r[3] for r in records(q(con, "attribution_credit", model=model))}
    if model == "time_decay":
        d = _time_decay(
            10000,
            dt.datetime(2026, 10, 5, 10),
            {
                "M1": dt.datetime(2026, 9, 1, 9),
                "M2": dt.datetime(2026, 9, 20, 15),
                "M3": dt.datetime(2026, 10, 1, 14),
                "M4": dt.datetime(2026, 10, 3, 12),
            },
        )
        expected = {"Email": round(d["M1"] + d["M4"] + 30000, 2), "Webinar": d["M2"], "Website": d["M3"]}
        assert expected == {"Email": 34848.59, "Webinar": 1300.94, "Website": 3850.47}
    else:
        expected = dict(ATTRIBUTION[model])
    assert got == {**expected, "Unattributed": 16000.0}
    assert round(sum(got.values()), 2) == 56000.0  # the ledger reconciles to total pipeline


def test_attribution_ledger_reconciles_for_every_model(con: duckdb.DuckDBPyConnection) -> None:
    ledger = records(q(con, "attribution_ledger"))
    assert [r[0] for r in ledger] == ["first_touch", "last_touch", "linear", "u_shaped", "w_shaped", "full_path", "time_decay"]
    for model, total, attributed, unattributed in ledger:
        assert (total, attributed, unattributed) == (56000.0, 40000.0, 16000.0), model


def test_sla_by_region(con: duckdb.DuckDBPyConnection) -> None:
    # K1: 10 min (10:00 New York); L2: 70 wall-clock minutes but 10 business minutes (MQL at 08:00,
    # office opens 09:00); L3: never touched, its 15 minutes passed long before the end of 11-20.
    assert named(q(con, "sla_by_region")) == [
        {
            "region": "AMER",
            "target_minutes": 15,
            "mqls": 3,
            "touched": 2,  # K1, L2
            "within_target": 1,  # K1
            "within_target_business": 2,  # K1, and L2 within 10 business minutes
            "breached_untouched": 1,  # L3
            "pending": 0,
            "ignored": 0,
            "compliance": round(1 / 3, 6),
            "compliance_business": round(2 / 3, 6),
            "median_minutes": 40.0,  # of 10 and 70
            "p90_minutes": 64.0,
            "median_business_minutes": 10.0,
            "p90_business_minutes": 10.0,
        }
    ]
    # on 11-19 at the end of the day L3 was open for 14 hours: still a breach, not yet ignored (7 days)
    assert q(con, "sla_by_region", as_of=dt.date(2026, 11, 19))["breached_untouched"].tolist() == [1]
    assert q(con, "sla_by_region", as_of=dt.date(2026, 11, 27))["ignored"].tolist() == [1]
    assert q(con, "sla_by_region", region="EMEA").empty


def test_lead_funnel(con: duckdb.DuckDBPyConnection) -> None:
    # Q4 leads: L2, L3 (AMER), L4 (EMEA); MQLs K1, L2, L3; handed off K1, L2 (L3 is queue-owned);
    # accepted K1, L2; converted K1 (L1 -> O1), won O1.
    assert named(q(con, "lead_funnel")) == [
        {"region": "AMER", "leads": 2, "mqls": 3, "handed_off": 2, "accepted": 2, "converted": 1, "won": 1},
        {"region": "EMEA", "leads": 1, "mqls": 0, "handed_off": 0, "accepted": 0, "converted": 0, "won": 0},
    ]


def test_quota_attainment_rolls_up(con: duckdb.DuckDBPyConnection) -> None:
    frame = q(con, "quota_attainment")
    cols = ["level", "name", "quota", "won", "attainment", "gap", "open_pipeline", "coverage", "unconverted_deals"]
    got = [dict(zip(cols, r, strict=True)) for r in records(frame[cols])]
    # Eve's quota: 48,000 EUR at the quarter's start (0.80) = 60,000; her O2 won 11-10: 20,000 EUR at 0.75
    emea_won = 26666.67

    def row(level: str, name: str, quota: float, won: float, gap: float, open_: float, coverage: float, unconverted: int):
        return {
            "level": level,
            "name": name,
            "quota": quota,
            "won": won,
            "attainment": round(won / quota, 6),
            "gap": gap,
            "open_pipeline": open_,
            "coverage": coverage,
            "unconverted_deals": unconverted,
        }

    assert got == [
        row(
            "company",
            "Company",
            quota=150000.0,
            won=36666.67,
            gap=113333.33,
            open_=5000.0,
            coverage=round(5000 / 113333.33, 6),
            unconverted=1,
        ),
        row("region", "AMER", quota=90000.0, won=10000.0, gap=80000.0, open_=5000.0, coverage=0.0625, unconverted=0),
        row("region", "EMEA", quota=60000.0, won=emea_won, gap=33333.33, open_=0.0, coverage=0.0, unconverted=1),
        row("manager", "Cat Director", quota=90000.0, won=10000.0, gap=80000.0, open_=5000.0, coverage=0.0625, unconverted=0),
        row("manager", "Fay Director", quota=60000.0, won=emea_won, gap=33333.33, open_=0.0, coverage=0.0, unconverted=1),
        row("rep", "Ada AE", quota=50000.0, won=10000.0, gap=40000.0, open_=0.0, coverage=0.0, unconverted=0),
        row("rep", "Ben AE", quota=40000.0, won=0.0, gap=40000.0, open_=5000.0, coverage=0.125, unconverted=0),
        row("rep", "Eve AE", quota=60000.0, won=emea_won, gap=33333.33, open_=0.0, coverage=0.0, unconverted=1),
    ]
    assert frame["elapsed_share"].round(6).unique().tolist() == [round(51 / 92, 6)]  # Oct 1 - Nov 20 of 92 days
    eur = q(con, "quota_attainment", region="EMEA", currency="EUR")
    assert records(eur[["level", "quota", "won"]])[0] == ("company", 48000.0, 20000.0)


def test_money_is_decimal_to_the_cent(con: duckdb.DuckDBPyConnection) -> None:
    amount = con.execute("SELECT convert_money(CAST(10000 AS DECIMAL(18,2)), 1 / 3.0)").fetchone()[0]
    assert amount == Decimal("3333.33")


def test_future_and_weekend_dates_still_convert(con: duckdb.DuckDBPyConnection) -> None:
    # 2026-11-21 is a Saturday; 2031 is past any rate in the export: both take the nearest rate
    factors = con.execute("""SELECT rate_date, factor FROM fx_conversion WHERE from_currency = 'EUR' AND to_currency = 'USD'
                             AND rate_date IN (fx_day(DATE '2026-11-21'), fx_day(DATE '2031-01-01')) ORDER BY 1""").fetchall()
    assert [round(f, 6) for _, f in factors] == [round(1 / 0.75, 6), round(1 / 0.75, 6)]


def _with_definitions(tmp_path: Path, replacements: dict[str, str]) -> duckdb.DuckDBPyConnection:
    text = (ROOT_DIR / "definitions.toml").read_text()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    config = tmp_path / "defs.toml"
    config.write_text(text)
    db = tmp_path / "crm.duckdb"
    ingest(METRICS, db, config_path=config, quiet=True)
    return duckdb.connect(str(db), read_only=True)


def test_shorter_lookback_changes_attribution(tmp_path: Path) -> None:
    # 30 days: M1 (34 days before O1) drops out; O1's 10,000 splits over M2, M3, M4: 3,333.33 each and the
    # leftover cent to the earliest of the equal shares (M2, Webinar).
    con = _with_definitions(tmp_path, {"lookback_days = 90": "lookback_days = 30"})
    got = {r[0]: r[3] for r in records(q(con, "attribution_credit", model="linear"))}
    assert got == {"Email": 33333.33, "Webinar": 3333.34, "Website": 3333.33, "Unattributed": 16000.0}


def test_sla_target_changes_compliance(tmp_path: Path) -> None:
    con = _with_definitions(tmp_path, {"target_minutes = 15": "target_minutes = 80"})
    row = q(con, "sla_by_region").iloc[0]
    assert (row["target_minutes"], row["within_target"], row["within_target_business"]) == (80, 2, 2)


def test_fiscal_year_start_moves_the_quarter(tmp_path: Path) -> None:
    # fiscal year from February: the quarter of 2026-11-20 is Nov 1 - Jan 31; only O2 (11-10) is won in it
    con = _with_definitions(tmp_path, {"fiscal_year_start_month = 1": "fiscal_year_start_month = 2"})
    company = q(con, "quota_attainment").iloc[0]
    assert (company["quarter_start"].date(), company["quarter_end"].date(), company["won"], company["quota"]) == (
        dt.date(2026, 11, 1),
        dt.date(2027, 1, 31),
        26666.67,
        0.0,
    )


def test_every_query_has_a_definition_and_runs_on_the_sample(small_db: Path) -> None:
    con = duckdb.connect(str(small_db), read_only=True)
    params = default_params(con)
    for query in all_queries():
        assert query.title and len(query.definition) > 40, query.name
        assert "Grain:" in query.definition, query.name
        run_query(con, query.name, {k: params[k] for k in query.params})


def test_sample_invariants(small_db: Path) -> None:
    con = duckdb.connect(str(small_db), read_only=True)
    params = {**default_params(con), "start_date": dt.date(2025, 1, 1), "end_date": dt.date(2026, 12, 31)}
    influenced = run_query(con, "pipeline_influenced", params).iloc[0]
    assert 0 < influenced["influenced_amount"] < influenced["amount"]
    for row in run_query(con, "attribution_ledger", params).itertuples():
        assert row.attributed + row.unattributed == row.total_pipeline
        credit = run_query(con, "attribution_credit", {**params, "model": row.model})
        assert credit["credit"].sum().round(2) == round(float(row.total_pipeline), 2)
    won, lost, open_, total = con.execute("""SELECT count(*) FILTER (WHERE stage_category = 'won'),
        count(*) FILTER (WHERE stage_category = 'lost'), count(*) FILTER (WHERE stage_category = 'open'), count(*)
        FROM stg_opportunities""").fetchone()
    assert won + lost + open_ == total
    sla = run_query(con, "sla_by_region", params)
    assert sla["compliance"].between(0, 1).all() and sla["compliance_business"].between(0, 1).all()


def test_sla_extras(con: duckdb.DuckDBPyConnection) -> None:
    assert named(q(con, "sla_response_buckets")) == [
        {"bucket": "0-5 min", "mqls": 0, "converted": 0, "conversion_rate": None},
        {"bucket": "5-15 min", "mqls": 1, "converted": 1, "conversion_rate": 1.0},
        {"bucket": "15-60 min", "mqls": 0, "converted": 0, "conversion_rate": None},
        {"bucket": "1-4 h", "mqls": 1, "converted": 0, "conversion_rate": 0.0},
        {"bucket": "4-24 h", "mqls": 0, "converted": 0, "conversion_rate": None},
        {"bucket": "over 1 day", "mqls": 0, "converted": 0, "conversion_rate": None},
        {"bucket": "never", "mqls": 1, "converted": 0, "conversion_rate": 0.0},
    ]
    rep_cols = [
        "owner",
        "owner_id",
        "mqls",
        "touched",
        "within_target",
        "within_target_business",
        "breached_untouched",
        "compliance",
        "median_minutes",
    ]
    assert [{k: r[k] for k in rep_cols} for r in named(q(con, "sla_by_rep"))] == [
        {
            "owner": "(queue)",
            "owner_id": None,
            "mqls": 1,
            "touched": 0,
            "within_target": 0,
            "within_target_business": 0,
            "breached_untouched": 1,
            "compliance": 0.0,
            "median_minutes": None,
        },  # L3: never touched
        {
            "owner": "Ben AE",
            "owner_id": "U2",
            "mqls": 1,
            "touched": 1,
            "within_target": 0,
            "within_target_business": 1,
            "breached_untouched": 0,
            "compliance": 0.0,
            "median_minutes": 70.0,
        },  # L2: 70 min, 10 business minutes
        {
            "owner": "Ada AE",
            "owner_id": "U1",
            "mqls": 1,
            "touched": 1,
            "within_target": 1,
            "within_target_business": 1,
            "breached_untouched": 0,
            "compliance": 1.0,
            "median_minutes": 10.0,
        },  # K1: 10 min
    ]
    assert named(q(con, "sla_by_week")) == [
        {"region": "AMER", "week_start": pd.Timestamp("2026-09-28"), "mqls": 1, "compliance": 1.0, "median_minutes": 10.0},
        {"region": "AMER", "week_start": pd.Timestamp("2026-11-16"), "mqls": 2, "compliance": 0.0, "median_minutes": 70.0},
    ]


def test_lead_funnel_by_dimension(con: duckdb.DuckDBPyConnection) -> None:
    # "Director of IT" is a Manager: the keyword CTO matches whole words only
    assert named(q(con, "lead_funnel_by", dimension="persona")) == [
        {"value": "Practitioner", "leads": 2, "mqls": 2, "handed_off": 1, "accepted": 1, "converted": 0, "won": 0},
        {"value": "Executive", "leads": 0, "mqls": 1, "handed_off": 1, "accepted": 1, "converted": 1, "won": 1},
        {"value": "Manager", "leads": 1, "mqls": 0, "handed_off": 0, "accepted": 0, "converted": 0, "won": 0},
    ]
    assert named(q(con, "lead_funnel_by", dimension="channel")) == [
        {"value": "Website", "leads": 0, "mqls": 3, "handed_off": 2, "accepted": 2, "converted": 1, "won": 1},
        {"value": "(none)", "leads": 3, "mqls": 0, "handed_off": 0, "accepted": 0, "converted": 0, "won": 0},
    ]
    assert q(con, "lead_funnel_by", dimension="'; DROP TABLE stg_leads; --").empty  # a bound value, never SQL


def test_campaign_return(con: duckdb.DuckDBPyConnection) -> None:
    # linear credits: Newsletter 35,000 (30,000 of it on won O1 and O2); the webinar's 2,000 EUR cost at
    # its start date (09-01, 0.80) is 2,500 USD
    assert records(
        q(con, "campaign_return", model="linear")[
            ["campaign_id", "cost", "pipeline", "won", "pipeline_per_cost", "cost_per_pipeline"]
        ]
    ) == [
        ("C3", 500.0, 35000.0, 30000.0, 70.0, round(500 / 35000, 6)),
        ("C1", 1000.0, 2500.0, 2500.0, 2.5, 0.4),
        ("C2", 2500.0, 2500.0, 2500.0, 1.0, 1.0),
    ]


def test_region_currency_separates_fx_from_sales(con: duckdb.DuckDBPyConnection) -> None:
    # O2 20,000 EUR won 11-10: 26,666.67 USD at that day's 0.75, 25,000 at the quarter's opening 0.80
    def row(region: str, local: str, bookings: tuple, pipeline: tuple, fx_effect: float, unconverted: int) -> dict:
        """bookings and pipeline as (local, reporting at the day's rate, constant at the quarter's start)."""
        return {
            "region": region,
            "local_currency": local,
            "bookings_local": bookings[0],
            "bookings_reporting": bookings[1],
            "bookings_constant": bookings[2],
            "pipeline_local": pipeline[0],
            "pipeline_reporting": pipeline[1],
            "pipeline_constant": pipeline[2],
            "bookings_fx_effect": fx_effect,
            "unconverted_deals": unconverted,
        }

    assert named(q(con, "region_currency")) == [
        row("AMER", "USD", bookings=(10000.0, 10000.0, 10000.0), pipeline=(5000.0, 5000.0, 5000.0), fx_effect=0.0, unconverted=0),
        row("EMEA", "EUR", bookings=(20000.0, 26666.67, 25000.0), pipeline=(0.0, 0.0, 0.0), fx_effect=1666.67, unconverted=0),
        # O5's 1,000,000 ARS: no rate anywhere, so it stays in its own currency, counted apart
        row("EMEA", "ARS", bookings=(0.0, 0.0, 0.0), pipeline=(1000000.0, 0.0, 0.0), fx_effect=0.0, unconverted=1),
    ]


def test_quota_needed_reverse_funnel(con: duckdb.DuckDBPyConnection) -> None:
    # history (Q3): O6 won 7,000 after 67 days, nothing lost: win rate 1, average deal 7,000; no MQL in Q3
    row = records(q(con, "quota_needed"))[0]
    assert row == (
        150000.0,
        36666.67,
        113333.33,
        5000.0,
        1.0,
        5000.0,
        108333.33,
        108333.33,
        16.0,
        None,
        7000.0,
        None,
        67.0,
        41,
        False,
    )


def test_quota_pacing_lines(con: duckdb.DuckDBPyConnection) -> None:
    frame = q(con, "quota_pacing")
    assert len(frame) == 92
    as_of = frame[frame["date"] == pd.Timestamp("2026-11-20")].iloc[0]
    assert (as_of["day"], round(as_of["linear_target"], 2), as_of["won_to_date"]) == (51, 83152.17, 36666.67)
    assert round(as_of["pacing_linear"], 6) == round(36666.67 / (150000 * 51 / 92), 6)
    # the only past win closed on day 82 of Q3: the typical line is 0 until then, the whole quota after
    assert frame.loc[frame["day"] == 81, "typical_target"].item() == 0.0
    assert frame.loc[frame["day"] == 82, "typical_target"].item() == 150000.0
    assert frame["won_to_date"].isna().sum() == 92 - 51


def test_deals_win_rate_and_stalls(con: duckdb.DuckDBPyConnection) -> None:
    def row(value: str, won: tuple, lost: tuple, cycle: float | None) -> dict:
        """won and lost as (deals, amount in USD at the close date); win rates follow from them."""
        closed, amount = won[0] + lost[0], won[1] + lost[1]
        return {
            "value": value,
            "won": won[0],
            "lost": lost[0],
            "win_rate": round(won[0] / closed, 6),
            "won_amount": won[1],
            "lost_amount": lost[1],
            # the share of the amount won; empty when nothing was won (a sum over no deal is NULL)
            "win_rate_amount": round(won[1] / amount, 6) if won[0] else None,
            "avg_cycle_days": cycle,
            "unconverted_deals": 0,
        }

    # O2 (Berlin, Enterprise) won 11-10 after 31 days: 20,000 EUR at 0.75; O1 (Acme, SMB) won 10-30 after 25 days;
    # O4 (London, Mid-Market) lost: 8,000 GBP at 0.5
    assert named(q(con, "deals_win_rate", dimension="segment")) == [
        row("Enterprise", won=(1, 26666.67), lost=(0, 0.0), cycle=31.0),
        row("SMB", won=(1, 10000.0), lost=(0, 0.0), cycle=25.0),
        row("Mid-Market", won=(0, 0.0), lost=(1, 16000.0), cycle=None),
    ]
    assert named(q(con, "deals_win_rate", dimension="source")) == [
        row("Marketing", won=(2, 36666.67), lost=(0, 0.0), cycle=28.0),
        row("Sales", won=(0, 0.0), lost=(1, 16000.0), cycle=None),
    ]
    # no stage history in this export: age since creation (O5 10-15, O3 11-01); O5 has no rate
    assert named(q(con, "deals_stalled")) == [
        {
            "stage_name": "Negotiation",
            "deals": 1,
            "amount": 0.0,
            "median_days_in_stage": 36.0,
            "p90_days_in_stage": 36.0,
            "past_due": 0,
            "unconverted_deals": 1,
        },
        {
            "stage_name": "Proposal",
            "deals": 1,
            "amount": 5000.0,
            "median_days_in_stage": 19.0,
            "p90_days_in_stage": 19.0,
            "past_due": 0,
            "unconverted_deals": 0,
        },
    ]


def test_brief_changes_and_movers(con: duckdb.DuckDBPyConnection) -> None:
    # 11-07..11-20 against 10-24..11-06
    assert named(q(con, "brief_changes")) == [
        {"measure": "MQLs handed off", "previous": 0.0, "current": 1.0, "change": 1.0},
        {"measure": "Pipeline created", "previous": 5000.0, "current": 0.0, "change": -5000.0},
        {"measure": "Bookings", "previous": 10000.0, "current": 26666.67, "change": 16666.67},
        {"measure": "SLA compliance", "previous": None, "current": 0.0, "change": None},
        {
            "measure": "Attainment to date",
            "previous": round(10000 / 150000, 6),
            "current": round(36666.67 / 150000, 6),
            "change": round(26666.67 / 150000, 6),
        },
    ]
    movers = q(con, "brief_movers", since=dt.date(2026, 10, 20))  # O4's creation on 10-20 itself is before
    assert records(movers[["event", "opportunity_id", "amount", "owner"]]) == [
        ("won", "O2", 26666.67, "Eve AE"),
        ("lost", "O4", 16000.0, "Eve AE"),
        ("won", "O1", 10000.0, "Ada AE"),
        ("created", "O3", 5000.0, "Ben AE"),
    ]


def test_pipeline_influenced_by_campaign(con: duckdb.DuckDBPyConnection) -> None:
    assert named(q(con, "pipeline_influenced_by_campaign")) == [
        {
            "campaign_id": "C3",
            "campaign_name": "Newsletter",
            "channel": "Email",
            "influenced_opportunities": 3,
            "influenced_amount": 40000.0,
        },
        {
            "campaign_id": "C1",
            "campaign_name": "Demo requests",
            "channel": "Website",
            "influenced_opportunities": 1,
            "influenced_amount": 10000.0,
        },
        {
            "campaign_id": "C2",
            "campaign_name": "Autumn webinar",
            "channel": "Webinar",
            "influenced_opportunities": 1,
            "influenced_amount": 10000.0,
        },
    ]


def test_without_export_rates_the_ecb_history_converts_weekends_and_future_dates(tmp_path: Path) -> None:
    from tests.conftest import export_with

    export = export_with(tmp_path)  # the tiny Salesforce export, without its currency tables
    (export / "CurrencyType.csv").unlink()
    (export / "DatedConversionRate.csv").unlink()
    db = tmp_path / "crm.duckdb"
    ingest(export, db, quiet=True)
    con = duckdb.connect(str(db), read_only=True)
    saturday, future = dt.date(2026, 5, 16), dt.date(2031, 6, 1)  # the ECB publishes neither
    rows = con.execute(
        """SELECT fx_day(d), source, round(factor, 6) FROM (SELECT unnest([?, ?]) AS d) x
                          JOIN fx_conversion f ON f.from_currency = 'EUR' AND f.to_currency = 'USD' AND f.rate_date = fx_day(x.d)
                          JOIN fx_daily r ON r.currency_code = 'EUR' AND r.rate_date = f.rate_date
                          ORDER BY 1""",
        [saturday, future],
    ).fetchall()
    assert [r[1] for r in rows] == ["ecb", "ecb"]
    assert rows[0][0] == saturday and rows[1][0] < future  # the future takes the last day covered
    assert all(1.0 < r[2] < 1.4 for r in rows)  # dollars per euro
    # the open EUR deal closing in December is summed, converted
    generated = run_query(con, "pipeline_generated", {**Q4, "start_date": dt.date(2026, 4, 1), "end_date": dt.date(2026, 4, 30)})
    assert generated["unconverted_opportunities"].sum() == 0


def test_readme_catalogue_lists_every_query() -> None:
    readme = (ROOT_DIR / "README.md").read_text()
    for query in all_queries():
        assert f"| `{query.name}` | {query.title} |" in readme, f"README misses {query.name}: python -m queries --catalogue"


def test_owner_filter_takes_a_rep_or_a_managers_team(con: duckdb.DuckDBPyConnection) -> None:
    # U3 manages U1 and U2 (AMER): their deals O1 10,000 and O3 5,000; U2 alone: O3
    assert named(q(con, "pipeline_generated", owner="U3")) == [
        {"sourced_by": "Marketing", "channel": "Email", "opportunities": 2, "amount": 15000.0, "unconverted_opportunities": 0}
    ]
    assert named(q(con, "pipeline_generated", owner="U2")) == [
        {"sourced_by": "Marketing", "channel": "Email", "opportunities": 1, "amount": 5000.0, "unconverted_opportunities": 0}
    ]
    team = q(con, "quota_attainment", owner="U3")
    assert records(team[["level", "name", "quota", "won"]]) == [
        ("company", "Company", 90000.0, 10000.0),
        ("region", "AMER", 90000.0, 10000.0),
        ("manager", "Cat Director", 90000.0, 10000.0),
        ("rep", "Ada AE", 50000.0, 10000.0),
        ("rep", "Ben AE", 40000.0, 0.0),
    ]
    assert q(con, "sla_by_rep", owner="U1")["owner"].tolist() == ["Ada AE"]


def test_currency_policy_picks_the_rate_date(tmp_path: Path) -> None:
    # bookings at the creation date instead of the close date: O2 (created 10-10 at 0.80) is 25,000, not 26,666.67
    con = _with_definitions(tmp_path, {'won_lost = "close_date"': 'won_lost = "created_date"'})
    company = q(con, "quota_attainment").iloc[0]
    assert company["won"] == 35000.0
    assert records(q(con, "region_currency"))[1][:3] == ("EMEA", "EUR", 20000.0)
    assert records(q(con, "region_currency"))[1][3] == 25000.0


def test_attribution_credit_for_every_model_at_once(con: duckdb.DuckDBPyConnection) -> None:
    every = q(con, "attribution_credit", model=None)
    totals = every.groupby("model")["credit"].sum().round(2).to_dict()
    assert totals == dict.fromkeys(
        ["first_touch", "full_path", "last_touch", "linear", "time_decay", "u_shaped", "w_shaped"], 56000.0
    )
    linear = every[every["model"] == "linear"].drop(columns=["model"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(linear, q(con, "attribution_credit", model="linear").drop(columns=["model"]))


def test_readme_states_the_rules_of_the_definitions_page() -> None:
    rules = (ROOT_DIR / "docs" / "rules.md").read_text().strip()
    assert rules in (ROOT_DIR / "README.md").read_text(), "copy docs/rules.md into the README's rules section"
