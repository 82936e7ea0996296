"""The same two pieces of work done three other ways, to say what the engine gives and what the precomputation gives.

* linear attribution with the lookback window (credit by channel, plus "Unattributed");
* follow-up SLA compliance by region and week.

Ours is the app's query on the derived tables (attribution_share, mql_followup with its first touch).
The others start from the staging tables and compute at query time: DuckDB with plain SQL ("DuckDB,
no derived tables": the same engine without the precomputation), pandas and polars on DataFrames loaded
from the same tables. All of them take the same inputs: for the SLA that is the list of MQLs (who, when,
region, target: the hand-raise rule is not redone) and the human sales touches; the first touch after
the MQL, the judgement and the weekly rates are computed by each.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any, cast

import duckdb
import numpy as np
import pandas as pd
import polars as pl

# ---- inputs ---------------------------------------------------------------------------------------------

ATTR_SQL = {
    "opps": "SELECT opportunity_id, created_at, created_date, amount, currency_code FROM stg_opportunities",
    "roles": "SELECT opportunity_id, contact_id FROM stg_opportunity_contact_roles",
    "members": "SELECT campaign_member_id, campaign_id, contact_id, touched_at, has_responded FROM stg_campaign_members",
    "campaigns": "SELECT campaign_id, channel FROM stg_campaigns",
    "rates": "SELECT from_currency, rate_date, factor FROM fx_conversion WHERE to_currency = $currency",
}
SLA_SQL = {
    "mqls": "SELECT person_id, lead_id, contact_id, mql_at, mql_date, region, target_minutes FROM mql_followup",
    "acts": "SELECT lead_id, contact_id, activity_at FROM stg_activities WHERE is_human_sales_touch",
}


def lookback_days(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT value FROM cfg_setting WHERE key = 'lookback_days'").fetchall()[0][0])


def load(con: duckdb.DuckDBPyConnection, sql: dict[str, str], currency: str, kind: str) -> dict[str, Any]:
    """The input tables as pandas (kind "pandas") or polars ("polars") frames."""
    out: dict[str, Any] = {}
    for name, q in sql.items():
        rel = con.execute(q, {"currency": currency} if "$currency" in q else None)
        if kind == "pandas":
            out[name] = rel.df()
        else:
            with warnings.catch_warnings():  # the extra copy of the rows is part of loading, which is timed apart
                warnings.simplefilter("ignore")
                out[name] = cast(pl.DataFrame, pl.from_arrow(rel.to_arrow_table()))
    return out


# ---- linear attribution ---------------------------------------------------------------------------------


def attribution_pandas(f: dict[str, pd.DataFrame], start: dt.date, end: dt.date, lookback: int) -> pd.Series:
    opps, roles, members, campaigns, rates = f["opps"], f["roles"], f["members"], f["campaigns"], f["rates"]
    o = opps[
        (opps["created_date"] >= pd.Timestamp(start)) & (opps["created_date"] <= pd.Timestamp(end)) & opps["amount"].notna()
    ].copy()
    o["rate_date"] = o["created_date"].clip(rates["rate_date"].min(), rates["rate_date"].max())
    o = o.merge(rates, left_on=["currency_code", "rate_date"], right_on=["from_currency", "rate_date"])
    o["amount_rep"] = (o["amount"].astype(float) * o["factor"]).round(2)
    touches = o.merge(roles.drop_duplicates(), on="opportunity_id").merge(members[members["has_responded"]], on="contact_id")
    touches = touches[
        (touches["touched_at"] >= touches["created_at"] - pd.Timedelta(days=lookback))
        & (touches["touched_at"] <= touches["created_at"])
    ]
    touches = touches.drop_duplicates(["opportunity_id", "campaign_member_id"])
    touches["n"] = touches.groupby("opportunity_id")["campaign_member_id"].transform("count")
    touches["credit"] = touches["amount_rep"] / touches["n"]
    touches = touches.merge(campaigns, on="campaign_id", how="left")
    by_channel = touches.groupby("channel")["credit"].sum()
    unattributed = o.loc[~o["opportunity_id"].isin(set(touches["opportunity_id"])), "amount_rep"].sum()
    by_channel["Unattributed"] = unattributed
    return by_channel.astype(float)


def attribution_polars(f: dict[str, pl.DataFrame], start: dt.date, end: dt.date, lookback: int) -> pd.Series:
    opps, roles, members, campaigns, rates = f["opps"], f["roles"], f["members"], f["campaigns"], f["rates"]
    lo, hi = rates["rate_date"].min(), rates["rate_date"].max()
    o = (
        opps.lazy()
        .filter(pl.col("created_date").is_between(start, end) & pl.col("amount").is_not_null())
        .with_columns(pl.col("created_date").clip(pl.lit(lo), pl.lit(hi)).alias("rate_date"))
        .join(rates.lazy(), left_on=["currency_code", "rate_date"], right_on=["from_currency", "rate_date"])
        .with_columns((pl.col("amount").cast(pl.Float64) * pl.col("factor")).round(2).alias("amount_rep"))
        .collect()
    )
    touches = (
        o.lazy()
        .join(roles.lazy().unique(), on="opportunity_id")
        .join(members.lazy().filter(pl.col("has_responded")), on="contact_id")
        .filter(pl.col("touched_at").is_between(pl.col("created_at") - pl.duration(days=lookback), pl.col("created_at")))
        .unique(["opportunity_id", "campaign_member_id"])
        .with_columns((pl.col("amount_rep") / pl.len().over("opportunity_id")).alias("credit"))
        .collect()
    )
    by_channel = (
        touches.lazy()
        .join(campaigns.lazy(), on="campaign_id", how="left")
        .filter(pl.col("channel").is_not_null())
        .group_by("channel")
        .agg(pl.col("credit").sum())
        .collect()
    )
    unattributed = o.filter(~pl.col("opportunity_id").is_in(touches["opportunity_id"].unique().implode()))["amount_rep"].sum()
    out = pd.Series(dict(zip(by_channel["channel"].to_list(), by_channel["credit"].to_list(), strict=True)), dtype=float)
    out["Unattributed"] = float(unattributed or 0.0)
    return out


ATTR_DUCKDB = """
WITH r AS (SELECT from_currency, rate_date, factor FROM fx_conversion WHERE to_currency = $currency),
bounds AS (SELECT min(rate_date) AS lo, max(rate_date) AS hi FROM r),
o AS (
    SELECT o.opportunity_id, o.created_at, round(CAST(o.amount AS DOUBLE) * r.factor, 2) AS amount_rep
    FROM stg_opportunities o CROSS JOIN bounds b
    JOIN r ON r.from_currency = o.currency_code AND r.rate_date = least(greatest(o.created_date, b.lo), b.hi)
    WHERE o.created_date BETWEEN $start AND $end AND o.amount IS NOT NULL
),
t AS (
    SELECT DISTINCT o.opportunity_id, m.campaign_member_id, m.campaign_id, o.amount_rep
    FROM o
    JOIN (SELECT DISTINCT opportunity_id, contact_id FROM stg_opportunity_contact_roles) cr USING (opportunity_id)
    JOIN stg_campaign_members m ON m.contact_id = cr.contact_id
    WHERE m.has_responded AND m.touched_at BETWEEN o.created_at - to_days(CAST($lookback AS INTEGER)) AND o.created_at
),
credit AS (SELECT campaign_id, amount_rep / count(*) OVER (PARTITION BY opportunity_id) AS credit FROM t)
SELECT cp.channel, sum(c.credit) AS credit
FROM credit c JOIN stg_campaigns cp USING (campaign_id) WHERE cp.channel IS NOT NULL GROUP BY 1
UNION ALL
SELECT 'Unattributed', coalesce(sum(amount_rep), 0) FROM o WHERE opportunity_id NOT IN (SELECT opportunity_id FROM t)
"""


def attribution_duckdb(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, lookback: int, currency: str) -> pd.Series:
    df = con.execute(ATTR_DUCKDB, {"start": start, "end": end, "lookback": lookback, "currency": currency}).df()
    return df.set_index("channel")["credit"].astype(float)


# ---- SLA by region and week -----------------------------------------------------------------------------


def sla_pandas(f: dict[str, pd.DataFrame], start: dt.date, end: dt.date, as_of: dt.date) -> pd.DataFrame:
    mqls, acts = f["mqls"], f["acts"]
    end_at = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    m = mqls[(mqls["mql_date"] >= pd.Timestamp(start)) & (mqls["mql_date"] <= pd.Timestamp(end))]
    by_lead = m.merge(acts[acts["lead_id"].notna()][["lead_id", "activity_at"]], on="lead_id")
    by_contact = m.merge(acts[acts["contact_id"].notna()][["contact_id", "activity_at"]], on="contact_id")
    both = pd.concat([by_lead, by_contact])
    both = both[(both["activity_at"] >= both["mql_at"]) & (both["activity_at"] < end_at)]
    first = both.groupby("person_id", as_index=False)["activity_at"].min()
    m = m.merge(first, on="person_id", how="left")
    m["wall"] = (m["activity_at"] - m["mql_at"]).dt.total_seconds() / 60
    m["open"] = (end_at - m["mql_at"]).dt.total_seconds() / 60
    m["ok"] = np.where(
        m["wall"].notna(), m["wall"] <= m["target_minutes"], np.where(m["open"] > m["target_minutes"], False, np.nan)
    )
    m["week_start"] = m["mql_date"] - pd.to_timedelta(m["mql_date"].dt.day_of_week, unit="D")
    judged = m[m["ok"].notna()]
    out = judged.groupby(["region", "week_start"], as_index=False).agg(within=("ok", "sum"), judged=("ok", "count"))
    out["compliance"] = out["within"] / out["judged"]
    out["week_start"] = out["week_start"].dt.date
    return out[["region", "week_start", "compliance"]]


def sla_polars(f: dict[str, pl.DataFrame], start: dt.date, end: dt.date, as_of: dt.date) -> pd.DataFrame:
    mqls, acts = f["mqls"], f["acts"]
    end_at = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    m = mqls.lazy().filter(pl.col("mql_date").is_between(start, end))
    a = acts.lazy()
    both = pl.concat(
        [
            m.join(a.filter(pl.col("lead_id").is_not_null()).select("lead_id", "activity_at"), on="lead_id").select(
                "person_id", "mql_at", "activity_at"
            ),
            m.join(a.filter(pl.col("contact_id").is_not_null()).select("contact_id", "activity_at"), on="contact_id").select(
                "person_id", "mql_at", "activity_at"
            ),
        ]
    )
    first = (
        both.filter((pl.col("activity_at") >= pl.col("mql_at")) & (pl.col("activity_at") < end_at))
        .group_by("person_id")
        .agg(pl.col("activity_at").min())
    )
    wall = (pl.col("activity_at") - pl.col("mql_at")).dt.total_seconds() / 60
    open_ = (pl.lit(end_at) - pl.col("mql_at")).dt.total_seconds() / 60
    out = (
        m.join(first, on="person_id", how="left")
        .with_columns(
            pl.when(pl.col("activity_at").is_not_null())
            .then(wall <= pl.col("target_minutes"))
            .when(open_ > pl.col("target_minutes"))
            .then(False)
            .otherwise(None)
            .alias("ok"),
            pl.col("mql_date").dt.truncate("1w").alias("week_start"),
        )
        .filter(pl.col("ok").is_not_null())
        .group_by("region", "week_start")
        .agg(pl.col("ok").mean().alias("compliance"))
        .collect()
    )
    return out.to_pandas()


SLA_DUCKDB = """
WITH m AS (
    SELECT person_id, lead_id, contact_id, mql_at, mql_date, region, target_minutes
    FROM mql_followup WHERE mql_date BETWEEN $start AND $end
),
a AS (SELECT lead_id, contact_id, activity_at FROM stg_activities WHERE is_human_sales_touch),
touch AS (
    SELECT m.person_id, a.activity_at, m.mql_at FROM m JOIN a ON a.lead_id = m.lead_id
    UNION ALL
    SELECT m.person_id, a.activity_at, m.mql_at FROM m JOIN a ON a.contact_id = m.contact_id
),
first AS (
    SELECT person_id, min(activity_at) AS first_at FROM touch
    WHERE activity_at >= mql_at AND activity_at < $end_at GROUP BY 1
),
judged AS (
    SELECT m.region, CAST(date_trunc('week', m.mql_date) AS DATE) AS week_start,
           CASE WHEN f.first_at IS NOT NULL THEN date_diff('second', m.mql_at, f.first_at) / 60.0 <= m.target_minutes
                WHEN date_diff('second', m.mql_at, $end_at) / 60.0 > m.target_minutes THEN false END AS ok
    FROM m LEFT JOIN first f USING (person_id)
)
SELECT region, week_start, avg(CAST(ok AS INTEGER)) AS compliance FROM judged WHERE ok IS NOT NULL GROUP BY ALL
"""


def sla_duckdb(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, as_of: dt.date) -> pd.DataFrame:
    end_at = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    return con.execute(SLA_DUCKDB, {"start": start, "end": end, "end_at": end_at}).df()


def same_attribution(ours: pd.Series, other: pd.Series, n_opps: int) -> tuple[bool, float]:
    """Same channels, and credits within a cent per opportunity (ours puts each deal's rounding remainder on one touch)."""
    if set(ours.index) != set(other.index):
        return False, float("inf")
    diff = float((ours - other.reindex(ours.index)).abs().max())
    return diff <= 0.01 * max(n_opps, 1), diff


def same_sla(ours: pd.DataFrame, other: pd.DataFrame) -> bool:
    """Same regions and weeks, compliance equal to 1e-9."""
    a = ours[["region", "week_start", "compliance"]].copy()
    b = other[["region", "week_start", "compliance"]].copy()
    for x in (a, b):
        x["week_start"] = pd.to_datetime(x["week_start"]).dt.date
    merged = a.merge(b, on=["region", "week_start"], how="outer", suffixes=("_ours", "_other"))
    return bool(
        ((merged["compliance_ours"].astype(float) - merged["compliance_other"].astype(float)).abs().fillna(1) < 1e-9).all()
    )
