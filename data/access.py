"""Who is reading: the person behind a sign-in, their role and scope, and the audit log.

The rules are the `[access]` part of the definitions file ($CRM_DEFINITIONS, else definitions.toml), read
at every page load (so a change applies without reloading the data). A person is matched by exact email
first, then by identity-provider group, then by email domain; within one kind the first rule listed wins.
Nobody is matched by default: an unknown person gets no role and sees no data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.config import Access, ConfigError, Grant, Role, load_definitions
from data.store import project_root
from queries.scope import Scope

__all__ = [
    "LOCAL",
    "ROLE_NAMES",
    "Access",
    "ConfigError",
    "Principal",
    "audit",
    "audit_path",
    "expired",
    "principal",
    "without_access",
]

ROLE_NAMES: dict[str, str] = {
    "leadership": "Leadership",
    "regional_manager": "Regional manager",
    "marketing": "Marketing",
    "viewer": "Viewer",
}


@dataclass(frozen=True)
class Principal:
    """The person a page is drawn for. `role=None`: signed in but unknown to the rules (no data)."""

    email: str
    name: str
    role: Role | None
    regions: tuple[str, ...] | None
    signed_in: bool

    @property
    def scope(self) -> Scope:
        """The regions this person may see (every region when not limited)."""
        return Scope(self.regions)

    @property
    def can_export(self) -> bool:
        """Viewers read; everyone else with a role may download what they see."""
        return self.role is not None and self.role != "viewer"

    def describe(self) -> str:
        """`Ana (ana@x.com) · Regional manager · EMEA`, for the sidebar and the audit log."""
        role = ROLE_NAMES.get(self.role or "", "no role")
        return f"{self.name} ({self.email}) · {role} · {self.scope.key()}"


# Local mode (no sign-in configured): one local user who sees everything, as before sign-in existed.
LOCAL = Principal("local", "Local user", "leadership", None, signed_in=False)


def definitions_path() -> Path:
    """The definitions file the dashboard reads access rules from ($CRM_DEFINITIONS, else definitions.toml)."""
    path = Path(os.environ.get("CRM_DEFINITIONS", "definitions.toml"))
    return path if path.is_absolute() else project_root() / path


def load_access(path: Path | None = None) -> Access:
    """The `[access]` rules of the definitions file (ConfigError, naming key and value, when it is invalid)."""
    return load_definitions(path or definitions_path()).access


def _email(claims: Mapping[str, Any]) -> str | None:
    """The verified email of an ID token (an email the provider says is unverified is not trusted)."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or claims.get("email_verified") is False:
        return None
    return email.strip().lower()


def _groups(claims: Mapping[str, Any], claim: str) -> set[str]:
    value = claims.get(claim)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list | tuple):
        return {str(v) for v in value}
    return set()


def match(access: Access, claims: Mapping[str, Any]) -> Grant | None:
    """The rule that applies to an ID token's claims: email, then group, then domain; None when none does."""
    email = _email(claims)
    groups = _groups(claims, access.groups_claim)
    domain = email.rsplit("@", 1)[1] if email else None
    for kind, test in (
        ("email", lambda g: email is not None and g.email == email),
        ("group", lambda g: g.group in groups),
        ("domain", lambda g: domain is not None and g.domain == domain),
    ):
        for grant in access.people:
            if getattr(grant, kind) and test(grant):
                return grant
    return None


def principal(access: Access, claims: Mapping[str, Any]) -> Principal:
    """The signed-in person an ID token's claims describe, with the role and regions the rules give them."""
    email = _email(claims) or str(claims.get("email") or claims.get("sub") or "unknown")
    name = str(claims.get("name") or email)
    grant = match(access, claims)
    if grant is None:
        return Principal(email, name, None, None, signed_in=True)
    return Principal(email, name, grant.role, tuple(grant.regions) or None, signed_in=True)


def expired(access: Access, claims: Mapping[str, Any], now: dt.datetime | None = None) -> bool:
    """Whether a sign-in is older than `access.session_hours` (from the token's `iat`; no `iat` = expired)."""
    issued = claims.get("iat")
    if isinstance(issued, bool) or not isinstance(issued, int | float):
        return True
    now = now or dt.datetime.now(dt.UTC)
    return now.timestamp() - float(issued) > access.session_hours * 3600


def audit_path(access: Access) -> Path:
    """Where audit lines go: $CRM_AUDIT_LOG, else `access.audit_log`; relative paths from the project root."""
    path = Path(os.environ.get("CRM_AUDIT_LOG") or access.audit_log)
    return path if path.is_absolute() else project_root() / path


_WRITE = threading.Lock()  # sessions run in threads: one line at a time, never interleaved


def audit(path: Path, event: str, who: Principal, **details: Any) -> None:
    """Append one JSON line: when (UTC), the event (sign_in, denied, expired, export), who, role and scope."""
    line = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "event": event,
        "who": who.email,
        "name": who.name,
        "role": who.role,
        "scope": who.scope.key(),
        "mode": "sign-in" if who.signed_in else "local",
        **details,
    }
    text = json.dumps(line, default=str, ensure_ascii=False)
    with _WRITE:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(text + "\n")


_TABLE = re.compile(r"^\s*\[\[?\s*\"?([A-Za-z0-9_-]+)")
ACCESS_HIDDEN = "# [access]: who may sign in and with which role (not shown on the dashboard)"


def without_access(toml_text: str) -> str:
    """The definitions file's text without its [access] tables (people's emails and groups), for display."""
    out: list[str] = []
    hiding = False
    for line in toml_text.splitlines():
        header = _TABLE.match(line)
        if header:
            hiding = header.group(1) == "access"
            if hiding and ACCESS_HIDDEN not in out:
                out.append(ACCESS_HIDDEN)
        if not hiding:
            out.append(line)
    return "\n".join(out)
