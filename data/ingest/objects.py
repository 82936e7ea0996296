"""Read each CRM object's files into its raw table and map its columns to the canonical fields."""

from __future__ import annotations

from pathlib import Path

import duckdb

from data.config import Definitions
from data.ingest.context import LoadedObject, Part, Progress
from data.ingest.read import IngestError, Problem, load_into, prepare_file
from data.schema import Field, SourceObject, normalise_column


def load_object(
    con: duckdb.DuckDBPyConnection,
    obj: SourceObject,
    files: list[tuple[Path, str]],
    defs: Definitions,
    encoding: str | None,
    work: Path,
    progress: Progress,
    problems: list[Problem],
) -> LoadedObject | None:
    parts: list[Part] = []
    first_rowid = 0
    for path, display in files:
        enc = encoding or defs.ingest.encodings.get(path.name) or defs.ingest.encoding
        try:
            prepared = prepare_file(path, display, enc, work)
        except IngestError as exc:
            problems.extend(exc.problems)
            continue
        record_problems = load_into(con, obj.table, prepared, create=not parts)
        problems.extend(record_problems)
        total = con.execute(f"SELECT count(*) FROM {obj.table}").fetchall()[0][0]
        part = Part(
            prepared,
            first_rowid,
            total - first_rowid,
            sorted(p.record for p in record_problems if p.record is not None),
            path.stat().st_mtime,
        )
        parts.append(part)
        first_rowid = total
        progress(f"{display}: {part.rows:,} record(s) read")
    if not parts:
        return None
    mapping, unmapped, missing = _map_columns(obj, parts, defs)
    problems.extend(missing)
    return LoadedObject(obj, parts, mapping, unmapped)


def extra_fields(obj: SourceObject, defs: Definitions) -> list[Field]:
    """Fields the configuration adds: the MQL date field on leads and contacts."""
    if obj.name in ("Lead", "Contact"):
        sources = (defs.mql.date_field,) if defs.mql.rule == "date_field" else ()
        return [Field("mql_field_at", "timestamp", sources)]
    return []


def _map_columns(obj: SourceObject, parts: list[Part], defs: Definitions) -> tuple[dict[str, str], list[str], list[Problem]]:
    by_key: dict[str, str] = {}
    for part in parts:
        for col in part.file.header:
            by_key.setdefault(normalise_column(col), col)
    mapping: dict[str, str] = {}
    problems = []
    for f in (*obj.fields, *extra_fields(obj, defs)):
        source = next((by_key[k] for k in f.candidates() if k in by_key), None)
        if source is None:
            if f.required:
                problems.append(
                    Problem(
                        parts[0].file.name,
                        f"required column {f.sources[0] if f.sources else f.name} "
                        f"(or {f.name}) is missing from the {obj.name} export",
                        f"Export {obj.name} with the field {f.sources[0] if f.sources else f.name}",
                        record=0,
                    )
                )
            continue
        mapping[f.name] = source
        if f.required:
            for part in parts:
                if source not in part.file.header:
                    problems.append(
                        Problem(
                            part.file.name,
                            f"required column {source} is missing from this part although other parts of {obj.name} have it",
                            "Export every part with the same fields",
                            record=0,
                        )
                    )
    used = set(mapping.values())
    unmapped = [c for c in dict.fromkeys(c for p in parts for c in p.file.header) if c not in used]
    return mapping, unmapped, problems


def is_salesforce_layout(loaded: dict[str, LoadedObject]) -> bool:
    """Salesforce layouts (API or snake_case names) have an `Id` column; our canonical layout `<entity>_id`."""
    return any(normalise_column(lo.mapping.get(lo.obj.id_field.name, "")) == "id" for lo in loaded.values())
