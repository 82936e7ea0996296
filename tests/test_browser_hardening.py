"""CRM markup in a real headless Chromium: names full of Markdown, HTML and Plotly pseudo-HTML render as
text (no link, no image, no bold from the data), and a link's invalid value is shown as text.

Uses the same Debian chromium and launch flags as tests/test_browser.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from data.ingest import ingest
from tests.test_app_hardening import EVIL_CHANNEL, nasty_export
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, _settle, dashboard_server

pytestmark = pytest.mark.slow  # browser, kill and property tests: `make test-fast` leaves them out

# Every link and image on the page that points outside the dashboard, from HTML or SVG (Plotly uses xlink:href).
_FOREIGN = """() => [...document.querySelectorAll('a, img, image')].filter(e => (e.getAttribute('href') ||
    e.getAttribute('xlink:href') || e.getAttribute('src') || '').includes('evil')).map(e => {
        let p = e; while (p && !(p.dataset && p.dataset.testid)) { p = p.parentElement; }
        return (p ? p.dataset.testid : '?') + ': ' + e.outerHTML.slice(0, 160); })"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("browser-nasty")
    db = base / "crm.duckdb"
    ingest(nasty_export(base / "export"), db, quiet=True)
    with dashboard_server(db) as url:
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


def test_crm_markup_renders_as_text(server: str, page: Page) -> None:
    # the owner's name (Markdown link, image, HTML image, bare URLs) in the page caption; a Markdown link in a notice
    page.goto(
        f"{server}/pipeline?quarter=2026-10-01&as_of=2026-11-20&owner=U1&segment=%5Bphish%5D(https%3A%2F%2Fevil.example%2Fn)"
    )
    expect(page.get_by_role("heading", name="Pipeline & attribution", exact=True)).to_be_visible(timeout=30_000)
    _settle(page)
    main = page.get_by_test_id("stMain")
    # (an invisible word joiner after "https" keeps the bare URL from being linked)
    expect(main.get_by_text(re.compile(r"\[Ada\]\(https\u2060?://evil\.example/u\)")).first).to_be_visible()
    expect(main.get_by_text("[phish](https://evil.example/n)", exact=False).first).to_be_visible()
    # Plotly: the channel's <a>/<b> are drawn as characters
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    svg_text = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot text')].map(t => t.textContent).join(' ')")
    assert EVIL_CHANNEL in svg_text or "<b>Bold</b>" in svg_text, svg_text[:500]
    assert page.evaluate(_FOREIGN) == []
    assert page.get_by_test_id("stException").count() == 0
