"""The load benchmark's logic and the ingest's priority, without timing anything: bench/load.py's summary and
verdict, its copy of a database, the benchmark's load section, and data/ingest/priority.py."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from bench import benchmark, load
from data.ingest import priority
from data.ingest.cli import main as ingest_main
from data.store import Store
from tests.conftest import TINY


def _summary(waits: list[float], errors: int = 0, swaps: int = 2, loads: int = 3, exit_code: int = 0) -> dict:
    result = load.Result()
    result.runs = [{"page": "overview", "wait_s": w, "run_s": w / 2, "at": float(i)} for i, w in enumerate(waits)]
    result.errors = [f"error {i}" for i in range(errors)]
    result.loaded = {f"2026-11-27 1{i}:00 UTC" for i in range(loads)}  # the first load's and each swap's
    log = [
        {"swap": i + 1, "exit": exit_code, "seconds": 2.0, "at": 50.0 + i, "caption": f"2026-11-27 1{i + 1}:00 UTC"}
        for i in range(swaps)
    ]
    return {**load.summarise(result, log, 100.0, load.LoadConfig()), "first_load": "2026-11-27 10:00 UTC"}


def test_the_verdict_is_the_wait_p95_with_no_error_every_swap_done_and_every_load_served() -> None:
    fast = [0.5] * 95 + [2.9] * 5  # p95 (inclusive) between 0.5 and 2.9: under 3 s
    summary = _summary(fast)
    assert summary["wait_s"]["p50"] == 0.5 and summary["wait_s"]["max"] == 2.9
    assert summary["runs_after_last_swap"] == 100 - 52  # runs at 52..99 finished after the second swap (at 51)
    v = load.judge(summary, 3.0, 2)
    assert v["met"] and v["over_by_s"] == 0 and v["p95_s"] == summary["wait_s"]["p95"]

    slow = _summary([0.5] * 90 + [4.0] * 10)
    v = load.judge(slow, 3.0, 2)
    assert not v["met"] and v["p95_s"] == 4.0 and v["over_by_s"] == 1.0

    assert not load.judge(_summary(fast, errors=1), 3.0, 2)["met"]  # one error fails it
    assert not load.judge(_summary(fast, exit_code=1), 3.0, 2)["swaps_done"]  # a load that failed
    assert not load.judge(_summary(fast, swaps=1), 3.0, 2)["swaps_done"]  # a swap that never happened
    assert not load.judge(_summary(fast, loads=2), 3.0, 2)["every_load_served"]  # a load no session saw
    same_minute = _summary(fast, loads=2)
    same_minute["swaps"][1]["caption"] = same_minute["swaps"][0]["caption"]  # two loads in one minute read alike
    assert load.judge(same_minute, 3.0, 2)["every_load_served"]


def test_runs_during_a_swap_are_told_apart() -> None:
    result = load.Result()
    result.runs = [{"page": "sla", "wait_s": 1.0, "run_s": 0.5, "at": t} for t in (1.0, 5.0, 9.0)]
    summary = load.summarise(result, [{"swap": 1, "exit": 0, "seconds": 2.0, "at": 6.0}], 10.0, load.LoadConfig())
    assert summary["wait_s_during_swaps"]["runs"] == 1 and summary["wait_s_outside_swaps"]["runs"] == 2
    assert summary["swaps"] == [{"swap": 1, "exit": 0, "seconds": 2.0}]  # the clock reading is not kept
    assert summary["swap_mode"] == "ingest" and summary["ingest_priority"] == "auto"


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("load") / "live" / "crm.duckdb"
    assert ingest_main([str(TINY), "--db", str(db), "--quiet"]) == 0
    return db


def test_copy_live_makes_a_store_of_the_live_version_only(tiny_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy" / "crm.duckdb"
    copied = load.copy_live(tiny_db, copy)
    assert copy.is_symlink() and Store(copy).live_version() == copied.resolve()
    assert copied.name == Store(tiny_db).live_version().name  # type: ignore[union-attr]
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM stg_opportunities").fetchone() == (3,)
    with pytest.raises(FileNotFoundError):
        load.copy_live(tmp_path / "nothing" / "crm.duckdb", tmp_path / "x" / "crm.duckdb")
    with duckdb.connect(str(copy), read_only=True) as con:
        finished = con.execute("SELECT finished_at FROM ingest_run").fetchone()[0]  # type: ignore[index]
    assert load.load_caption(copy) == f"{finished:%Y-%m-%d %H:%M} UTC"  # as the page caption shows it
    assert load.load_caption(tmp_path / "nothing.duckdb") is None


def test_a_prepared_version_is_switched_to_under_the_ingest_lock(tiny_db: Path, tmp_path: Path) -> None:
    live = tmp_path / "live" / "crm.duckdb"
    load.copy_live(tiny_db, live)
    [prepared] = load.prepare_versions(TINY, live, 1)
    assert load.switch_to(live, prepared) == (0, "")
    assert Store(live).live_version() == (live.parent / "crm.duckdb.versions" / prepared.name).resolve()
    code, err = load.switch_to(live, prepared)  # it has been moved: a second switch fails with a reason, no trace
    assert code == 1 and "FileNotFoundError" in err


def test_the_benchmark_judges_and_renders_the_load_section() -> None:
    summary = _summary([0.5] * 100)
    summary["verdict"] = load.judge(summary, 3.0, 2)
    summary["load_average_start"] = [1.0, 1.0, 1.0]
    results = {
        "scale": "medium",
        "pages": {"overview": {"cold": {"median_ms": 100.0}, "cached_rerun_ms": 50.0}},
        "ingest": {"ratio": 2.0},
        "targets": benchmark.TARGETS,
        "load": summary,
    }
    v = benchmark.verdict(results)
    assert v["load_p95_s"] == {"value": 0.5, "met": True}
    text = "\n".join(load.render(summary))
    assert "| wait p50 / p95 / max | 0.5 / 0.5 / 0.5 s |" in text and "| errors | 0 |" in text
    assert "swaps: ingest --priority auto" in text


def test_a_reload_runs_at_low_priority_by_default_and_a_first_load_at_normal() -> None:
    assert priority.plan("auto", live_exists=True) == priority.Plan(priority.LOW_NICE, None)
    assert priority.plan("auto", live_exists=False) == priority.Plan(None, None)
    assert priority.plan("low", live_exists=False, threads=1) == priority.Plan(19, 1)
    assert priority.plan("normal", live_exists=True) == priority.Plan(None, None)
    assert "nice 19" in priority.plan("low", False).describe() and "every core" in priority.plan("low", False).describe()
    with pytest.raises(ValueError, match="priority must be one of"):
        priority.plan("idle", True)
    with pytest.raises(ValueError, match="at least 1"):
        priority.plan("low", True, threads=0)


def test_apply_lowers_the_priority_and_never_raises_it() -> None:
    """In a child process: a niceness cannot be raised back, and the test run must keep its own."""
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only when every check holds
        ok = priority.apply(priority.Plan(None, None)) == os.nice(0)
        ok = ok and priority.apply(priority.Plan(10, None)) == 10 == os.nice(0)
        ok = ok and priority.apply(priority.Plan(5, None)) == 10  # never back up
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_the_command_line_refuses_a_bad_thread_count_and_main_called_from_python_never_renices(
    tiny_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        ingest_main([str(TINY), "--db", str(tiny_db), "--threads", "0"])
    assert "'0' is not a number of threads" in capsys.readouterr().err
    before = os.nice(0)
    assert ingest_main([str(TINY), "--db", str(tiny_db), "--threads", "1"]) == 0  # a reload: low, but not applied here
    assert os.nice(0) == before
    assert "low CPU priority (nice 19), DuckDB threads: 1" in capsys.readouterr().out


def _stage_copy(db: Path) -> Path:
    """A copy of the live version published under a newer name without switching the link (what a held load leaves
    beside the live one); returns it."""
    store = Store(db)
    live = store.live_version()
    assert live is not None
    staged = store.versions_dir / "99999999T000000000000Z-1.duckdb"  # sorts after every real version name
    shutil.copyfile(live, staged)
    return staged


def test_a_held_version_is_staged_until_marked_warmed_and_its_marker_goes_with_it(tiny_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "live" / "crm.duckdb"
    load.copy_live(tiny_db, db)
    store = Store(db)
    assert store.staged_version() is None
    staged = _stage_copy(db)
    assert store.staged_version() == staged.resolve()
    assert not store.wait_warmed(staged, 0.05, poll_s=0.01)  # nobody marked it: the hold runs out
    store.warmed_marker(staged).touch()
    assert store.wait_warmed(staged, 60.0)  # marked: no wait
    building = store.new_building_path()
    shutil.copyfile(staged, building)
    marker = threading.Timer(0.1, lambda: store.warmed_marker(store.versions_dir / building.name[len(".building-") :]).touch())
    marker.start()
    final = store.publish(building, keep=0, hold_s=60.0)  # held until the marker appears, then switched
    assert store.live_version() == final.resolve() and store.staged_version() is None
    assert not store.warmed_marker(staged).exists()  # pruned with its version (keep=0)


def test_the_dashboard_prepares_a_staged_version_with_the_live_versions_recent_results(
    tiny_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import db as dashboard_db
    from dashboard import warm
    from queries import Scope

    db = tmp_path / "live" / "crm.duckdb"
    load.copy_live(tiny_db, db)
    monkeypatch.setenv("CRM_DB", str(db))
    monkeypatch.setattr(dashboard_db, "RESULTS", dashboard_db.ResultCache())
    live = str(Store(db).live_version())
    dashboard_db.query_as(Scope(None), "data_freshness")
    dashboard_db.query_as(Scope(None), "filter_options")
    assert dashboard_db.RESULTS.recent(live, 10) == [
        (live, "filter_options", (), None),
        (live, "data_freshness", (), None),
    ]  # most recently used first
    staged = _stage_copy(db)
    done: set[str] = set()
    assert warm.warm_staged(Store(db), done) == 2
    assert warm.warm_staged(Store(db), done) is None  # once per version
    assert Store(db).warmed_marker(staged).exists()
    assert dashboard_db.RESULTS.computed == 4 and len(dashboard_db.RESULTS.recent(live, 10)) == 2  # live ones kept
    Store(db).publish(staged, keep=3)  # the switch: the next run reads the prepared results
    assert dashboard_db.query_as(Scope(None), "data_freshness")["data_through_at"].notna().all()
    assert dashboard_db.RESULTS.computed == 4
    assert warm.warm_staged(Store(db), set()) is None  # nothing staged any more


def test_the_loads_of_a_warm_run_read_the_projects_definitions_with_warm_seconds_set(tmp_path: Path) -> None:
    from data.config import load_definitions

    assert load.warm_config(tmp_path / "crm.duckdb", 0) is None  # the project's own file
    written = load.warm_config(tmp_path / "crm.duckdb", 45)
    assert written is not None and load_definitions(written).ingest.warm_seconds == 45
    assert load_definitions(None).ingest.warm_seconds == 0  # the default: a load switches at once


def test_the_servers_peak_memory_is_read_from_proc() -> None:
    mb = load.server_peak_mb(os.getpid())
    assert mb is not None and mb > 10  # this test process
    assert load.server_peak_mb(2**22 + 1) is None  # no such process
