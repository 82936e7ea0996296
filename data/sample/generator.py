"""Run the builders in order: the company, its demand, its deals, then the files that need all of it."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

from data.config import load_definitions
from data.sample.accounts import build_accounts
from data.sample.activities import write_activities
from data.sample.campaigns import plan_campaigns, write_campaigns
from data.sample.company import SCALES
from data.sample.contacts import build_contacts
from data.sample.context import Context
from data.sample.followup import follow_up
from data.sample.leads import draw_leads, write_leads
from data.sample.members import draw_touches, write_members
from data.sample.opportunities import build_opportunities, write_contact_roles
from data.sample.quotas import write_quotas
from data.sample.rates import build_rates, write_rates
from data.sample.series import write_series
from data.sample.users import build_users


def generate(
    out_dir: str | Path,
    scale: str = "small",
    as_of: date | None = None,
    seed: int = 7,
    config_path: str | Path | None = None,
    quiet: bool = False,
) -> dict[str, int]:
    """Write the sample company's export into `out_dir`; return the row count per object.

    The order of the calls below is the order of the random draws, so it is part of the output:
    moving a builder changes every file after it.
    """
    ctx = Context.create(out_dir, SCALES[scale], load_definitions(config_path), as_of or date.today(), seed, quiet)
    team = build_users(ctx)
    accounts = build_accounts(ctx, team)
    camps = plan_campaigns(ctx)
    leads = draw_leads(ctx, team, accounts)
    touches = draw_touches(ctx, leads, camps)
    fu = follow_up(ctx, team, leads)
    rates = build_rates(ctx)
    opps = build_opportunities(ctx, team, accounts, leads, fu, rates)
    lead_contact, out_c_opp = build_contacts(ctx, leads, opps)
    write_contact_roles(ctx, opps, out_c_opp)
    write_leads(ctx, leads, accounts, opps.conv_leads, opps.created[: opps.n_mk])
    write_members(ctx, touches, lead_contact)
    write_campaigns(ctx, camps, touches.campaign_counts(len(camps)), rates.rate_at["EUR"][1][-1])
    del touches  # the biggest arrays; nothing below needs them
    write_activities(ctx, leads, fu, opps, lead_contact)
    write_quotas(ctx, team, opps)
    write_rates(ctx, rates)
    ctx.say(f"done: {ctx.writer.out}")
    return ctx.writer.counts


def generate_hubspot(
    out_dir: str | Path,
    scale: str = "small",
    as_of: date | None = None,
    seed: int = 7,
    config_path: str | Path | None = None,
    quiet: bool = False,
) -> dict[str, int]:
    """Write the same company as `generate` in HubSpot's export layout (data/sample/hubspot.py)."""
    from data.sample.hubspot import write_hubspot

    day = as_of or date.today()
    with tempfile.TemporaryDirectory(prefix="sample-sf-") as tmp:
        generate(tmp, scale, day, seed, config_path, quiet)
        return write_hubspot(Path(tmp), Path(out_dir), day, config_path)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    from data import sample  # the package docstring is the help text; imported late, as it imports this module

    parser = argparse.ArgumentParser(prog="python -m data.sample", description=(sample.__doc__ or "").split("\n\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--scale", choices=list(SCALES), default="small")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--config", default=None)
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument(
        "--layout",
        choices=["salesforce", "hubspot"],
        default="salesforce",
        help="salesforce: object exports (default); hubspot: the same company as HubSpot's UI export",
    )
    parser.add_argument(
        "--snapshots",
        type=int,
        default=0,
        metavar="N",
        help="write a weekly series of N exports, OUT_DIR/<date>/ for the as-of date and each week before it (Salesforce layout)",
    )
    args = parser.parse_args(argv)
    if args.snapshots > 0:
        if args.layout != "salesforce":
            parser.error("--snapshots writes the Salesforce layout only")
        return _series(args)
    if args.layout == "hubspot":
        counts = generate_hubspot(args.out_dir, args.scale, args.as_of, args.seed, args.config, args.quiet)
    else:
        counts = generate(args.out_dir, args.scale, args.as_of, args.seed, args.config, args.quiet)
    print(", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return 0


def _series(args: argparse.Namespace) -> int:
    """--snapshots N: the company generated once, then rewound week by week (data/sample/series.py)."""
    out = Path(args.out_dir)
    full = out / ".full-export"
    as_of = args.as_of or date.today()
    generate(full, args.scale, as_of, args.seed, args.config, args.quiet)
    folders = write_series(full, out, as_of, args.snapshots)
    shutil.rmtree(full)
    print(f"{len(folders)} weekly exports in {out}: {folders[-1].name} to {folders[0].name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
