"""One concept, one number: every page's queries on the sample company agree, for several as-of dates and filters.

Each concept (bookings, quota, attainment, open pipeline, pipeline created, influenced, MQLs, SLA) is read from
every query that shows it, exactly as the pages and the CLI run them, and must be the same number everywhere.
`CONCEPTS` lists where each concept appears; `NOT_A_CONCEPT` lists the queries that show none of them. A new
query must be put in one or the other (test_every_query_is_classified), so a new page cannot drift unseen.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from queries import all_queries, run_query
from queries.__main__ import default_params
from queries.__main__ import main as cli

Frame = pd.DataFrame
Extract = Callable[[Frame], float]


def total(col: str) -> Extract:
    return lambda f: float(f[col].sum())


def company(col: str) -> Extract:
    return lambda f: f.loc[f["level"] == "company", col].astype(float).iloc[0]


def level_total(level: str, col: str) -> Extract:
    return lambda f: float(f.loc[f["level"] == level, col].sum())


def at_as_of(col: str) -> Extract:
    return lambda f: float(f[col].dropna().iloc[-1]) if f[col].notna().any() else 0.0


def waterfall_step(step: str) -> Extract:
    return lambda f: float(f.loc[f["step"] == step, "amount"].iloc[0])


def figure(name: str, col: str = "amount") -> Extract:
    return lambda f: float(f.loc[f["figure"] == name, col].iloc[0])


def open_figures() -> Extract:
    return lambda f: float(f.loc[~f["figure"].isin(["won", "forecast"]), "amount"].sum())


def brief(measure: str) -> Extract:
    return lambda f: float(f.loc[f["measure"] == measure, "current"].iloc[0])


def ledger_total(model: str) -> Extract:
    return lambda f: float(f.loc[f["model"] == model, "total_pipeline"].iloc[0])


def model_total(model: str) -> Extract:
    return lambda f: float(f.loc[f["model"] == model, "credit"].sum())


# concept -> [(query, extra parameters, how to read the concept from its rows)]
CONCEPTS: dict[str, list[tuple[str, dict, Extract]]] = {
    "bookings": [
        ("overview", {}, total("won")),
        ("quota_attainment", {}, company("won")),
        ("quota_attainment", {}, level_total("region", "won")),
        ("quota_attainment", {}, level_total("manager", "won")),
        ("quota_attainment", {}, level_total("rep", "won")),
        ("quota_pacing", {}, at_as_of("won_to_date")),
        ("quota_needed", {}, total("won")),
        ("region_currency", {}, total("bookings_reporting")),
        ("deals_win_rate", {"dimension": "region"}, total("won_amount")),
        ("deals_win_rate", {"dimension": "source"}, total("won_amount")),
        ("deals_summary", {}, total("won_amount")),
        ("region_currency_total", {}, total("bookings_reporting")),
        ("brief_changes", {"since": "quarter_start - 1"}, brief("Bookings")),
        ("forecast_categories", {}, figure("won")),
    ],
    "open_pipeline": [
        ("overview", {}, total("open_pipeline")),
        ("quota_attainment", {}, company("open_pipeline")),
        ("quota_attainment", {}, level_total("region", "open_pipeline")),
        ("quota_attainment", {}, level_total("rep", "open_pipeline")),
        ("quota_needed", {}, total("open_pipeline")),
        ("pipeline_waterfall", {}, waterfall_step("open_end")),
        ("forecast_categories", {}, open_figures()),
        ("region_currency", {}, total("pipeline_reporting")),
        ("region_currency_total", {}, total("pipeline_reporting")),
    ],
    "pipeline_created": [
        ("overview", {}, total("pipeline")),
        ("pipeline_generated", {}, total("amount")),
        ("pipeline_influenced", {}, total("amount")),
        ("pipeline_summary", {}, total("pipeline")),
        ("brief_changes", {"since": "quarter_start - 1"}, brief("Pipeline created")),
        *[("attribution_ledger", {}, ledger_total(m)) for m in ("first_touch", "linear", "w_shaped", "full_path", "time_decay")],
        *[("attribution_credit", {"model": None}, model_total(m)) for m in ("first_touch", "u_shaped", "time_decay")],
    ],
    "influenced": [
        ("overview", {}, total("influenced_pipeline")),
        ("pipeline_influenced", {}, total("influenced_amount")),
        ("pipeline_summary", {}, total("influenced_pipeline")),
    ],
    "mqls": [
        ("overview", {}, total("mqls")),
        ("lead_funnel", {}, total("mqls")),
        ("lead_funnel_total", {}, total("mqls")),
        ("sla_summary", {}, total("mqls")),
        ("lead_funnel_by", {"dimension": "channel"}, total("mqls")),
        ("lead_funnel_by", {"dimension": "persona"}, total("mqls")),
        ("sla_by_region", {}, total("mqls")),
        ("sla_by_rep", {}, total("mqls")),
        ("sla_by_week", {}, total("mqls")),
        ("sla_response_buckets", {}, total("mqls")),
    ],
    "handed_off": [
        ("overview", {}, total("handed_off")),
        ("lead_funnel", {}, total("handed_off")),
        ("lead_funnel_total", {}, total("handed_off")),
        ("brief_changes", {"since": "quarter_start - 1"}, brief("MQLs handed off")),
    ],
    "sla_compliance": [
        ("overview", {}, lambda f: float(f["sla_compliance"].fillna(-1).iloc[0])),
        ("sla_summary", {}, lambda f: float(f["compliance"].fillna(-1).iloc[0])),
        (
            "sla_by_region",
            {},
            lambda f: (
                float(f["within_target"].sum()) / float((f["mqls"] - f["pending"]).sum())
                if (f["mqls"] - f["pending"]).sum()
                else -1.0
            ),
        ),
        (
            "brief_changes",
            {"since": "quarter_start - 1"},
            lambda f: float(f.loc[f["measure"] == "SLA compliance", "current"].fillna(-1).iloc[0]),
        ),
    ],
    "quota": [
        ("overview", {}, lambda f: float(f["quota"].fillna(-1).iloc[0])),
        ("forecast_categories", {}, lambda f: float(f["quota"].fillna(-1).iloc[0])),
        ("quota_attainment", {}, lambda f: float(f.loc[f["level"] == "company", "quota"].fillna(-1).iloc[0])),
        ("quota_pacing", {}, lambda f: float(f["quota"].fillna(-1).iloc[0])),
        ("quota_needed", {}, lambda f: float(f["quota"].fillna(-1).iloc[0])),
    ],
    "attainment": [
        ("overview", {}, lambda f: round(float(f["attainment"].fillna(-1).iloc[0]), 9)),
        ("quota_attainment", {}, lambda f: round(float(f.loc[f["level"] == "company", "attainment"].fillna(-1).iloc[0]), 9)),
        (
            "brief_changes",
            {"since": "quarter_start - 1"},
            lambda f: round(float(f.loc[f["measure"] == "Attainment to date", "current"].fillna(-1).iloc[0]), 9),
        ),
    ],
}
NOT_A_CONCEPT = {
    "data_quality_snapshots",  # the snapshots stored, for the Data quality page
    "drill_pipeline_changes",  # the deals behind Pipeline changes; test_pipeline_changes_reconcile checks them
    # shown for what they are, with no headline concept of their own: lists, distributions, settings, reports
    "attribution_models",
    "brief_movers",
    "campaign_return",
    "data_freshness",
    "data_quality_files",
    "data_quality_rejects",
    "data_quality_summary",
    "data_quality_tables",
    "data_quality_unconverted",
    "data_quality_warnings",
    "deals_stalled",
    "definitions_file",
    "definitions_regions",
    "definitions_targets",
    "definitions_settings",
    "definitions_stages",
    "filter_options",
    "filter_owners",
    "filter_quarters",
    "mql_ignored",
    "pipeline_influenced_by_campaign",
    "pipeline_influenced_by_channel",
    "schema_version",
    "sla_response_histogram",
    # drill-downs: the records behind a number (tests/test_dashboard.py proves they add up to every tile)
    "drill_deals",
    "drill_leads",
    "drill_mqls",
    "drill_quota",
    "drill_touches",
}


def _views(con: duckdb.DuckDBPyConnection) -> list[tuple[str, dict]]:
    """As-of dates (the last day with data, mid-quarter, a past quarter) times filters (none, region, segment, team)."""
    base = default_params(con)
    manager = con.execute(
        "SELECT u.manager_id FROM stg_opportunities o JOIN stg_users u ON u.user_id = o.owner_id "
        "WHERE u.manager_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    ).fetchone()[0]
    dates = [base["as_of"], base["start_date"] + dt.timedelta(days=40), base["start_date"] - dt.timedelta(days=30)]
    filters = [{}, {"region": "EMEA"}, {"segment": "SMB"}, {"owner": manager}, {"region": "AMER", "segment": "Enterprise"}]
    views = []
    for as_of in dates:
        start = con.execute("SELECT fiscal_quarter_of(?)", [as_of]).fetchone()[0]
        end = con.execute("SELECT fiscal_quarter_end(?)", [as_of]).fetchone()[0]
        for extra in filters:
            views.append((f"{as_of} {extra or 'all'}", {**base, "as_of": as_of, "start_date": start, "end_date": end, **extra}))
    return views


def _read(con: duckdb.DuckDBPyConnection, name: str, params: dict, extra: dict, extract: Extract) -> float:
    p = {**params, **extra}
    if extra.get("since") == "quarter_start - 1":
        p["since"] = params["start_date"] - dt.timedelta(days=1)
    return round(extract(run_query(con, name, p)), 2)


@pytest.fixture(scope="module")
def con(small_db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(small_db), read_only=True)


def test_every_query_is_classified() -> None:
    names = {q.name for q in all_queries()}
    in_concepts = {name for uses in CONCEPTS.values() for name, _, _ in uses}
    assert names - in_concepts - NOT_A_CONCEPT == set(), "classify the new query in tests/test_invariants.py"
    assert (in_concepts | NOT_A_CONCEPT) - names == set()


def test_one_concept_reads_one_number_everywhere(con: duckdb.DuckDBPyConnection) -> None:
    problems = []
    seen: dict[str, set[float]] = {}
    for label, params in _views(con):
        for concept, uses in CONCEPTS.items():
            values = {
                f"{name}{extra or ''}#{i}": _read(con, name, params, extra, extract)
                for i, (name, extra, extract) in enumerate(uses)
            }
            if len(set(values.values())) > 1:
                problems.append(f"{label}: {concept} differs: {values}")
            seen.setdefault(concept, set()).update(values.values())
    assert not problems, "\n".join(problems[:10])
    # the views differ: each concept takes several different values across dates and filters
    assert all(len(values) >= 4 for values in seen.values()), seen


def test_the_numbers_are_not_trivially_zero(con: duckdb.DuckDBPyConnection) -> None:
    _, params = _views(con)[0]
    o = run_query(con, "overview", params).iloc[0]
    assert o["won"] > 0 and o["quota"] > 0 and o["pipeline"] > 0 and o["mqls"] > 0 and o["open_pipeline"] > 0


def test_influenced_never_exceeds_total_and_filters_never_raise_a_total(con: duckdb.DuckDBPyConnection) -> None:
    views = _views(con)
    unfiltered = {v[1]["as_of"]: run_query(con, "overview", v[1]).iloc[0] for v in views if v[0].endswith("all")}
    for label, params in views:
        o = run_query(con, "overview", params).iloc[0]
        assert o["influenced_pipeline"] <= o["pipeline"], label
        assert o["marketing_pipeline"] <= o["pipeline"], label
        base = unfiltered[params["as_of"]]
        for col in ("won", "pipeline", "influenced_pipeline", "open_pipeline", "mqls", "handed_off"):
            assert o[col] <= base[col], (label, col)
        if not pd.isna(o["quota"]):
            assert o["quota"] <= base["quota"], label


def test_won_lost_open_add_up_to_every_deal_known_at_the_date(con: duckdb.DuckDBPyConnection) -> None:
    for label, params in _views(con):
        won, lost, open_, known = con.execute(
            """
            SELECT count(*) FILTER (WHERE stage_category = 'won'), count(*) FILTER (WHERE stage_category = 'lost'),
                   count(*) FILTER (WHERE stage_category = 'open'), count(*)
            FROM deals_at(?, ?, ?, ?)""",
            [params["as_of"], params["region"], params["segment"], params["owner"]],
        ).fetchone()
        assert won + lost + open_ == known, label
        created_by_then = con.execute(
            "SELECT count(*) FROM stg_opportunities o WHERE o.created_date <= ? AND (CAST(? AS VARCHAR) IS NULL OR "
            "o.region = ?) AND (CAST(? AS VARCHAR) IS NULL OR o.segment = ?) AND owned_by(o.owner_id, CAST(? AS VARCHAR))",
            [params["as_of"], params["region"], params["region"], params["segment"], params["segment"], params["owner"]],
        ).fetchone()[0]
        assert known == created_by_then, label


def test_credits_sum_to_pipeline_for_every_model(con: duckdb.DuckDBPyConnection) -> None:
    for label, params in _views(con)[:6]:
        pipeline = float(run_query(con, "overview", params).iloc[0]["pipeline"])
        credits = run_query(con, "attribution_credit", {**params, "model": None}).groupby("model")["credit"].sum()
        assert len(credits) == 7, label
        for model, credit in credits.items():
            assert round(float(credit), 2) == round(pipeline, 2), (label, model)


def test_the_cli_gives_the_same_numbers(small_db: Path, con: duckdb.DuckDBPyConnection) -> None:
    _, params = _views(con)[1]  # EMEA at the last day with data
    out = io.StringIO()
    with redirect_stdout(out):
        assert (
            cli(
                [
                    "overview",
                    "--db",
                    str(small_db),
                    "--format",
                    "csv",
                    "--param",
                    "region=EMEA",
                    "--param",
                    f"as_of={params['as_of']}",
                ]
            )
            == 0
        )
    via_cli = pd.read_csv(io.StringIO(out.getvalue())).iloc[0]
    direct = run_query(con, "overview", params).iloc[0]
    for col in ("won", "quota", "pipeline", "mqls", "open_pipeline"):
        assert round(float(via_cli[col]), 2) == round(float(direct[col]), 2), col


def test_pipeline_changes_reconcile(con: duckdb.DuckDBPyConnection) -> None:
    """Start + every step = end, the ends are the open pipeline at both dates, and the drill adds up to each step."""
    for label, params in _views(con)[::2]:
        since = params["as_of"] - dt.timedelta(days=35)
        p = {**params, "since": since}
        w = run_query(con, "pipeline_waterfall", p).set_index("step")
        steps = w.loc[w["kind"] == "step", "amount"].astype(float).sum()
        assert round(float(w.loc["open_start", "amount"]) + steps, 2) == round(float(w.loc["open_end", "amount"]), 2), label
        net = float(w.loc["open_end", "amount"]) - float(w.loc["open_start", "amount"])
        assert set(w["net_change"].astype(float).round(2)) == {round(net, 2)}, label
        for date, end in ((since, "open_start"), (params["as_of"], "open_end")):
            expected = con.execute(
                "SELECT coalesce(sum(amount_rep), 0) FROM open_pipeline_at(?, ?, ?, ?, ?, ?, ?)",
                [
                    params["start_date"],
                    params["end_date"],
                    date,
                    params["currency"],
                    params["region"],
                    params["segment"],
                    params["owner"],
                ],
            ).fetchone()[0]
            assert round(float(expected), 2) == round(float(w.loc[end, "amount"]), 2), (label, end)
        drill = run_query(con, "drill_pipeline_changes", p).groupby("step")["change"].sum()
        for step, amount in drill.items():
            assert round(float(amount), 2) == round(float(w.loc[step, "amount"]), 2), (label, step)
