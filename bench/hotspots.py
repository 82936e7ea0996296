"""Before and after a hot-spot change: the same queries, cold (a new process each run), old text on the old database
and new text on the new one, runs alternating so a busy moment hits both alike.

    python -m bench.hotspots OLD_DB NEW_DB --before-rev REV [--runs N] [--as-of YYYY-MM-DD]

The old query text is `git show REV:queries/NAME.sql`; the new one is the working tree's. Results are
checked equal (same rows, in order) before timing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchmark import _stats, run_child  # noqa: E402
from bench.cold import encode  # noqa: E402
from dashboard.db import connect  # noqa: E402
from queries import _PARAM, _strip_comments, load_query  # noqa: E402

CASES = [  # (label, query, extra params)
    ("mql_ignored", "mql_ignored", {}),
    ("attribution_credit linear", "attribution_credit", {"model": "linear"}),
    ("attribution_credit all models", "attribution_credit", {"model": None}),
    ("lead_funnel", "lead_funnel", {}),
    ("lead_funnel_total", "lead_funnel_total", {}),
    ("drill_leads", "drill_leads", {}),
    ("overview (one date)", "overview", {}),
]


def texts(name: str, rev: str) -> tuple[str, str]:
    old = subprocess.run(
        ["git", "show", f"{rev}:queries/{name}.sql"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return old, load_query(name).sql


def bound(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters the text uses (outside comments), as run_query binds them."""
    used = set(_PARAM.findall(_strip_comments(sql)))
    missing = used - set(params)
    if missing:
        raise KeyError(f"no value for {', '.join(sorted(missing))}")
    return {k: v for k, v in params.items() if k in used}


def cold(db: Path, sql: str, params: dict[str, Any]) -> float:
    job = json.dumps({"db": str(db), "raw": [[sql, bound(sql, params)]]}, default=encode)
    _, _, out = run_child([sys.executable, "-m", "bench.cold"], job)
    return float(json.loads(out.strip().splitlines()[-1])["seconds"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hotspots")
    parser.add_argument("old_db")
    parser.add_argument("new_db")
    parser.add_argument("--before-rev", required=True)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--region", default=None)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    old_db, new_db = Path(args.old_db).resolve(), Path(args.new_db).resolve()
    con = connect(new_db)
    as_of = con.execute("SELECT CAST(data_through_at AS DATE) FROM ingest_run").fetchall()[0][0]
    q_start = con.execute("SELECT fiscal_quarter_start(?, 1)", [as_of]).fetchall()[0][0]
    q_end = con.execute("SELECT fiscal_quarter_end(?)", [as_of]).fetchall()[0][0]
    con.close()
    base = {
        "start_date": q_start,
        "end_date": q_end,
        "as_of": as_of,
        "currency": "USD",
        "region": args.region,
        "segment": None,
        "owner": None,
        "model": "linear",
        "by": "channel",
        "dimension": "channel",
        "stage": None,
        "limit": 200,
        "offset": 0,
    }
    results = {}
    for label, name, extra in CASES:
        old_sql, new_sql = texts(name, args.before_rev)
        params = {**base, **extra}
        old_con, new_con = connect(old_db), connect(new_db)
        a = old_con.execute(old_sql, bound(old_sql, params)).df()
        b = new_con.execute(new_sql, bound(new_sql, params)).df()
        old_con.close()
        new_con.close()
        same = a.shape == b.shape and a.reset_index(drop=True).equals(b.reset_index(drop=True))
        before, after = [], []
        for _ in range(args.runs):
            before.append(cold(old_db, old_sql, params))
            after.append(cold(new_db, new_sql, params))
        sb, sa = _stats(before), _stats(after)
        results[label] = {
            "before": sb,
            "after": sa,
            "speedup": round(sb["median_ms"] / sa["median_ms"], 2),
            "same_result": bool(same),
            "rows": len(b),
        }
        print(
            f"{label}: {sb['median_ms']} -> {sa['median_ms']} ms median ({results[label]['speedup']}x), "
            f"same result {same}, {len(b)} rows",
            flush=True,
        )
    results["_meta"] = {
        "runs": args.runs,
        "before_rev": args.before_rev,
        "as_of": str(as_of),
        "note": "cold: a new process per run; median of the runs; old text on the old database",
    }
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(statistics.median([r["speedup"] for k, r in results.items() if k != "_meta"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
