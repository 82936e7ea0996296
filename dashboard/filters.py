"""Global filters: in the sidebar on every page, kept in the URL so that a link reproduces the view.

Values from the URL are checked against what the data offers; an invalid one is ignored with a
notice (never a traceback), which shows the value as text (a link cannot put Markdown on the page)
and cut short when long. Widgets are seeded from the URL once per session, then the URL follows
the widgets.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import db
from dashboard.auth import current_scope
from dashboard.safe import code, shorten

ALL = "All"
KEYS = ("quarter", "as_of", "region", "segment", "owner", "currency", "model")
# No valid filter value is longer than this; a longer one is refused before it is compared with anything.
MAX_VALUE_LENGTH = 200
_ISO_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Filters:
    """The filters in force for this run."""

    quarter_start: dt.date
    quarter_end: dt.date
    quarter_label: str
    as_of: dt.date
    region: str | None
    segment: str | None
    owner: str | None
    owner_label: str | None
    currency: str
    model: str

    def params(self, **extra: Any) -> dict[str, Any]:
        """Query parameters: the quarter as the period, the rest as chosen; `extra` overrides."""
        return {
            "start_date": self.quarter_start,
            "end_date": self.quarter_end,
            "as_of": self.as_of,
            "region": self.region,
            "segment": self.segment,
            "owner": self.owner,
            "currency": self.currency,
            "model": self.model,
            **extra,
        }

    def describe(self) -> str:
        """One line naming the view, for captions and exports."""
        parts = [
            self.quarter_label,
            f"as of {self.as_of:%Y-%m-%d}",
            self.region or "all regions",
            self.segment or "all segments",
            self.owner_label or "all owners",
            self.currency,
        ]
        return " · ".join(parts)


def models() -> dict[str, str]:
    """The attribution models (name -> display name), from the one list in the database."""
    frame = db.query("attribution_models")
    return dict(zip(frame["model"], frame["label"], strict=True))


def has_touches() -> bool:
    """True when the export holds campaign touches, so influence and the attribution models can be measured."""
    frame = db.query("attribution_models")
    return bool(frame["has_touches"].iloc[0]) if not frame.empty else False


NO_TOUCHES = (
    "This export holds no marketing touches (campaign memberships; a HubSpot export carries none), so "
    "influenced pipeline and the multi-touch models (linear, U-shaped, W-shaped, full path, time decay) "
    "cannot be measured and are not shown. Available: first touch by lead source (HubSpot's Original "
    "Source), in 'Pipeline created, by source' and on the Leads page; see Data quality."
)


def _options(kind: str) -> pd.DataFrame:
    """The choices for one filter. Reporting currencies are ISO 4217 codes only: a code is written into
    labels and captions, so a malformed one from the export (which could hold Markdown) is not offered."""
    scope = current_scope()
    if kind == "owner" and scope.regions is not None:  # a region-limited reader: the people of the region in view
        return db.query("filter_owners", region=st.session_state.get("f_region"))
    frame = db.query("filter_options")
    frame = frame[frame["kind"] == kind]
    if kind == "region" and scope.regions is not None:  # a region-limited reader is offered only their regions
        frame = frame[frame["value"].isin(scope.regions)]
    if kind == "currency":
        frame = frame[frame["value"].map(lambda v: bool(_ISO_CURRENCY.fullmatch(str(v))))]
    return frame


def _url_value(key: str, raw: str, quarters: pd.DataFrame) -> tuple[Any, str | None]:
    """The value a link gives one filter, or why it cannot be used."""
    if key == "quarter":
        starts = {q.isoformat(): q for q in quarters["quarter_start"].dt.date}
        labels = dict(zip(quarters["label"], quarters["quarter_start"].dt.date, strict=True))
        q = starts.get(raw) or labels.get(raw)
        return (q, None) if q else (None, "not a fiscal quarter with data")
    if key == "as_of":
        try:
            return dt.date.fromisoformat(raw), None
        except ValueError:
            return None, "not a date (YYYY-MM-DD)"
    if key == "model":
        return (raw, None) if raw in models() else (None, "not an attribution model")
    if key == "region" and current_scope().regions is not None and raw not in set(_options(key)["value"]):
        return None, "not a region you can see"
    return (raw, None) if raw in set(_options(key)["value"]) else (None, f"not a known {key}")


def _from_url(notices: list[str], quarters: pd.DataFrame) -> dict[str, Any]:
    """Validated values from the URL (missing or invalid ones are left out, invalid ones noted)."""
    given = st.query_params.to_dict()
    values: dict[str, Any] = {}

    def bad(key: str, why: str) -> None:
        notices.append(f"Ignored {code(f'{key}={shorten(given[key])}')} from the link: {why}.")

    for key in KEYS:
        if len(given.get(key, "")) > MAX_VALUE_LENGTH:
            bad(key, f"longer than {MAX_VALUE_LENGTH} characters, so not a value this dashboard writes into links")
    url = {k: v for k, v in given.items() if len(v) <= MAX_VALUE_LENGTH}

    for key in ("quarter", "as_of", "region", "segment", "owner", "currency", "model"):
        if key in url:
            value, why = _url_value(key, url[key], quarters)
            if why is None:
                values[key] = value
            else:
                bad(key, why)
    return values


def global_filters() -> tuple[Filters, list[str]]:
    """Render the sidebar filters; return the filters in force and notices about the link."""
    quarters = db.query("filter_quarters")
    notices: list[str] = []
    state = st.session_state
    if "f_seeded" not in state:
        seeded = _from_url(notices, quarters)
        state["f_quarter"] = seeded.get("quarter", quarters["quarter_start"].dt.date.iloc[0])
        state["f_as_of_url"] = seeded.get("as_of")
        state["f_region"] = seeded.get("region", _all_regions())
        state["f_segment"] = seeded.get("segment", ALL)
        state["f_owner"] = seeded.get("owner", ALL)
        state["f_currency"] = seeded.get("currency", db.query("data_freshness")["reporting_currency"].iloc[0])
        state["f_model"] = seeded.get("model", "linear")
        state["f_seeded"] = True
    by_start = {row.quarter_start.date(): row for row in quarters.itertuples()}
    owners = _options("owner")
    owner_labels = dict(zip(owners["value"], owners["label"], strict=True))
    with st.sidebar:
        st.header("Filters")
        quarter = st.selectbox("Fiscal quarter", list(by_start), key="f_quarter", format_func=lambda q: by_start[q].label)
        row = by_start[quarter]
        q_start, q_end = row.quarter_start.date(), row.quarter_end.date()
        data_through = pd.Timestamp(row.data_through).date()
        default_as_of = min(q_end, max(q_start, data_through))
        from_url = state.pop("f_as_of_url", None)
        wanted = from_url or state.get("f_as_of") or default_as_of
        if not q_start <= wanted <= q_end:
            if from_url:  # a link's date outside its quarter: say so; a quarter change just moves the date
                notices.append(f"Ignored `as_of={from_url}` from the link: outside {row.label}; using {default_as_of}.")
            wanted = default_as_of
        state["f_as_of"] = wanted
        as_of = st.date_input(
            "As of",
            key="f_as_of",
            min_value=q_start,
            max_value=q_end,
            help="Numbers count what happened up to the end of this day. A typed date applies on Enter or "
            "when you leave the box, not on every keystroke.",
        )
        regions = [*([ALL] if current_scope().regions is None else []), *_options("region")["value"]]
        if state.get("f_region") not in regions:  # e.g. "All" kept from before a sign-in that limits the regions
            state["f_region"] = _all_regions()
        region = st.selectbox("Region", regions, key="f_region")
        segment = st.selectbox("Segment", [ALL, *_options("segment")["value"]], key="f_segment")
        if state.get("f_owner") not in [ALL, *owners["value"]]:  # e.g. another region's owner, kept from before
            state["f_owner"] = ALL
        owner = st.selectbox(
            "Owner or team",
            [ALL, *owners["value"]],
            key="f_owner",
            format_func=lambda v: v if v == ALL else owner_labels.get(v, v),
        )
        currency = st.selectbox("Reporting currency", list(_options("currency")["value"]), key="f_currency")
        names = models()
        model = st.selectbox("Attribution model", list(names.keys()), key="f_model", format_func=lambda m: names.get(m, m))
    filters = Filters(
        q_start,
        q_end,
        row.label,
        as_of,
        None if region == ALL else region,
        None if segment == ALL else segment,
        None if owner == ALL else owner,
        owner_labels.get(owner) if owner != ALL else None,
        currency,
        model,
    )
    _to_url(filters)
    return filters, notices


def _all_regions() -> str:
    """The region choice that means "everything I may see": All, or a region-limited reader's first region."""
    regions = current_scope().regions
    return ALL if regions is None else regions[0]


def _to_url(f: Filters) -> None:
    """Write the view into the URL; filters left at "All" are omitted."""
    wanted = {"quarter": f.quarter_start.isoformat(), "as_of": f.as_of.isoformat(), "currency": f.currency, "model": f.model}
    for key in ("region", "segment", "owner"):
        value = getattr(f, key)
        if value:
            wanted[key] = value
    # the page's own choices (page_choice, page_date) stay in the link beside the filters
    wanted.update({k: v for k, v in st.query_params.to_dict().items() if k not in KEYS})
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def current() -> Filters:
    """The filters of this run (set by the app before the page runs)."""
    return st.session_state["filters"]


def page_choice(label: str, options: list[str], key: str, format_func: Any = None, default: str | None = None) -> str:
    """A page-level choice (split by, level ...) as horizontal radio buttons, kept in the URL under `key` so that a
    link reproduces the view; a link's value that is not an option is ignored."""
    state = st.session_state
    if key not in state:
        given = st.query_params.get(key)
        state[key] = given if given in options else (default or options[0])
    value = st.radio(label, options, key=key, horizontal=True, format_func=format_func or str)
    if st.query_params.get(key) != value:
        st.query_params[key] = value
    return value


def page_date(
    label: str,
    key: str,
    default: dt.date,
    min_value: dt.date | None,
    max_value: dt.date,
    help: str | None = None,
    container: Any = None,
) -> dt.date:
    """A page-level date (compare with, since ...) kept in the URL under `key` (YYYY-MM-DD); a link's date out
    of range is ignored."""
    state = st.session_state
    if key not in state:
        try:
            given = dt.date.fromisoformat(st.query_params.get(key, ""))
        except ValueError:
            given = None
        ok = given is not None and (min_value is None or given >= min_value) and given <= max_value
        state[key] = given if ok else default
    if state[key] > max_value or (min_value is not None and state[key] < min_value):
        state[key] = default
    value = (container or st).date_input(label, key=key, min_value=min_value, max_value=max_value, help=help)
    if st.query_params.get(key) != value.isoformat():
        st.query_params[key] = value.isoformat()
    return value
