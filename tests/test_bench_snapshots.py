"""The time-travel benchmark section's own arithmetic: stage times read from an ingest's lines, the verdict."""

from __future__ import annotations

from bench.snapshots import render, section_verdict, stage_seconds

INGEST_LINES = """[   65.6s] built stg_quotas
 41% ▕███████████████▌                      ▏ (~2 seconds remaining)\r100% ▕████▏ (00:00:05.10 elapsed)
[   65.9s] built stg_exchange_rates
[   67.4s] built snapshots
[   67.5s] built fx
"""


def test_stage_seconds_is_the_time_since_the_line_before() -> None:
    assert stage_seconds(INGEST_LINES, "built snapshots") == 1.5
    assert stage_seconds(INGEST_LINES, "built fx") == 0.1
    assert stage_seconds(INGEST_LINES, "built stg_quotas") is None  # no line before it
    assert stage_seconds(INGEST_LINES, "built mql") is None


def _results(waterfall_ms: float, with_history: float, fresh: float) -> dict:
    load = {"export": "2026-11-22", "seconds": with_history, "snapshot_step_seconds": 1.5, "change_rows": 1200, "db_mb": 700.0}
    cold = {"median_ms": waterfall_ms, "runs": 20, "p95_ms": waterfall_ms + 10}
    return {
        "loads": [{**load, "export": "2026-11-15"}],
        "one_more": {
            "pairs": 2,
            "with_history": [load],
            "fresh": [{**load, "seconds": fresh}],
            "median_seconds_with_history": with_history,
            "median_seconds_fresh": fresh,
            "extra_fraction": round(with_history / fresh - 1, 3),
            "extra_db_mb": 12.5,
        },
        "history_change_rows": 1200,
        "pipeline_changes": {
            "a week": {
                "since": "2026-11-15",
                "queries": ["pipeline_waterfall"],
                "page_cold": cold,
                "waterfall_cold": cold,
                "page_cached_rerun_ms": 40.0,
            },
            "12 weeks": {
                "since": "2026-08-30",
                "queries": ["pipeline_waterfall"],
                "page_cold": cold,
                "waterfall_cold": {**cold, "median_ms": waterfall_ms - 20},
                "page_cached_rerun_ms": 41.0,
            },
        },
    }


def test_verdict_takes_the_slower_window_and_the_extra_share() -> None:
    assert section_verdict(_results(140.0, 77.0, 70.0)) == {
        "waterfall_cold_median_ms": {"worst": 140.0, "target": 150, "met": True},
        "one_more_snapshot_extra": {"value": 0.1, "target": 0.1, "met": False},
    }
    assert section_verdict(_results(151.0, 72.0, 70.0))["waterfall_cold_median_ms"]["met"] is False
    assert section_verdict(_results(151.0, 72.0, 70.0))["one_more_snapshot_extra"] == {"value": 0.029, "target": 0.1, "met": True}


def test_render_names_every_load_and_both_windows() -> None:
    r = _results(140.0, 77.0, 70.0)
    r["verdict"] = section_verdict(r)
    text = render(r)
    assert "| 2026-11-15 | 77.0 | 1.5 | 1,200 | 700.0 |" in text
    assert "77.0 s onto 1 snapshots of history against 70.0 s into a new database: +10.0%" in text
    assert "| 12 weeks back (from 2026-08-30) | 1 | 140.0 (p95 150.0) | 120.0 (p95 150.0) | 41.0 |" in text
    assert "| one_more_snapshot_extra (target 0.1) | 0.1 | False |" in text
