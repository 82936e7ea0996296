"""The sample company as a HubSpot export gives the dashboard the Salesforce layout's numbers.

`python -m data.sample OUT --layout hubspot` writes the same company as HubSpot's UI export. Every
concept of tests/test_invariants.py that a HubSpot export carries (bookings, open pipeline,
pipeline created, MQLs, handed off, SLA compliance, quota, attainment) is read from every query
that shows it, at three as-of dates and with region and segment filters, from both loads, and must
be the same number. Not compared, because HubSpot exports carry no campaign touches: influenced
pipeline, marketing-sourced pipeline and multi-touch credits (the Data quality page says so). The
manager level of quota roll-ups is compared as a total only: HubSpot owners have no manager, so
every rep is under "(no manager)".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from data.ingest import ingest
from data.sample.hubspot import export_hubspot
from tests.conftest import SAMPLE_AS_OF
from tests.test_invariants import CONCEPTS, _read

SAME = ["bookings", "open_pipeline", "pipeline_created", "mqls", "handed_off", "sla_compliance", "quota", "attainment"]
FILTERS = [{}, {"region": "EMEA"}, {"segment": "SMB"}, {"region": "AMER", "segment": "Enterprise"}]

pytestmark = pytest.mark.slow  # generating, loading and writing the sample: 2-3 minutes on the shared 2-core machine


@pytest.fixture(scope="module")
def hubspot_db(small_export: Path, small_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hubspot-sample")
    export_hubspot(small_db, small_export, out / "export", dt.date.fromisoformat(SAMPLE_AS_OF))
    db = out / "db" / "crm.duckdb"
    ingest(out / "export", db, quiet=True)
    return db


def _views(con: duckdb.DuckDBPyConnection) -> list[dict]:
    from queries.__main__ import default_params

    base = default_params(con)
    dates = [base["as_of"], base["start_date"] + dt.timedelta(days=40), base["start_date"] - dt.timedelta(days=30)]
    views = []
    for as_of in dates:
        start, end = con.execute("SELECT fiscal_quarter_of(?), fiscal_quarter_end(?)", [as_of, as_of]).fetchone()
        views.extend({**base, "as_of": as_of, "start_date": start, "end_date": end, **f} for f in FILTERS)
    return views


def test_the_files_are_a_hubspot_ui_export(hubspot_db: Path, small_export: Path) -> None:
    files = sorted(p.name for p in (hubspot_db.parent.parent / "export").iterdir())
    assert f"hubspot-crm-exports-all-deals-{SAMPLE_AS_OF}.csv" in files
    assert f"hubspot-crm-exports-all-contacts-{SAMPLE_AS_OF}.csv" in files
    header = (
        (hubspot_db.parent.parent / "export" / f"hubspot-crm-exports-all-deals-{SAMPLE_AS_OF}.csv").read_text().splitlines()[0]
    )
    assert header.startswith("Record ID,Deal Name,Pipeline,Deal Stage,Amount,Currency,Close Date,Create Date,Deal owner")
    assert small_export.exists()


def test_every_concept_equals_the_salesforce_layouts(small_db: Path, hubspot_db: Path) -> None:
    sf = duckdb.connect(str(small_db), read_only=True)
    hs = duckdb.connect(str(hubspot_db), read_only=True)
    differ = []
    compared = 0
    for params in _views(sf):
        for concept in SAME:
            for name, extra, extract in CONCEPTS[concept]:
                a, b = _read(sf, name, params, extra, extract), _read(hs, name, params, extra, extract)
                compared += 1
                if a != b:
                    differ.append((concept, name, extra, str(params["as_of"]), params.get("region"), params.get("segment"), a, b))
    assert not differ, "\n".join(map(str, differ[:30]))
    assert compared > 500
    assert _read(sf, "overview", _views(sf)[0], {}, lambda f: float(f["won"].sum())) > 0
