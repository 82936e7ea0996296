"""Load a CRM export into a new DuckDB version and make it live only when every check passed.

    python -m data.ingest EXPORT_PATH [--db PATH] [--config PATH] [--encoding ENC] [--allow-shrink]
                                      [--source auto|salesforce|hubspot] [--as-of-export DATE] [--lake DIR]

EXPORT_PATH is a folder or a .zip of CSV files, one per Salesforce object (`Lead.csv`,
`Opportunity_1.csv` ...) with API field names, the snake_case names sync tools write, or our own
canonical layout (README, "Loading your own export"); or a HubSpot export (UI labels or internal
names, CSV or XLSX), which `hubspot` converts into the canonical layout first (README, "Loading a
HubSpot export"). One load, in steps, one module each:

* discover: the export's files, grouped by CRM object (folders, zips, parts);
* read, objects: every file into `raw_<object>` as text, columns mapped to canonical fields;
* typed, validate, check: every value typed once, value and Id rules, refusals or tolerated rejects;
* build: the model of data/model/*.sql in order (config, staging `stg_*`, macros, derived tables);
* snapshots: the live database's dated snapshots carried over and this export's added as change rows
  (`--as-of-export DATE`: when the export was taken; an older export adds only its snapshot);
* report: warnings and the `ingest_*` tables for the Data quality page;
* switch: the built file checked and published atomically (data/store.py).

Refusals (exit 1) name the file, record, column and value and say what to do; the live database
is not touched. Other exit codes: 2 invalid definitions, 3 another ingest is running, 4 (`--check`)
the database must be reloaded, 5 the database or temporary folder cannot be written (disk full,
read-only, a bad `--db` path), 6 (`--lake`) loaded but the lake not written,
70 an unexpected error (details in a log file, never a traceback),
130 interrupted. Warnings load the data and are recorded in `ingest_warning`.
"""

from data.ingest.cli import main
from data.ingest.context import IngestSummary, LoadWarning
from data.ingest.load import ingest
from data.ingest.read import IngestError, Problem

__all__ = ["IngestError", "IngestSummary", "LoadWarning", "Problem", "ingest", "main"]
