"""The dashboard, driven by Streamlit's AppTest on databases whose numbers are known."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.ingest import ingest
from tests.conftest import ROOT_DIR, TINY, export_with

APP = str(ROOT_DIR / "dashboard" / "app.py")


def _app(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CRM_DB", str(db))
    return AppTest.from_file(APP, default_timeout=60)


def _tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_data_quality_page_shows_the_tiny_load(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tiny_db, monkeypatch).run()
    assert not at.exception
    # 3 users + 3 roles + 2 accounts + 3 leads + 2 contacts + 2 campaigns + 3 members + 3 deals + 2 roles
    # + 2 tasks + 1 event + 2 quotas + 2 currency types + 2 dated rates = 32
    assert _tiles(at) == {"Objects loaded": "14 of 15", "Records loaded": "32", "Records rejected": "0",
                          "Records excluded": "0", "Warnings": "4"}
    assert at.title[0].value == "Data quality"
    assert "Data through 2026-04-15 10:00 UTC" in at.caption[0].value
    assert [s.value for s in at.subheader] == ["Warnings", "Unconverted amounts", "Objects loaded"]
    warnings = at.dataframe[0].value
    assert sorted(warnings["code"]) == ["lead_without_owner", "missing_object", "no_contact_roles", "unmapped_stage",
                                        "unmapped_stage_names"]


def test_without_a_database_the_app_says_how_to_load_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tmp_path / "none.duckdb", monkeypatch).run()
    assert not at.exception
    assert "No data has been loaded yet" in at.warning[0].value


def test_an_open_dashboard_picks_up_a_new_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "wh" / "crm.duckdb"
    ingest(TINY, db, quiet=True)
    at = _app(db, monkeypatch).run()
    assert _tiles(at)["Records excluded"] == "0"
    ingest(export_with(tmp_path, "deleted_rows"), db, quiet=True)  # one deleted deal more
    at.run()
    assert _tiles(at)["Records excluded"] == "1"
    assert _tiles(at)["Records loaded"] == "32"
