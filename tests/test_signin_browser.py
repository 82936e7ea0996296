"""Sign-in in a real headless Chromium against an OpenID Connect provider running inside the test.

The provider is PyPI's oidc-provider-mock (a real OIDC server on localhost: discovery, authorize, token, JWKS),
with two predefined people: a leadership user (by email) and an EMEA regional manager (by group claim).
Streamlit's own login (st.login) runs the whole authorization-code flow; the test then checks what each person
sees, with both signed in at once in two browser contexts, a tampered link, forged cookies, an expired sign-in,
a download's rows and the audit log.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from data.ingest import ingest
from tests.conftest import FIXTURES, ROOT_DIR
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, dashboard_server

oidc_provider_mock = pytest.importorskip("oidc_provider_mock")

pytestmark = pytest.mark.slow

CRO = "cro@example.com"
EMEA = "ines@example.com"
ACCESS = """
[access]
audit_log = "{audit}"
session_hours = {hours}

[[access.people]]
email = "cro@example.com"
role = "leadership"

[[access.people]]
group = "sales-emea"
role = "regional_manager"
regions = ["EMEA"]
"""


def write_definitions(path: Path, audit: Path, hours: float = 12) -> None:
    """The repository's definitions with the test's access rules in place of its [access] section."""
    text = (ROOT_DIR / "definitions.toml").read_text(encoding="utf-8")
    text = text[: text.index("\n[access]")]
    path.write_text(text + ACCESS.format(audit=audit, hours=hours), encoding="utf-8")


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # the provider speaks plain http on localhost
    people = [
        oidc_provider_mock.User(sub=CRO, claims={"email": CRO, "email_verified": True, "name": "Cara Ruiz"}),
        oidc_provider_mock.User(
            sub=EMEA, claims={"email": EMEA, "email_verified": True, "name": "Ines Weber", "groups": ["sales-emea"]}
        ),
    ]
    with oidc_provider_mock.run_server_in_thread(port=0, user_claims=people) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def site(provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("signin")
    db = folder / "crm.duckdb"
    ingest(FIXTURES / "metrics", db, quiet=True)
    audit = folder / "audit.log"
    definitions = folder / "definitions.toml"
    write_definitions(definitions, audit)
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "alignment-dashboard"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    saved = {k: os.environ.get(k) for k in ("CRM_DEFINITIONS", "CRM_AUDIT_LOG")}
    os.environ["CRM_DEFINITIONS"] = str(definitions)
    os.environ.pop("CRM_AUDIT_LOG", None)
    try:
        with dashboard_server(db, "--secrets.files", str(secrets_file)) as url:
            yield {"url": url, "audit": audit, "definitions": definitions}
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _tile(page: Page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True)).first
    return metric.get_by_test_id("stMetricValue").inner_text()


def sign_in(browser: Browser, url: str, who: str) -> tuple[BrowserContext, Page]:
    """A fresh browser context signed in as `who` through the provider's authorize page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=who, exact=True).click()  # the provider's page: a button per predefined person
    page.wait_for_url(f"{url}/**")
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=30_000)
    return context, page


def _audit(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_signed_out_sees_the_sign_in_page_only(browser: Browser, site: dict) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site["url"])
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    context.close()


def test_two_people_at_once_never_see_each_others_numbers(browser: Browser, site: dict) -> None:
    url = site["url"]
    cro_context, cro = sign_in(browser, url, CRO)
    emea_context, emea = sign_in(browser, url, EMEA)
    # the overview of the metrics fixture's Q4: every region 40.0k marketing-sourced; EMEA alone 25.0k
    for _ in range(2):  # twice: the second time every result comes from the shared cache
        cro.goto(f"{url}/?quarter=2026-10-01&as_of=2026-11-20")
        emea.goto(f"{url}/?quarter=2026-10-01&as_of=2026-11-20")
        expect(cro.get_by_test_id("stMetric").first).to_be_visible(timeout=30_000)
        expect(emea.get_by_test_id("stMetric").first).to_be_visible(timeout=30_000)
        assert _tile(cro, "Marketing-sourced pipeline") == "USD 40.0k"
        assert _tile(emea, "Marketing-sourced pipeline") == "USD 25.0k"
        assert _tile(emea, "Bookings") == "USD 26.7k"
    expect(emea.get_by_text("You see EMEA only")).to_be_visible()
    expect(emea.get_by_text("Signed in as Ines Weber (ines")).to_be_visible()  # a word joiner keeps @ from linking
    expect(cro.get_by_text("Signed in as Cara Ruiz (cro")).to_be_visible()

    # a tampered link as the EMEA manager: ignored, said, and the numbers stay EMEA's
    emea.goto(f"{url}/?quarter=2026-10-01&as_of=2026-11-20&region=AMER")
    expect(emea.get_by_text("not a region you can see")).to_be_visible(timeout=30_000)
    assert _tile(emea, "Marketing-sourced pipeline") == "USD 25.0k"
    assert "region=EMEA" in emea.url

    # a download as the EMEA manager: only EMEA rows; the export is in the audit log
    emea.goto(f"{url}/regions?quarter=2026-10-01&as_of=2026-11-20")
    button = emea.get_by_role("button", name="Download CSV").first
    expect(button).to_be_visible(timeout=30_000)
    with emea.expect_download() as download:
        button.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    regions = {line.split(",")[0] for line in text.splitlines()[1:]}
    assert regions == {"EMEA"}, text
    cro_context.close()
    emea_context.close()

    events = _audit(site["audit"])
    assert {(e["event"], e["who"], e["scope"]) for e in events} >= {
        ("sign_in", CRO, "all regions"),
        ("sign_in", EMEA, "EMEA"),
        ("export", EMEA, "EMEA"),
    }


def test_forged_cookies_do_not_sign_anyone_in(browser: Browser, site: dict) -> None:
    from itsdangerous import URLSafeTimedSerializer

    url = site["url"]
    claims = json.dumps({"email": CRO, "email_verified": True, "is_logged_in": True, "origin": url, "iat": 2**31})
    forged = {
        "unsigned": claims,
        "wrong secret": URLSafeTimedSerializer("not-the-secret", salt="_streamlit_user").dumps(claims),
    }
    for value in forged.values():
        context = browser.new_context()
        context.add_cookies([{"name": "_streamlit_user", "value": value, "url": url}])
        page = context.new_page()
        page.goto(f"{url}/?quarter=2026-10-01&as_of=2026-11-20")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("stMetric")).to_have_count(0)
        context.close()


def test_an_expired_sign_in_shows_no_data(browser: Browser, site: dict) -> None:
    url = site["url"]
    context, page = sign_in(browser, url, CRO)
    # the access rules are re-read when the file changes: sign-ins now last 1 second
    write_definitions(site["definitions"], site["audit"], hours=1 / 3600)
    try:
        page.wait_for_timeout(1500)
        page.goto(f"{url}/?quarter=2026-10-01&as_of=2026-11-20")
        expect(page.get_by_text("Your sign-in has expired")).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("stMetric")).to_have_count(0)
        assert ("expired", CRO) in {(e["event"], e["who"]) for e in _audit(site["audit"])}
    finally:
        write_definitions(site["definitions"], site["audit"])
        context.close()
