"""Small rendering helpers shared by pages: tiles, tables, the data-date caption, empty states."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import db


def no_database(path: Path) -> None:
    """What to show before anything was loaded: how to load the sample or your own export."""
    st.title("Sales & Marketing Alignment")
    st.warning(f"No data has been loaded yet: there is no database at `{path}`.")
    st.markdown(
        "Load the sample company with `make run` (it builds it on first start), or load your own "
        "Salesforce export:\n\n```\npython -m data.ingest path/to/export_folder_or.zip --db "
        f"{path}\n```\nThen reload this page."
    )


def outdated_database(path: Path) -> None:
    """What to show when the live database was built by an older version of the ingest."""
    st.title("Sales & Marketing Alignment")
    st.warning(f"The database at `{path}` was built by an older version of this dashboard and lacks tables it needs.")
    st.markdown("Load your export again (`python -m data.ingest EXPORT --db ...`), or run `make sample` for the "
                "sample company, then reload this page.")


def data_caption() -> None:
    """The date of the data and of the last load, under every page title."""
    s = db.query("data_quality_summary")
    if s.empty:
        return
    row = s.iloc[0]
    through = _fmt_ts(row["data_through_at"])
    loaded = _fmt_ts(row["finished_at"])
    st.caption(f"Data through {through} UTC · loaded {loaded} UTC from `{row['source']}`")


def tile(label: str, value: str, query_name: str, delta: str | None = None) -> None:
    """A metric tile whose hover help is the query's definition."""
    st.metric(label, value, delta=delta, help=db.definition(query_name))


def table(frame: pd.DataFrame, file_name: str, column_config: dict | None = None) -> None:
    """A sortable table (as text, never HTML) with a CSV download."""
    st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config)
    st.download_button("Download CSV", frame.to_csv(index=False).encode("utf-8"), file_name=file_name,
                       mime="text/csv", key=f"dl-{file_name}")


def fmt_int(n: object) -> str:
    """Thousands-separated whole number."""
    return f"{int(n):,}" if pd.notna(n) else "–"


def _fmt_ts(value: object) -> str:
    if value is None or pd.isna(value):
        return "–"
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
