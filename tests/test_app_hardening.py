"""The app's hardening (issue 13, "The app"): a damaged database or a failing page shows a plain message
and logs the details; the DuckDB connection cannot reach other files; CRM and link text never becomes
Markdown, HTML or Plotly markup; downloads carry no live spreadsheet formula; over-long link values are
refused with a notice. Rendering in a real browser is checked in tests/test_browser_hardening.py."""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, safe
from dashboard import db as dashboard_db
from dashboard.brief_export import render_csv, render_html
from data.ingest import ingest
from tests.conftest import FIXTURES, ROOT_DIR, copy_loaded

APP = str(ROOT_DIR / "dashboard" / "app.py")
Q4 = {"quarter": "2026-10-01", "as_of": "2026-11-20"}
EVIL_USER = (
    "[Ada](https://evil.example/u) ![p](https://evil.example/p.png) <img src=https://evil.example/i.png> "
    "**bold** https://evil.example/bare www.evil.example :red[red] $x$"
)
EVIL_CHANNEL = '<a href="https://evil.example/c">Evil</a><b>Bold</b>'
EVIL_DEAL = '=HYPERLINK("https://evil.example/d","Acme")'


def nasty_export(out: Path) -> Path:
    """The metrics fixture with Markdown, HTML, Plotly markup and a formula in CRM names."""
    shutil.copytree(FIXTURES / "metrics", out)
    edits = {
        "users.csv": ("user_id", "U1", "user_name", EVIL_USER),
        "campaigns.csv": ("campaign_id", "C3", "campaign_type", EVIL_CHANNEL),
        "opportunities.csv": ("opportunity_id", "O1", "opportunity_name", EVIL_DEAL),
        "accounts.csv": ("account_id", "A1", "industry", "<b>Soft</b>ware"),
    }
    for name, (key, value, column, new) in edits.items():
        with open(out / name, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            if row[key] == value:
                row[column] = new
        with open(out / name, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return out


@pytest.fixture(scope="module")
def nasty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("nasty")
    db = base / "crm.duckdb"
    ingest(nasty_export(base / "export"), db, quiet=True)
    return db


@pytest.fixture
def log_records() -> Iterator[list[logging.LogRecord]]:
    """What the dashboard writes to the server's log during the test."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    safe.LOG.addHandler(handler)
    yield records
    safe.LOG.removeHandler(handler)


def app(db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **url: str) -> AppTest:
    monkeypatch.setenv("CRM_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in url.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    return at


def page_text(at: AppTest) -> str:
    """Every text the page shows (titles, Markdown, captions, alerts, code), main area and sidebar."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success", "code")
    parts = [str(getattr(e, "value", "")) for kind in kinds for e in getattr(at, kind)]
    return "\n".join(parts + [str(e.value) for e in at.exception])


# 1. A damaged or unreadable database, an unexpected error: a plain message, the details in the log ----------


def _damage(version: Path, how: str) -> None:
    data = version.read_bytes()
    if how == "garbage":
        version.write_bytes(b"not a database " * 1000)
    elif how == "truncated":
        version.write_bytes(data[: len(data) // 2])
    elif how == "bit rot":
        damaged = bytearray(data)
        for at in range(len(data) // 3, len(data) - 300, 4096):
            damaged[at + 100 : at + 200] = bytes(100)
        version.write_bytes(bytes(damaged))
    elif how == "a folder":
        version.unlink()
        version.mkdir()


@pytest.mark.parametrize("how", ["garbage", "truncated", "bit rot", "a folder"])
def test_a_damaged_database_shows_a_plain_message_and_logs_the_details(
    metrics_db: Path, how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_records: list[logging.LogRecord]
) -> None:
    db = copy_loaded(metrics_db, tmp_path / "wh")  # the session's metrics load, a private copy
    version = db.resolve()
    _damage(version, how)
    for page in (None, "pipeline", "data_quality"):
        at = app(db, monkeypatch, page, **Q4)
        assert not at.exception, [e.value for e in at.exception]
        errors = [e.value for e in at.error]
        assert errors and "cannot read its database" in errors[0], page_text(at)
        assert "python -m data.ingest" in errors[0]
        shown = page_text(at)
        assert str(tmp_path) not in shown and "Traceback" not in shown and ".versions" not in shown
    logged = [r for r in log_records if "cannot read the database file" in r.getMessage()]
    assert logged and logged[-1].exc_info and str(version) in logged[-1].getMessage()
    ref = re.search(r"reference (\w+)", errors[0]).group(1)
    assert any(ref in r.getMessage() for r in logged)


def test_an_unexpected_error_in_a_page_is_a_plain_message(
    metrics_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_records: list[logging.LogRecord]
) -> None:
    db = copy_loaded(metrics_db, tmp_path)  # the session's metrics load, a private copy
    import dashboard.kpis

    def boom(*_: object) -> None:
        raise ValueError("secret detail /srv/internal/path")

    monkeypatch.setattr(dashboard.kpis, "overview", boom)
    at = app(db, monkeypatch, **Q4)
    assert not at.exception
    assert "Something went wrong while drawing this page" in at.error[0].value
    assert "secret detail" not in page_text(at) and "Traceback" not in page_text(at)
    assert log_records[-1].exc_info[0] is ValueError and "reference" in log_records[-1].getMessage()
    # the other pages still work
    assert not at.switch_page("views/leads.py").run().error


def test_no_database_names_only_the_configured_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CRM_DB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and "No data has been loaded yet" in at.warning[0].value


# 2. The connection reads its own database and nothing else -------------------------------------------------------


def test_the_connection_cannot_read_other_files_or_unlock_itself(metrics_db: Path, tmp_path: Path) -> None:
    db = copy_loaded(metrics_db, tmp_path)  # the session's metrics load, a private copy
    (tmp_path / "secret.csv").write_text("password\nhunter2\n")
    con = dashboard_db.connect(db.resolve()).cursor()  # the app runs every query on a cursor like this
    assert con.execute("SELECT count(*) FROM stg_opportunities").fetchone()[0] > 0
    settings = dict(
        con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', 'lock_configuration', 'TimeZone')"
        ).fetchall()
    )
    assert settings == {"enable_external_access": "false", "lock_configuration": "true", "TimeZone": "UTC"}
    for sql in (
        "SELECT * FROM read_csv('/etc/passwd')",
        f"SELECT * FROM read_csv('{tmp_path / 'secret.csv'}')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
        f"ATTACH '{tmp_path / 'other.duckdb'}'",
        f"COPY stg_users TO '{tmp_path / 'out.csv'}'",
        "INSTALL httpfs",
    ):
        with pytest.raises(duckdb.PermissionException):
            con.execute(sql)
    for sql in (
        "SET enable_external_access = true",
        "SET GLOBAL enable_external_access = true",
        "SET lock_configuration = false",
        "RESET lock_configuration",
        "SET TimeZone = 'Europe/Paris'",
    ):
        with pytest.raises(duckdb.InvalidInputException, match="locked"):
            con.execute(sql)
    assert not (tmp_path / "out.csv").exists()
    # a second connection to the same file in the process (e.g. after a cache eviction) works too
    assert dashboard_db.connect(db.resolve()).execute("SELECT 1").fetchone() == (1,)


def test_the_app_runs_on_the_locked_connection(metrics_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = copy_loaded(metrics_db, tmp_path)  # the session's metrics load, a private copy
    monkeypatch.setenv("TZ", "America/New_York")  # the machine's zone must not matter
    at = app(db, monkeypatch, "sla", **Q4)
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Median response"] == "40 min 00 s"
    con = dashboard_db._connection(str(db.resolve()))
    assert con.execute("SELECT current_setting('enable_external_access')").fetchone() == (False,)


def test_the_cache_key_is_the_bound_parameters_only() -> None:
    wide = {
        "start_date": dt.date(2026, 10, 1),
        "end_date": dt.date(2026, 12, 31),
        "as_of": dt.date(2026, 11, 20),
        "region": None,
        "segment": None,
        "owner": None,
        "currency": "USD",
    }
    linear = dashboard_db.bound_params("sla_by_region", {**wide, "model": "linear"})
    assert linear == dashboard_db.bound_params("sla_by_region", {**wide, "model": "u_shaped"})
    assert "model" not in dict(linear)


def test_identical_queries_at_the_same_moment_compute_once() -> None:
    """25 sessions asking for one result at once: one computation, the others wait for it (a lock per key)."""
    cache = dashboard_db.ResultCache()
    computing = []

    def slow() -> pd.DataFrame:
        computing.append(threading.get_ident())
        time.sleep(0.3)
        return pd.DataFrame({"amount": [1.0, 2.0]})

    key = ("crm.duckdb.versions/20261127T100000Z-1.duckdb", "overview", (("region", None),))
    with ThreadPoolExecutor(25) as pool:
        results = list(pool.map(lambda _: cache.get(key, slow), range(25)))
    assert len(computing) == 1 and cache.computed == 1
    assert all(r["amount"].tolist() == [1.0, 2.0] for r in results)
    results[0]["amount"] = [9.0, 9.0]  # a page that changes its frame changes its copy only
    assert cache.get(key, slow)["amount"].tolist() == [1.0, 2.0] and cache.computed == 1


def test_different_queries_compute_side_by_side_and_a_new_load_replaces_the_old() -> None:
    cache = dashboard_db.ResultCache()
    old, new = "v/20261127T100000Z-1.duckdb", "v/20261127T110000Z-2.duckdb"

    def slow() -> pd.DataFrame:
        time.sleep(0.3)
        return pd.DataFrame({"n": [1]})

    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: cache.get((old, f"q{i}", ()), slow), range(4)))
    assert time.perf_counter() - started < 1.0  # not one after another (4 x 0.3 s)
    assert cache.computed == 4
    cache.get((new, "q0", ()), slow)  # the first result of a newer load drops the older load's
    assert cache.get((old, "q1", ()), slow) is not None and cache.computed == 6


def test_a_failed_computation_is_not_kept() -> None:
    cache = dashboard_db.ResultCache()

    def fails() -> pd.DataFrame:
        raise duckdb.IOException("disk")

    with pytest.raises(duckdb.IOException):
        cache.get(("v/1.duckdb", "q", ()), fails)
    assert cache.get(("v/1.duckdb", "q", ()), lambda: pd.DataFrame({"n": [1]}))["n"].tolist() == [1]


def test_one_run_reads_one_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A load that lands during a script run is read from the next run on, never half-way through one."""
    db = tmp_path / "crm.duckdb"
    ingest(FIXTURES / "metrics", db, quiet=True)
    monkeypatch.setenv("CRM_DB", str(db))
    first = dashboard_db.live_version()
    with dashboard_db.one_version() as pinned:
        assert pinned == first
        ingest(FIXTURES / "metrics", db, quiet=True)  # a new version goes live mid-run
        assert dashboard_db.live_version() != first
        assert dashboard_db._run_version() == first
    assert dashboard_db._run_version() == dashboard_db.live_version() != first


# 3. CRM and link text never becomes markup ----------------------------------------------------------------------

_UNESCAPED_PUNCT = re.compile(r"(?<!\\)[!-/:-@\[-`{-~]")


def _fully_escaped(markdown: str) -> bool:
    """No ASCII punctuation without a backslash before it (after removing the escape pairs themselves)."""
    return not _UNESCAPED_PUNCT.search(re.sub(r"\\[!-/:-@\[-`{-~]", "", markdown))


@pytest.mark.parametrize(
    "text",
    [
        EVIL_USER,
        EVIL_CHANNEL,
        "line\n# heading",
        "\\[x](y)",
        "<https://evil.example>",
        "mail eve@evil.example",
        "HTTP://X.Y and WWW.x.y",
    ],
)
def test_md_escapes_every_markdown_construct(text: str) -> None:
    out = safe.md(text)
    assert _fully_escaped(out) and "\n" not in out
    shown = re.sub(r"\\(.)", r"\1", out).replace("\u2060", "")  # what the reader sees, less the invisible joiners
    assert shown == " ".join(text.splitlines())
    assert not re.search(r"(?i)(https?:|www\.|\w@)", re.sub(r"\\(.)", r"\1", out))  # no bare-URL or e-mail link


@pytest.mark.parametrize("text", ["plain", "a`b", "``x``", "`", "", "<script>"])
def test_code_spans_cannot_be_closed_from_inside(text: str) -> None:
    out = safe.code(text)
    fence = re.match(r"`+", out).group(0)
    inner = out[len(fence) : len(out) - len(fence)]
    assert (out.endswith(fence) and fence not in inner.strip(" ")) or not text
    assert inner.strip(" ") == text.strip(" ") or not text.strip()


def test_crm_names_are_escaped_in_captions(nasty_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(nasty_db, monkeypatch, "leads", owner="U1", **Q4)
    assert not at.exception and not at.error
    caption = at.caption[0].value
    filters_part = caption.rsplit(" UTC · ", 1)[1]
    assert "evil" in filters_part and _fully_escaped(filters_part)


def test_link_notices_show_the_value_as_text(nasty_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(nasty_db, monkeypatch, region="[phish](https://evil.example/n)``[x](y)", **Q4)
    notice = next(w.value for w in at.warning if "region" in w.value)
    fence = re.search(r"`+", notice).group(0)
    assert len(fence) == 3 and notice.count(fence) == 2  # one code span, longer than any backtick run inside
    assert "[phish](https://evil.example/n)" in notice


def test_plotly_gets_no_markup_from_data_labels(nasty_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for page in ("pipeline", "deals"):
        at = app(nasty_db, monkeypatch, page, **Q4)
        if page == "deals":
            at.radio(key="deals_by").set_value("industry").run()
        specs = [c.proto.spec for c in at.get("plotly_chart")]
        assert specs and not at.exception
        blob = "\n".join(specs)
        assert "<a href" not in blob and "<b>Bold" not in blob and "<b>Soft" not in blob
        assert "&lt;b&gt;" in blob  # the label is still there, as text


def test_plot_frame_escapes_text_and_keeps_numbers() -> None:
    frame = pd.DataFrame({"channel": ["<b>x</b>", "A & B", None], "amount": [-1.5, 2.0, 3.0]})
    out = safe.plot_frame(frame)
    assert out["channel"].tolist()[:2] == ["&lt;b&gt;x&lt;/b&gt;", "A &amp; B"] and pd.isna(out["channel"].iloc[2])
    assert out["amount"].tolist() == [-1.5, 2.0, 3.0]
    fig = charts.bars(frame, "channel", "amount", "t", "USD")
    assert "<b>" not in fig.to_json()


# 4. Downloads carry no live spreadsheet formula -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("https://evil","x")', '\'=HYPERLINK("https://evil","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        ("-", "'-"),
        ("-12.5", "-12.5"),
        ("+1,000", "+1,000"),
        ("Acme", "Acme"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise_follows_owasp(cell: str, expected: str) -> None:
    assert safe.neutralise(cell) == expected


def test_csv_keeps_numbers_and_neutralises_text() -> None:
    frame = pd.DataFrame(
        {
            "name": ["=1+1", "Acme", None],
            "amount": [-5.0, 10.0, -0.5],
            "count": [-3, 4, 5],
            "day": pd.to_datetime(["2026-01-01", "2026-01-02", None]),
        }
    )
    text = safe.csv_bytes(frame).decode("utf-8")
    assert text.splitlines() == ["name,amount,count,day", "'=1+1,-5.0,-3,2026-01-01", "Acme,10.0,4,2026-01-02", ",-0.5,5,"]


def test_the_table_download_uses_the_neutralised_csv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import dashboard.auth as auth
    import dashboard.components as components
    from data.access import LOCAL

    made: dict[str, object] = {}
    monkeypatch.setattr(auth, "current_principal", lambda: LOCAL)  # outside a run: the local user downloads
    monkeypatch.setenv("CRM_AUDIT_LOG", str(tmp_path / "audit.log"))
    monkeypatch.setattr(components.st, "dataframe", lambda *_a, **_k: None)
    monkeypatch.setattr(components.st, "download_button", lambda _label, data, **_k: made.setdefault("data", data))
    components.table(pd.DataFrame({"opportunity_name": [EVIL_DEAL], "amount": [-1.0]}), "x.csv")
    quoted = EVIL_DEAL.replace('"', '""')
    assert made["data"]().decode().splitlines()[1] == f'"\'{quoted}",-1.0'


def test_brief_exports_are_neutralised() -> None:
    changes = pd.DataFrame(
        [
            {"measure": "Bookings", "previous": 10.0, "current": 5.0, "change": -5.0},
            {"measure": "SLA compliance", "previous": 0.5, "current": 0.4, "change": -0.1},
        ]
    )
    movers = pd.DataFrame(
        [
            {
                "event": "won",
                "event_date": "2026-11-10",
                "opportunity_name": EVIL_DEAL,
                "region": "-EMEA",
                "owner": "@eve",
                "amount": -25.0,
            }
        ]
    )
    page = render_html("Brief", "view", dt.date(2026, 11, 6), dt.date(2026, 11, 20), changes, movers, "USD")
    assert "<td>&#x27;=HYPERLINK(" in page and "<td>&#x27;-EMEA</td>" in page and "<td>&#x27;@eve</td>" in page
    # the brief's own numbers are not touched; changes read sign first, shares in points
    assert ">-10.0 pts<" in page and "-USD 5.00" in page
    sheet = render_csv(changes, movers, "USD")
    assert "\"'=HYPERLINK(" in sheet and ",'-EMEA,2026-11-10,'@eve,-25.0" in sheet and "Bookings,10.0,5.0,-5.0,USD" in sheet


# 5. Over-long link values -----------------------------------------------------------------------------------------


def test_a_very_long_link_value_is_refused_with_a_short_notice(nasty_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(nasty_db, monkeypatch, owner="x" * 10_000, region="EMEA", **Q4)
    assert not at.exception
    notice = next(w.value for w in at.warning if "owner" in w.value)
    assert "longer than 200 characters" in notice and "10,000 characters" in notice and len(notice) < 300
    assert at.query_params.get("region") == ["EMEA"] or at.query_params.get("region") == "EMEA"
    assert "owner" not in at.query_params  # the URL written back no longer carries it
