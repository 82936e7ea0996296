"""The key flows in a real headless Chromium (Debian's package, driven by Playwright).

Starts the dashboard on the hand-built metrics fixture, opens the overview, changes the region
filter and checks the URL and a tile, opens every page without an error, and saves screenshots
(to $SCREENSHOT_DIR, default build/screenshots).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT_DIR

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    pytest.skip("Debian's chromium is not installed (make test installs it)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.slow  # browser, kill and property tests: `make test-fast` leaves them out

PAGES = [
    "Overview",
    "Leads & handoff",
    "Pipeline & attribution",
    "Pipeline changes",
    "Quota & pacing",
    "Follow-up SLA",
    "Regions & currency",
    "Deals",
    "1:1 brief",
    "Definitions",
    "Data quality",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def dashboard_server(db: Path, *extra_args: str) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on 127.0.0.1 over `db`, until the block ends; yields its URL."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT_DIR / "dashboard" / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *extra_args,
    ]
    proc = subprocess.Popen(
        command, cwd=ROOT_DIR, env={**os.environ, "CRM_DB": str(db)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("the dashboard did not start within 60 s")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(metrics_db: Path) -> Iterator[str]:
    with dashboard_server(metrics_db) as url:  # its own process: read-only connections share the file
        yield url


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield pg
        browser.close()


def _shots() -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR", ROOT_DIR / "build" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _tile(page: Page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True)).first
    return metric.get_by_test_id("stMetricValue").inner_text()


# The page is drawn: the script is not running, nothing is a placeholder or stale from the run before.
DRAWN = """() => !document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"], '
  + '[data-testid="stAppSkeleton"], [data-stale="true"]')"""


def _settle(page: Page) -> None:
    """Wait until the page is drawn, twice over: the status widget shows only after a moment, so one check alone can
    pass before the run has begun (on a busy machine)."""
    page.wait_for_load_state("networkidle")
    for _ in range(2):
        page.wait_for_timeout(500)
        page.wait_for_function(DRAWN, timeout=60_000)


def test_overview_region_filter_changes_url_and_tiles(server: str, page: Page) -> None:
    page.goto(f"{server}/?quarter=2026-10-01&as_of=2026-11-20")
    expect(page.get_by_text("Marketing-sourced pipeline", exact=True).first).to_be_visible(timeout=30_000)
    _settle(page)
    assert _tile(page, "Marketing-sourced pipeline") == "USD 40.0k"
    page.screenshot(path=_shots() / "overview.png", full_page=True)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Region").click()
    page.get_by_role("option", name="EMEA", exact=True).click()
    expect(
        page.get_by_test_id("stMetric")
        .filter(has=page.get_by_text("Marketing-sourced pipeline", exact=True))
        .first.get_by_test_id("stMetricValue")
    ).to_have_text("USD 25.0k", timeout=30_000)
    assert "region=EMEA" in page.url
    assert _tile(page, "Quota attainment") == "44.4%"
    # the link reproduces the view
    page.goto(page.url)
    expect(page.get_by_text("Marketing-sourced pipeline", exact=True).first).to_be_visible(timeout=30_000)
    _settle(page)
    assert _tile(page, "Marketing-sourced pipeline") == "USD 25.0k"


def test_every_page_opens_without_an_error(server: str, page: Page) -> None:
    page.goto(f"{server}/?quarter=2026-10-01&as_of=2026-11-20")
    _settle(page)
    for title in PAGES:
        page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
        expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible(timeout=30_000)
        _settle(page)
        assert page.get_by_test_id("stException").count() == 0, title
        name = title.lower().replace(" & ", "-").replace(":", "").replace(" ", "-")
        page.screenshot(path=_shots() / f"{name}.png", full_page=True)
