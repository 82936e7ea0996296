"""Sign-in: Streamlit's own OpenID Connect login (st.login / st.user / st.logout) and the reader's scope.

With no `[auth]` section in .streamlit/secrets.toml the dashboard runs in local mode: one local user who sees
every region, as before sign-in existed (the sidebar says so). With one, nothing is drawn until the person
has signed in, their sign-in is younger than `access.session_hours`, and the access rules of the definitions
file give them a role; the role's regions then bind every query (queries/scope.py, through dashboard/db.py).
Sign-ins, refusals and exports are appended to the audit log.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.safe import md
from data.access import (
    LOCAL,
    ROLE_NAMES,
    Access,
    ConfigError,
    Principal,
    audit,
    audit_path,
    definitions_path,
    expired,
    load_access,
    principal,
)
from queries import Scope

_PRINCIPAL = "_principal"
_SEEN: set[tuple[str, str]] = set()  # (event, log + who + token time) already written by this process
_SEEN_LOCK = threading.Lock()


def sign_in_configured() -> bool:
    """Whether .streamlit/secrets.toml has an [auth] section (else: local mode)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all, or an unreadable one: Streamlit raises its own error types
        return False


@lru_cache(maxsize=4)
def _access_at(path: str, _mtime_ns: int) -> Access:
    return load_access(Path(path))


def access_rules() -> Access:
    """The [access] rules, re-read when the definitions file changes (ConfigError when invalid)."""
    path = definitions_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1
    return _access_at(str(path), mtime)


def _access_or_default() -> Access:
    """The rules for local mode, where only the audit log's path matters: defaults when the file is unusable."""
    try:
        return access_rules()
    except ConfigError:
        return Access()


def current_principal() -> Principal:
    """The person this run draws for (set by gate(); a run that skipped it sees nothing)."""
    who = st.session_state.get(_PRINCIPAL)
    if not isinstance(who, Principal):
        raise PermissionError("no signed-in person for this run")
    return who


def current_scope() -> Scope:
    """The regions this run may show."""
    return current_principal().scope


def _providers() -> list[str | None]:
    """The providers of the [auth] section: None for the default one (keys directly under [auth])."""
    section = st.secrets["auth"]
    named = [k for k, v in section.items() if isinstance(v, Mapping) and k != "client_kwargs"]
    return ([None] if "client_id" in section else []) + named


def _login_page() -> None:
    st.title("Sales & Marketing Alignment")
    st.write("Sign in with your company account to see the dashboard.")
    for provider in _providers():
        label = "Sign in" if provider is None else f"Sign in with {provider.title()}"
        st.button(label, on_click=st.login, args=(provider,) if provider else (), type="primary", key=f"login-{provider}")


def _once(event: str, who: Principal, claims: Mapping[str, Any], path: Path) -> None:
    """Audit a sign-in event once per ID token (a new tab with the same sign-in is not a new sign-in)."""
    key = (event, f"{path}|{who.email}|{claims.get('iat')}|{claims.get('sub')}")
    with _SEEN_LOCK:
        if key in _SEEN:
            return
        _SEEN.add(key)
    audit(path, event, who, issued_at=claims.get("iat"), provider=claims.get("provider"))


def _signed_in(access: Access) -> Principal | None:
    """The signed-in person with a role, or None after drawing why there is no data for them."""
    claims = st.user.to_dict()
    who = principal(access, claims)
    path = audit_path(access)
    if expired(access, claims):
        _once("expired", who, claims, path)
        st.title("Your sign-in has expired")
        st.write(f"Sign-ins last {access.session_hours:g} hours. Sign in again to go on.")
        st.button("Sign in again", on_click=st.logout, type="primary")
        return None
    if who.role is None:
        _once("denied", who, claims, path)
        st.title("Ask your admin for access")
        st.write(
            f"You are signed in as **{md(who.email)}**, but this dashboard's access rules give that account no role, "
            "so it shows no data. Ask whoever runs the dashboard to add you to `[access]` in the definitions file "
            "(by email, email domain or group) with the role you need."
        )
        st.button("Sign out", on_click=st.logout)
        return None
    _once("sign_in", who, claims, path)
    return who


def gate() -> Principal:
    """Who this run is for; draws the sign-in, expired or ask-your-admin page and stops when nobody may see data."""
    st.session_state.pop(_PRINCIPAL, None)  # never reuse a previous run's person
    if not sign_in_configured():
        who = LOCAL
    else:
        if not st.user.is_logged_in:
            _login_page()
            st.stop()
        try:
            access = access_rules()
        except ConfigError as exc:  # fail closed: nobody signed in sees data until the rules are fixed
            st.error("The access rules of the definitions file cannot be read, so no data is shown until they are fixed.")
            st.code(str(exc), language=None)
            st.stop()
        found = _signed_in(access)
        if found is None:
            st.stop()
        who = found
    st.session_state[_PRINCIPAL] = who
    return who


def sidebar(who: Principal) -> None:
    """Who is reading and what they see, in the sidebar; sign-out for a signed-in person."""
    with st.sidebar:
        if not who.signed_in:
            st.caption("Local mode: no sign-in is configured, so this dashboard serves one local user and every region.")
            return
        role = ROLE_NAMES.get(who.role or "", "")
        scope = "every region" if who.regions is None else ", ".join(who.regions) + " only"
        # the name and email come from the identity provider: shown as text, never as Markdown or links
        st.caption(f"Signed in as {md(who.name)} ({md(who.email)}) · {role} · {scope}")
        if not who.can_export:
            st.caption("Viewer: reading only, no downloads.")
        st.button("Sign out", on_click=st.logout, key="sign-out")


def scope_notice(who: Principal) -> None:
    """Above a region-limited person's page: every total, company-level ones included, is their region's."""
    if who.regions is None:
        return
    regions = " and ".join(who.regions)
    st.info(
        f"You see {regions} only: every total on this page, company-level ones included, is {regions}'s"
        + (" (one region at a time: pick it in the sidebar)." if len(who.regions) > 1 else "."),
        icon=":material/lock:",
    )


def exported(file_name: str, make: Callable[[], bytes], view: str = "") -> Callable[[], bytes] | None:
    """The download's data function with an audit line written when the file is made; None for a viewer
    (no download offered). The person and log path are taken now: the file is made outside the script run."""
    who = current_principal()
    if not who.can_export:
        return None
    path = audit_path(access_rules() if who.signed_in else _access_or_default())

    def make_and_audit() -> bytes:
        data = make()
        audit(path, "export", who, file=file_name, view=view, bytes=len(data))
        return data

    return make_and_audit
