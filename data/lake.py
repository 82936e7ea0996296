"""The lake layout: the loaded data as Iceberg tables (PyIceberg, a local SQL catalog on a folder, Parquet files).

    python -m data.ingest EXPORT --db PATH --lake DIR     # the ingest writes the lake after a successful load

Layout of DIR:

* `catalog.db`: the Iceberg catalog (SQLite, PyIceberg's SqlCatalog named "lake");
* `warehouse/`: the tables' metadata and Parquet data files;
* namespace `crm_source`: what the load-time layer starts from: the typed export (`typed_*`: every CRM
  object, values typed, rejected and deleted rows removed; what a connector landing Salesforce tables
  would provide) and the tables the load fills in Python (FROM_LOAD: `cfg_*` from the definitions,
  `deleted_record`, `stg_exchange_rates` with the ECB fallback, the work calendar `work_day` and
  `region_clock`, the `ingest_*` report, the dated snapshots `snapshot_*` kept across loads);
* namespace `crm`: the canonical model as DuckDB built it: every table of the live database file;
* namespace `crm_spark`: written by `python -m data.build --engine spark` (the same model SQL, run on Spark).

Spark reads these tables through the Parquet data files of their current snapshot (data_files) and writes
Parquet files that PyIceberg commits (write_spark_frame): the Iceberg Spark runtime is a Maven jar, not on
PyPI, and nothing here downloads.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import duckdb
import pyarrow as pa

SOURCE_NS = "crm_source"
MODEL_NS = "crm"
SPARK_NS = "crm_spark"
# Tables the load fills in Python (not by a CREATE TABLE ... AS of data/model): inputs of the model on any engine.
FROM_LOAD = ("deleted_record", "stg_exchange_rates", "work_day", "region_clock")
FROM_LOAD_PREFIXES = ("cfg_", "ingest_", "snapshot_")


class LakeError(RuntimeError):
    """The lake could not be written; the database itself is loaded and live."""


def is_from_load(name: str) -> bool:
    """A table the load fills in Python (so the Spark build reads it from the source namespace)."""
    return name in FROM_LOAD or name.startswith(FROM_LOAD_PREFIXES)


def catalog(lake_dir: str | Path) -> Any:
    """The lake's Iceberg catalog (created on first use)."""
    from pyiceberg.catalog.sql import SqlCatalog

    lake = Path(lake_dir).resolve()
    (lake / "warehouse").mkdir(parents=True, exist_ok=True)
    return SqlCatalog("lake", uri=f"sqlite:///{lake / 'catalog.db'}", warehouse=(lake / "warehouse").as_uri())


def write_table(cat: Any, namespace: str, name: str, data: pa.Table) -> None:
    """Create or replace namespace.name with data (one new snapshot; a changed schema replaces the table)."""
    data = plain_types(data)
    cat.create_namespace_if_not_exists(namespace)
    ident = f"{namespace}.{name}"
    if cat.table_exists(ident):
        table = cat.load_table(ident)
        if [f.name for f in table.schema().fields] == data.schema.names:
            try:
                table.overwrite(data)  # a new snapshot; earlier ones stay readable (time travel)
                return
            except ValueError:  # a column changed type
                pass
        _drop(cat, ident)
    cat.create_table(ident, schema=data.schema).append(data)


def _drop(cat: Any, ident: str) -> None:
    old = urlparse(cat.load_table(ident).location()).path
    cat.drop_table(ident)
    shutil.rmtree(old, ignore_errors=True)  # the SQL catalog's drop leaves the files


def write_spark_frame(cat: Any, namespace: str, name: str, df: Any) -> int:
    """Create or replace namespace.name with a Spark DataFrame: Spark writes the Parquet files into the table's
    location (nothing passes through the driver), PyIceberg adds them to the table as one snapshot. Rows written."""
    cat.create_namespace_if_not_exists(namespace)
    ident = f"{namespace}.{name}"
    if cat.table_exists(ident):
        _drop(cat, ident)
    schema = plain_types(df.limit(0).toArrow()).schema
    table = cat.create_table(ident, schema=schema)
    folder = f"{urlparse(table.location()).path}/data/spark-{uuid.uuid4().hex}"
    df.write.mode("errorifexists").parquet(folder)
    files = sorted(str(f) for f in Path(folder).glob("*.parquet"))
    if files:
        table.add_files(files)
    return sum(int(t.file.record_count) for t in table.scan().plan_files())


def _plain_type(t: pa.DataType) -> pa.DataType:
    if pa.types.is_string_view(t) or pa.types.is_large_string(t) or pa.types.is_null(t):
        return pa.string()
    if pa.types.is_timestamp(t) and t.unit != "us":
        return pa.timestamp("us", tz=t.tz)
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_list_view(t):
        return pa.list_(_plain_type(t.value_type))
    return t


def plain_types(data: pa.Table) -> pa.Table:
    """Types Iceberg takes: string views and large strings as strings, timestamps in microseconds, plain lists."""
    return data.cast(pa.schema([pa.field(f.name, _plain_type(f.type)) for f in data.schema]))


def read_table(cat: Any, namespace: str, name: str) -> pa.Table:
    """A lake table as Arrow (PyIceberg's scan)."""
    return cat.load_table(f"{namespace}.{name}").scan().to_arrow()


def data_files(cat: Any, namespace: str, name: str) -> list[str]:
    """The Parquet files holding a table's current snapshot; refuses a snapshot with delete files."""
    tasks = list(cat.load_table(f"{namespace}.{name}").scan().plan_files())
    if any(t.delete_files for t in tasks):
        raise RuntimeError(f"{namespace}.{name} has delete files; read it through PyIceberg (read_table)")
    return [t.file.file_path for t in tasks]


def table_rows(cat: Any, namespace: str, name: str) -> int:
    """The rows of a table's current snapshot, from its data files' metadata (no data read)."""
    return sum(int(t.file.record_count) for t in cat.load_table(f"{namespace}.{name}").scan().plan_files())


def table_names(cat: Any, namespace: str) -> list[str]:
    """The tables of a namespace (none when it does not exist)."""
    if (namespace,) not in [tuple(n) for n in cat.list_namespaces()]:
        return []
    return sorted(ident[-1] for ident in cat.list_tables(namespace))


def stash_typed(con: duckdb.DuckDBPyConnection, stash: Path, names: list[str] | None = None) -> None:
    """Keep the typed export (TEMP tables, gone when the ingest closes its connection, or dropped by the build once
    no later model file reads them) as Parquet in stash: the tables `names`, else every typed_* table left."""
    stash.mkdir(parents=True, exist_ok=True)
    if names is None:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'typed_%' ORDER BY 1"
            ).fetchall()
        ]
    for name in names:
        # _rowid, _bad, _deleted, _chk<k>: the ingest's own bookkeeping for its checks, not part of the record
        con.execute(
            f"COPY (SELECT COLUMNS(lambda c: NOT starts_with(c, '_')) FROM {name}) TO '{stash / name}.parquet' (FORMAT parquet)"
        )


def write_lake(db_path: str | Path, lake_dir: str | Path, stash: Path | None = None) -> dict[str, int]:
    """Write the live database (and the stashed typed export) into the lake; returns rows per table written."""
    cat = catalog(lake_dir)
    written: dict[str, int] = {}
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND table_name NOT LIKE 'raw_%' ORDER BY 1"
            ).fetchall()
        ]
        for name in tables:
            data = con.sql(f"SELECT * FROM {name}").to_arrow_table()
            write_table(cat, MODEL_NS, name, data)
            written[f"{MODEL_NS}.{name}"] = data.num_rows
            if is_from_load(name):
                write_table(cat, SOURCE_NS, name, data)
                written[f"{SOURCE_NS}.{name}"] = data.num_rows
        for f in sorted(stash.glob("typed_*.parquet")) if stash else []:
            data = con.read_parquet(str(f)).to_arrow_table()
            write_table(cat, SOURCE_NS, f.stem, data)
            written[f"{SOURCE_NS}.{f.stem}"] = data.num_rows
    finally:
        con.close()
        if stash is not None:
            shutil.rmtree(stash, ignore_errors=True)
    return written
