"""Sign-in with roles, without a browser: the access rules, the runner's scope, and every page through AppTest.

AppTest sets `st.user` itself (`at.user`) and the `[auth]` secrets (`at.secrets`), so the app runs exactly as
behind a real sign-in. The metrics fixture (tests/fixtures/metrics/README.md): AMER has O1, O3, O6 (Acme, rep
U1/U2), EMEA has O2, O4, O5 (Berlin GmbH / London Ltd, rep U4); EMEA's Q4 overview is 0 MQLs, 25.0k
marketing-sourced, 26.7k booked, 44.4% attainment; every region's is 3 MQLs, 40.0k, 36.7k, 24.4%.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from data.access import ACCESS_HIDDEN, expired, match, principal, without_access
from data.config import Access, ConfigError, Definitions, load_definitions
from data.ingest import ingest
from data.store import Store
from queries import EVERYTHING, Scope, ScopeError, all_queries, run_query
from queries.__main__ import default_params
from queries.scope import SCOPE_FREE, UNSCOPABLE
from tests.conftest import FIXTURES, ROOT_DIR

APP = str(ROOT_DIR / "dashboard" / "app.py")
Q4 = {"quarter": "2026-10-01", "as_of": "2026-11-20"}
AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "dashboard",
        "client_secret": "secret",
        "server_metadata_url": "http://localhost:1/.well-known/openid-configuration",
    }
}
RULES = """
[access]
session_hours = 12

[[access.people]]
email = "cro@example.com"
role = "leadership"

[[access.people]]
group = "sales-emea"
role = "regional_manager"
regions = ["EMEA"]

[[access.people]]
email = "two@example.com"
role = "regional_manager"
regions = ["EMEA", "LATAM"]

[[access.people]]
email = "vic@example.com"
role = "viewer"

[[access.people]]
domain = "example.com"
role = "marketing"
"""
EMEA_IDS = {"O2", "O4", "O5"}
AMER_NAMES = ("Acme",)  # every AMER deal is at Acme; no EMEA record names it


# Access rules ---------------------------------------------------------------------------------------------------


def rules(text: str = RULES) -> Access:
    import tomllib

    return Definitions.model_validate(tomllib.loads(text)).access


def test_people_are_matched_by_email_then_group_then_domain() -> None:
    access = rules()
    cro = {"email": "CRO@example.com", "email_verified": True, "groups": ["sales-emea"]}
    assert match(access, cro).role == "leadership"  # the email rule wins over the group and the domain
    ines = {"email": "ines@example.com", "groups": ["sales-emea", "other"]}
    assert principal(access, ines).regions == ("EMEA",)
    assert principal(access, {"email": "ines@example.com", "groups": "sales-emea"}).role == "regional_manager"
    assert principal(access, {"email": "mo@example.com"}).role == "marketing"
    assert principal(access, {"email": "vic@example.com"}).can_export is False
    stranger = principal(access, {"email": "eve@elsewhere.org", "name": "Eve"})
    assert (stranger.role, stranger.regions, stranger.name) == (None, None, "Eve")
    # an email the provider says is unverified matches no email or domain rule (a group still can)
    assert principal(access, {"email": "cro@example.com", "email_verified": False}).role is None
    assert principal(access, {"email": "x@example.com", "email_verified": False, "groups": ["sales-emea"]}).regions == ("EMEA",)
    assert principal(access, {"sub": "123"}).role is None


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ('role = "regional_manager"\nemail = "a@b.com"', "regional_manager needs regions"),
        ('role = "leadership"\nemail = "a@b.com"\nregions = ["EMEA"]', "leadership sees every region"),
        ('role = "viewer"\nemail = "a@b.com"\ndomain = "b.com"', "one way"),
        ('role = "viewer"', "one way"),
        ('role = "viewer"\nemail = "nobody"', "not an email address"),
        ('role = "viewer"\ndomain = "@b.com"', "must be a domain"),
        ('role = "boss"\nemail = "a@b.com"', "access.people.0.role"),
        ('role = "regional_manager"\nemail = "a@b.com"\nregions = ["MARS"]', "names region 'MARS'"),
    ],
)
def test_bad_access_rules_are_refused_with_the_key_and_value(rule: str, says: str, tmp_path: Path) -> None:
    path = tmp_path / "definitions.toml"
    path.write_text(f"[[access.people]]\n{rule}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_definitions(path)
    assert says in str(err.value)


def test_a_sign_in_expires_after_session_hours() -> None:
    access = rules()
    now = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)
    issued = now.timestamp() - 11 * 3600
    assert not expired(access, {"iat": issued}, now)
    assert expired(access, {"iat": issued - 2 * 3600}, now)
    assert expired(access, {}, now)  # no issue time: not trusted
    assert expired(access, {"iat": "yesterday"}, now)


def test_the_shipped_definitions_give_nobody_a_role() -> None:
    assert load_definitions(ROOT_DIR / "definitions.toml").access.people == []


# The runner -----------------------------------------------------------------------------------------------------


def test_every_query_is_region_scoped_or_classified() -> None:
    """No query unclassified: a new query without $region must be put in SCOPE_FREE or UNSCOPABLE (queries/scope.py)."""
    names = {q.name for q in all_queries()}
    assert set(SCOPE_FREE) <= names and set(UNSCOPABLE) <= names
    assert not set(SCOPE_FREE) & set(UNSCOPABLE)
    for q in all_queries():
        kinds = ["region" in q.params, q.name in SCOPE_FREE, q.name in UNSCOPABLE]
        assert kinds.count(True) == 1, f"{q.name}: region-scoped, scope-free or unscopable? {kinds}"


@pytest.fixture(scope="module")
def metrics_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("signin") / "crm.duckdb"
    ingest(FIXTURES / "metrics", db, quiet=True)
    return db


@pytest.fixture(scope="module")
def con(metrics_db: Path) -> duckdb.DuckDBPyConnection:
    from dashboard.db import connect  # the dashboard's own settings: DuckDB opens one file one way per process

    return connect(Store(metrics_db).live_version())


def _params(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    return {**default_params(con), "start_date": dt.date(2026, 10, 1), "end_date": dt.date(2026, 12, 31)}


def test_the_runner_forces_the_region_whatever_is_asked(con: duckdb.DuckDBPyConnection) -> None:
    """For every region-scoped query: EMEA's scope asking for AMER, for all, or for nothing gives exactly
    what leadership gets by choosing EMEA; no row names another region."""
    base = _params(con)
    emea = Scope(("EMEA",))
    for q in all_queries():
        if "region" not in q.params:
            continue
        expected = run_query(con, q.name, {**base, "region": "EMEA"})
        for asked in ("AMER", None, "EMEA"):
            got = run_query(con, q.name, {**base, "region": asked}, emea)
            pd.testing.assert_frame_equal(got, expected, obj=f"{q.name} asked {asked}")
        without = {k: v for k, v in base.items() if k != "region"}
        pd.testing.assert_frame_equal(run_query(con, q.name, without, emea), expected, obj=f"{q.name} no region")
        for column in [c for c in expected.columns if c == "region"]:
            assert set(expected[column].dropna()) <= {"EMEA"}, q.name


def test_a_region_scoped_query_really_differs_by_region(con: duckdb.DuckDBPyConnection) -> None:
    """The forcing is not vacuous: EMEA's and AMER's overview differ, and leadership sees both."""
    base = _params(con)
    amer = run_query(con, "overview", base, Scope(("AMER",)))
    emea = run_query(con, "overview", base, Scope(("EMEA",)))
    everyone = run_query(con, "overview", base, EVERYTHING)
    assert not amer.equals(emea) and not everyone.equals(emea)
    assert run_query(con, "drill_deals", {**base, "region": "AMER"}, Scope(("EMEA",)))["opportunity_id"].isin(EMEA_IDS).all()


def test_queries_that_cannot_be_limited_are_refused(con: duckdb.DuckDBPyConnection) -> None:
    emea = Scope(("EMEA",))
    for name in UNSCOPABLE:
        with pytest.raises(ScopeError, match=name):
            run_query(con, name, {}, emea)
        run_query(con, name, {})  # leadership, local mode and the CLI read them
    for name in SCOPE_FREE:
        pd.testing.assert_frame_equal(run_query(con, name, _params(con), emea), run_query(con, name, _params(con)))


# Every page through AppTest -------------------------------------------------------------------------------------


@pytest.fixture
def signin(metrics_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Sign-in configured (secrets), the test's access rules and a fresh audit log; downloads captured."""
    text = (ROOT_DIR / "definitions.toml").read_text(encoding="utf-8")
    definitions = tmp_path / "definitions.toml"
    definitions.write_text(text[: text.index("\n[access]")] + RULES, encoding="utf-8")
    audit = tmp_path / "audit.log"
    monkeypatch.setenv("CRM_DB", str(metrics_db))
    monkeypatch.setenv("CRM_DEFINITIONS", str(definitions))
    monkeypatch.setenv("CRM_AUDIT_LOG", str(audit))
    downloads: list[tuple[str, Callable[[], bytes]]] = []

    def capture(_label: str, data: Callable[[], bytes], **kwargs: Any) -> bool:
        downloads.append((kwargs["file_name"], data))
        return False

    monkeypatch.setattr(streamlit, "download_button", capture)
    return {"audit": audit, "downloads": downloads}


def user(email: str, **claims: Any) -> dict[str, Any]:
    return {"is_logged_in": True, "email": email, "email_verified": True, "name": email.split("@")[0].title(), **claims,
            "iat": claims.get("iat", int(time.time()))}  # fmt: skip


def app(who: dict[str, Any] | None, page: str | None = None, **url: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets.update(AUTH)
    at.user = who if who is not None else {"is_logged_in": False}
    for key, value in {**Q4, **url}.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    """Every text on the page as a reader sees it (Markdown escapes and the invisible word joiner that keeps an
    email from becoming a link taken out)."""
    shown = "\n".join(str(e.value) for kind in ("title", "markdown", "info", "warning", "caption", "error") for e in at.get(kind))
    return shown.replace("\u2060", "").replace("\\", "")


@pytest.mark.usefixtures("signin")
def test_signed_out_people_see_the_sign_in_page_and_no_data() -> None:
    at = app(None)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe


def test_unknown_people_are_told_to_ask_their_admin(signin: dict) -> None:
    at = app(user("eve@elsewhere.org"))
    assert "Ask your admin for access" in texts(at) and "eve@elsewhere.org" in texts(at)
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox
    assert [(e["event"], e["who"], e["role"]) for e in _audit(signin["audit"])] == [("denied", "eve@elsewhere.org", None)]


@pytest.mark.usefixtures("signin")
def test_an_expired_sign_in_shows_no_data() -> None:
    at = app(user("cro@example.com", iat=int(time.time()) - 13 * 3600))
    assert "Your sign-in has expired" in texts(at)
    assert not at.metric and [b.label for b in at.button] == ["Sign in again"]


def test_leadership_sees_every_region(signin: dict) -> None:
    at = app(user("cro@example.com"))
    assert tiles(at)["Marketing-sourced pipeline"] == "USD 40.0k"
    assert at.sidebar.selectbox(key="f_region").options == ["All", "AMER", "EMEA", "APAC", "LATAM"]
    assert "Signed in as Cro (cro@example.com) · Leadership · every region" in texts(at)
    assert [(e["event"], e["scope"]) for e in _audit(signin["audit"])] == [("sign_in", "all regions")]
    # a name from the identity provider is shown as text, never as Markdown
    at = app(user("cro@example.com", name="[Click](https://evil.example) *x*"))
    assert "Signed in as [Click](https://evil.example) *x* (cro@example.com)" in texts(at)
    raw = [c.value for c in at.sidebar.caption if "Signed in" in c.value]
    assert raw and "\\[Click\\]" in raw[0] and "\\*x\\*" in raw[0]  # escaped: drawn as text, not as a link


@pytest.mark.usefixtures("signin")
def test_a_regional_manager_sees_their_region_whatever_the_link_says() -> None:
    at = app(user("ines@example.com", groups=["sales-emea"]), region="AMER")
    got = tiles(at)
    assert (got["MQLs"], got["Marketing-sourced pipeline"], got["Bookings"], got["Quota attainment"]) == (
        "0",
        "USD 25.0k",
        "USD 26.7k",
        "44.4%",
    )
    assert any("`region=AMER`" in w.value and "not a region you can see" in w.value for w in at.warning)
    assert at.sidebar.selectbox(key="f_region").options == ["EMEA"]
    assert at.query_params["region"] == "EMEA"
    assert any("You see EMEA only" in i.value and "company-level ones included" in i.value for i in at.info)


@pytest.mark.usefixtures("signin")
def test_a_manager_of_two_regions_picks_one_of_theirs() -> None:
    at = app(user("two@example.com"))
    assert at.sidebar.selectbox(key="f_region").options == ["EMEA", "LATAM"]
    assert tiles(at)["Marketing-sourced pipeline"] == "USD 25.0k"  # the first of their regions
    at.sidebar.selectbox(key="f_region").set_value("LATAM").run()
    assert tiles(at)["Marketing-sourced pipeline"] == "USD 0"


@pytest.mark.usefixtures("signin")
def test_cached_results_are_never_shared_across_scopes() -> None:
    """Leadership, then the EMEA manager, then leadership again in one process (one shared cache)."""
    for who, expected in [("cro@example.com", "USD 40.0k"), ("ines@example.com", "USD 25.0k"), ("cro@example.com", "USD 40.0k")]:
        groups = ["sales-emea"] if who.startswith("ines") else []
        assert tiles(app(user(who, groups=groups)))["Marketing-sourced pipeline"] == expected, who


PAGES = ["overview", "leads", "pipeline", "quota", "sla", "regions", "deals", "brief", "definitions", "data_quality"]


@pytest.mark.parametrize("page", PAGES)
def test_every_table_and_download_of_a_regional_manager_is_in_scope(page: str, signin: dict) -> None:
    at = app(user("ines@example.com", groups=["sales-emea"]), page=None if page == "overview" else page, region="AMER")
    assert not at.error, [e.value for e in at.error]
    frames = [d.value for d in at.dataframe]
    for file_name, make in signin["downloads"]:
        data = make().decode("utf-8")
        assert not any(name in data for name in AMER_NAMES), file_name
        if not file_name.startswith("brief-"):  # the brief's CSV holds two tables: checked as text above
            frames.append(pd.read_csv(io.StringIO(data)))
    for frame in frames:
        # the Definitions page lists every region's settings (configuration, scope-free), never their data
        _only_emea(frame, regions=page != "definitions")
    exports = [e for e in _audit(signin["audit"]) if e["event"] == "export"]
    made = [(n, "ines@example.com", "EMEA") for n, _ in signin["downloads"]]
    assert [(e["file"], e["who"], e["scope"]) for e in exports] == made
    if page == "brief":
        assert {n for n, _ in signin["downloads"]} >= {"brief-2026-11-20.html", "brief-2026-11-20.csv"}
        assert all("EMEA" in e["view"] for e in exports)
    if page == "data_quality":
        assert "cover every region" in texts(at)
        assert [d for d, _ in signin["downloads"]] in ([], ["unconverted.csv"])


def _only_emea(frame: pd.DataFrame, regions: bool = True) -> None:
    for column in frame.columns:
        name = str(column).lower()
        values = set(frame[column].dropna().astype(str))
        if regions and name in ("region", "region_name"):
            assert values <= {"EMEA"}, (column, values)
        if "opportunity" in name and "id" in name:
            assert values <= EMEA_IDS, (column, values)
        assert not any(v.startswith(AMER_NAMES) for v in values), (column, values)


def test_a_viewer_reads_but_cannot_download(signin: dict) -> None:
    at = app(user("vic@example.com"), page="regions")
    assert at.dataframe and signin["downloads"] == []
    assert "Viewer: reading only, no downloads." in texts(at)


def test_local_mode_is_todays_behaviour_and_says_so(metrics_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_DB", str(metrics_db))
    monkeypatch.setenv("CRM_AUDIT_LOG", str(tmp_path / "audit.log"))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in Q4.items():
        at.query_params[key] = value
    at.run()
    assert tiles(at)["Marketing-sourced pipeline"] == "USD 40.0k"
    assert any("Local mode: no sign-in is configured" in c.value for c in at.sidebar.caption)
    assert "Sign out" not in [b.label for b in at.button]


def _audit(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


@pytest.mark.usefixtures("signin")
def test_a_regional_manager_is_offered_only_their_regions_people() -> None:
    # EMEA: Eve AE (U4) and her manager Fay Director (U5); AMER's Ada, Ben and Cat's team are not named
    at = app(user("ines@example.com", groups=["sales-emea"]), owner="U3")
    assert at.sidebar.selectbox(key="f_owner").options == ["All", "Eve AE", "Fay Director (team)"]
    assert any("`owner=U3`" in w.value for w in at.warning)
    leadership = app(user("cro@example.com"))
    assert "Cat Director (team)" in leadership.sidebar.selectbox(key="f_owner").options


def test_the_definitions_page_does_not_show_who_has_which_role() -> None:
    text = "[regions]\nnames = []\n\n[access]\naudit_log = 'x'\n\n[[access.people]]\nemail = 'cro@example.com'\n"
    assert without_access(text) == f"[regions]\nnames = []\n\n{ACCESS_HIDDEN}"
    assert without_access(text + "[later]\nkey = 1") == f"[regions]\nnames = []\n\n{ACCESS_HIDDEN}\n[later]\nkey = 1"


@pytest.mark.usefixtures("signin")
def test_the_definitions_file_is_shown_without_access_rules() -> None:
    at = app(user("ines@example.com", groups=["sales-emea"]), page="definitions")
    shown = at.code[0].value
    assert ACCESS_HIDDEN in shown and "[regions]" in shown
    assert "[[access.people]]" not in shown and "example.com" not in shown


@pytest.mark.parametrize("page", ["overview", "pipeline", "deals"])
def test_the_records_behind_every_number_of_a_regional_manager_are_in_scope(page: str, signin: dict) -> None:
    """Every "Records" dialog (the drill-downs) and its CSV, opened by the EMEA manager on a tampered link."""
    at = app(user("ines@example.com", groups=["sales-emea"]), page=None if page == "overview" else page, region="AMER")
    keys = [b.key for b in at.button if b.label == "Records"]
    assert keys
    for key in keys:
        signin["downloads"].clear()
        at.button(key=key).click().run()
        assert not at.exception and not at.error, key
        for frame in [d.value for d in at.dataframe]:
            _only_emea(frame)
        for file_name, make in signin["downloads"]:
            data = make().decode("utf-8")
            assert not any(name in data for name in AMER_NAMES), file_name
            _only_emea(pd.read_csv(io.StringIO(data)))
    assert any(e["file"].startswith("drill_") and e["scope"] == "EMEA" for e in _audit(signin["audit"]) if e["event"] == "export")


def test_broken_access_rules_show_no_data_and_say_why(signin: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[[access.people]]\nemail = "cro@example.com"\nrole = "boss"\n', encoding="utf-8")
    monkeypatch.setenv("CRM_DEFINITIONS", str(broken))
    at = app(user("cro@example.com"))
    assert not at.metric and any("access rules" in e.value for e in at.error)
    assert "access.people.0.role" in at.code[0].value
    assert _audit(signin["audit"]) == []
