"""Every page in a real headless Chromium at 1440, 1280 and 390 px, light and dark: no tile text or chart title cut short.

Runs the dashboard on the sample company (small, as of 2026-11-22: the data `make run` shows), opens every page
in one browser with a context per width and theme, and for every tile's label, value and delta (and every
element inside them) checks that its text fits: scrollWidth <= clientWidth + 1, and it ends inside its tile.
Saves a full-page screenshot of every page to $SCREENSHOT_DIR/<width>-<theme>/ (default build/screenshots/layout).
With $README_SCREENSHOTS set (`make screenshots`), the 1440 px light pages and the 390 px dark Overview are also
written there as the README's pictures (the first screen of each page).

The sample is built once per session (about 5 s); $LAYOUT_DB uses an already loaded database instead.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import ROOT_DIR
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, DRAWN, dashboard_server  # skips this module too when Chromium is missing

pytestmark = pytest.mark.slow

# (url path, title, file name): the order of the sidebar.
PAGES = [
    ("", "Overview", "overview"),
    ("leads", "Leads & handoff", "leads-handoff"),
    ("pipeline", "Pipeline & attribution", "pipeline-attribution"),
    ("pipeline-changes", "Pipeline changes", "pipeline-changes"),
    ("quota", "Quota & pacing", "quota-pacing"),
    ("sla", "Follow-up SLA", "follow-up-sla"),
    ("regions", "Regions & currency", "regions-currency"),
    ("deals", "Deals", "deals"),
    ("brief", "1:1 brief", "brief"),
    ("definitions", "Definitions", "definitions"),
    ("data-quality", "Data quality", "data-quality"),
]
VIEWS = [(1440, "light"), (1440, "dark"), (1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")]

# Every tile's label, value and delta and what is inside them (icons aside): text wider than its box, or ending
# beyond its tile's right edge (a parent with overflow: hidden would cut it), is cut short.
TRUNCATED = """() => {
  const cut = [];
  for (const id of ["stMetricLabel", "stMetricValue", "stMetricDelta"]) {
    for (const el of document.querySelectorAll(`[data-testid="${id}"]`)) {
      const tile = el.closest('[data-testid="stMetric"]').getBoundingClientRect();
      for (const e of [el, ...el.querySelectorAll("*")]) {
        if (e.closest("svg") || e.closest("button")) continue;
        const box = e.getBoundingClientRect();
        if (box.width === 0) continue;
        if (e.scrollWidth > e.clientWidth + 1 || box.right > tile.right + 1)
          cut.push(`${id}: "${el.innerText.replace(/\\s+/g, " ")}" (${e.tagName} ${e.scrollWidth} > ${e.clientWidth})`);
      }
    }
  }
  return cut;
}"""


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample company as `make screenshots` builds it (python -m data.sample ... then python -m data.ingest)."""
    given = os.environ.get("LAYOUT_DB")
    if given:
        return Path(given)
    folder = tmp_path_factory.mktemp("layout")
    export, db = folder / "export", folder / "crm.duckdb"
    for args in (
        ["data.sample", str(export), "--scale", "small", "--as-of", "2026-11-22", "--quiet"],
        ["data.ingest", str(export), "--db", str(db)],
    ):
        subprocess.run([sys.executable, "-m", *args], cwd=ROOT_DIR, check=True, stdout=subprocess.DEVNULL)
    return db


@pytest.fixture(scope="module")
def server(sample_db: Path) -> Iterator[str]:
    with dashboard_server(sample_db, "--server.fileWatcherType", "none") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        yield b
        b.close()


# Chart titles (Plotly does not wrap them) that run past their chart's right edge.
CHART_TITLES_CUT = """() => [...document.querySelectorAll(".js-plotly-plot")].flatMap(plot => {
  const right = plot.getBoundingClientRect().right;
  return [...plot.querySelectorAll(".gtitle")].filter(t => t.getBoundingClientRect().right > right + 1)
    .map(t => t.textContent);
})"""

# The top of every "Records" link under the Overview's tiles (both sides), on one row when tiles are side by side.
RECORDS_TOPS = """() => [...document.querySelectorAll('[class*="st-key-overview-tiles"] [data-testid="stButton"]')]
  .map(b => Math.round(b.getBoundingClientRect().top))"""


def _settle(page: Page, title: str) -> None:
    """Wait until the page is drawn, twice over: a rerun may start (a link written into the URL) just after the first
    run ends; the status widget shows only after a moment, so one check alone can pass too early."""
    expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible(timeout=30_000)
    for _ in range(2):
        page.wait_for_timeout(500)
        page.wait_for_function(DRAWN, timeout=60_000)
    page.wait_for_timeout(600)  # charts draw after the script has finished


def _whole_page(page: Page, path: Path, width: int, height: int) -> None:
    """A screenshot of the whole page: Streamlit scrolls its main area, not the document, so the window is made
    as tall as the page for the picture (at most 8,000 px), then set back."""
    tall = page.evaluate("""() => Math.max(document.documentElement.scrollHeight, ...[...document.querySelectorAll(
        '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stMainBlockContainer"]')]
        .map(e => e.scrollHeight))""")
    if tall > height:
        page.set_viewport_size({"width": width, "height": min(int(tall) + 40, 8000)})
        page.wait_for_timeout(400)  # charts redraw for the new size
    page.screenshot(path=path)
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(100)


@pytest.mark.parametrize(("width", "theme"), VIEWS, ids=[f"{w}-{t}" for w, t in VIEWS])
def test_no_tile_text_is_cut_short(server: str, browser: Browser, width: int, theme: str) -> None:
    shots = Path(os.environ.get("SCREENSHOT_DIR", ROOT_DIR / "build" / "screenshots" / "layout")) / f"{width}-{theme}"
    shots.mkdir(parents=True, exist_ok=True)
    readme = os.environ.get("README_SCREENSHOTS")
    height = 1000 if width > 800 else 844
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=theme, device_scale_factor=1)  # type: ignore[arg-type]
    page = context.new_page()
    cut: dict[str, list[str]] = {}
    try:
        for path, title, name in PAGES:
            page.goto(f"{server}/{path}")
            _settle(page, title)
            assert page.get_by_test_id("stException").count() == 0, title
            found = page.evaluate(TRUNCATED)
            if found:
                cut[title] = found
            # no page is wider than the screen (tables and charts scroll or shrink inside it)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{title} is {overflow} px wider than the {width} px screen"
            titles = page.evaluate(CHART_TITLES_CUT)
            if titles:
                cut[title] = [*cut.get(title, []), *(f"chart title: {t}" for t in titles)]
            if not path and width > 640:  # the tiles of both sides in one row: their "Records" links too
                tops = page.evaluate(RECORDS_TOPS)
                assert len(tops) == 6 and max(tops) - min(tops) <= 2, f"Overview's Records links at {tops} ({width} px)"
            _whole_page(page, shots / f"{name}.png", width, height)
            if readme and ((width, theme) == (1440, "light") or (width, theme, path) == (390, "dark", "")):
                folder = Path(readme)
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=folder / (f"{name}.png" if width == 1440 else f"{name}-phone-dark.png"))
    finally:
        context.close()
    assert not cut, f"tile text or chart title cut short at {width} px ({theme}): {cut}"


def test_a_typed_date_applies_on_enter_not_per_keystroke(server: str, browser: Browser) -> None:
    """Streamlit's date field (react-aria) sends nothing while a date is typed, segment by segment, and by itself
    ignores Enter; our script (dashboard/components.py) makes Enter apply the whole date, once, in the page's date
    fields and in the sidebar's. Counted on the websocket."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _frame: sent.append(1)))
    try:
        page.goto(server)
        _settle(page, "Overview")
        before = len(sent)
        page.get_by_role("spinbutton", name="month, Changes since").click()
        for digit in "1015":  # month 10, day 15: "1" alone, then "10/01", would be whole dates on the way
            page.keyboard.type(digit)
            page.wait_for_timeout(250)
        assert len(sent) == before, "the page reran while the date was being typed"
        assert "overview_since=2026-10-15" not in page.url
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"overview_since=2026-10-15"), timeout=30_000)
        _settle(page, "Overview")
        page.get_by_role("spinbutton", name="day, As of").click()  # the sidebar's date: day 22 -> 20
        page.keyboard.type("20")
        page.wait_for_timeout(250)
        assert "as_of=2026-11-20" not in page.url
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"as_of=2026-11-20"), timeout=30_000)
        _settle(page, "Overview")
        assert "overview_since=2026-10-15" in page.url
    finally:
        context.close()


def test_a_typed_date_also_applies_when_the_field_is_left(server: str, browser: Browser) -> None:
    """Leaving the field (a click elsewhere) applies a typed date too."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    try:
        page.goto(server)
        _settle(page, "Overview")
        page.get_by_role("spinbutton", name="month, Changes since").click()
        page.keyboard.type("1015")
        page.get_by_role("heading", name="Overview", exact=True).first.click()  # leave the field
        expect(page).to_have_url(re.compile(r"overview_since=2026-10-15"), timeout=30_000)
        _settle(page, "Overview")
    finally:
        context.close()
