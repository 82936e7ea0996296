"""Real export layouts from ../shared/reference-data (Fivetran's Salesforce seeds, Apache-2.0): schema robustness.

The seeds are obfuscated and do not join, so only the shape is checked: 382-column leads, snake_case
names, naive timestamps, FALSE/true booleans, deleted rows, files of objects we do not read, and a
history-mode table named like OpportunityHistory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REFERENCE, load, rows

SEEDS = REFERENCE / "fivetran-dbt-salesforce-seeds"
pytestmark = pytest.mark.skipif(not SEEDS.exists(), reason="../shared/reference-data is not beside the project")


def test_fivetran_salesforce_seeds_load_with_honest_warnings(db_path: Path) -> None:
    con = load(SEEDS, db_path)
    counts = {
        t: rows(con, f"SELECT count(*) FROM {t}")[0][0]
        for t in ("stg_users", "stg_accounts", "stg_leads", "stg_contacts", "stg_opportunities", "stg_activities")
    }
    assert counts == {
        "stg_users": 10,
        "stg_accounts": 1,
        "stg_leads": 1,
        "stg_contacts": 4,
        "stg_opportunities": 0,
        "stg_activities": 20,
    }
    assert rows(con, "SELECT records_read, records_deleted FROM ingest_table WHERE object = 'Opportunity'") == [(10, 10)]
    codes = {r[0] for r in rows(con, "SELECT DISTINCT code FROM ingest_warning")}
    assert {"unknown_file", "not_this_object", "missing_object", "custom_columns", "deleted_rows"} <= codes
    assert rows(con, "SELECT count(*) FROM pragma_table_info('raw_lead')")[0][0] == 382
