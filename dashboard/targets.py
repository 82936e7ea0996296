"""The targets the Overview judges numbers against, from the definitions file the data was loaded with.

Targets (definitions.toml, [targets]) never change a number, only its status: they are read from the copy of
the definitions kept in the database, so the status shown always belongs to the data shown.
"""

from __future__ import annotations

import tomllib

import streamlit as st

from dashboard import db
from data.config import Definitions, Targets


def targets() -> Targets:
    """The targets of the live database's definitions (the defaults when the file has none)."""
    return _targets(str(db.live_version()))


@st.cache_data(show_spinner=False, max_entries=8)
def _targets(version: str) -> Targets:
    frame = db.query("definitions_file")
    if frame.empty:
        return Targets()
    try:
        return Definitions.model_validate(tomllib.loads(frame["config_text"].iloc[0])).targets
    except (tomllib.TOMLDecodeError, ValueError):  # validated at load; an older file without [targets]: defaults
        return Targets()
