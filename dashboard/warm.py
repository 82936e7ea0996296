"""A new load's results prepared before it goes live, so that viewers do not all wait for them at once.

Without this, the first click of every viewer after a load misses the cache: at medium scale with 25 viewers that
is some 350 results computed at once, and everyone waits. With `ingest.warm_seconds` > 0 a load holds its checked
version beside the live one for up to that long before switching (data/store.py). Meanwhile a thread of each
dashboard server computes on it the results most recently asked for on the live version (the same queries,
parameters and readers' scopes), then marks the version warmed, which lets the load switch at once. Viewers are
served from the live version until the switch, and find the new results ready after it. With no hold (the default)
there is nothing to prepare: a version is live before any dashboard sees it.
"""

from __future__ import annotations

import threading
import time

from dashboard import db
from dashboard.safe import log_error
from data.store import Store

POLL_S = 1.0  # how often the thread looks for a staged version
WARM_LIMIT = 600  # at most this many results are prepared per load (the most recently used first)

_thread: threading.Thread | None = None
_start = threading.Lock()


def start() -> None:
    """Start the watching thread, once per server process (each script run calls it; only the first starts it)."""
    global _thread
    with _start:
        if _thread is None:
            _thread = threading.Thread(target=_watch, name="crm-warm", daemon=True)
            _thread.start()


def _watch() -> None:
    done: set[str] = set()
    while True:
        time.sleep(POLL_S)
        try:
            warm_staged(Store(db.live_db_path()), done)
        except Exception as exc:  # never stops serving: the load switches after its hold all the same
            log_error("preparing a new load's results failed", exc)


def warm_staged(store: Store, done: set[str], limit: int = WARM_LIMIT) -> int | None:
    """Prepare the staged version of `store` once (`done`: the versions prepared already), then mark it warmed;
    returns how many results were prepared, None when there was nothing (new) to prepare."""
    staged = store.staged_version()
    if staged is None or str(staged) in done:
        return None
    done.add(str(staged))
    live = store.live_version()
    keys = db.RESULTS.recent(str(live), limit) if live is not None else []
    for _, name, params, regions in keys:
        db.prepare(str(staged), name, params, regions)
    try:
        store.warmed_marker(staged).touch()
    except OSError as exc:  # a read-only folder: the load waits its whole hold
        log_error(f"cannot mark {staged.name} warmed", exc)
    return len(keys)
