"""The shape of the sample company: sizes per scale, regions, channels, titles, deal sizes, Id prefixes.

Plain data only; the builders read it. Changing any value changes the generated files.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY = 86_400


@dataclass(frozen=True)
class Scale:
    """How big the company is, and how the export is cut into files and the work into chunks."""

    accounts: int
    leads: int
    touches_per_lead: float
    reps_per_region: int
    outbound_opps: int
    part_rows: int  # rows per file before an object is split into parts, like Data Export does
    # Leads per chunk when drawing campaign touches, and rows per chunk when writing the big files.
    # None means one chunk: the draws then happen in exactly the order of the original single-pass
    # generator, which keeps small and medium byte-identical to every earlier release. Chunked draws
    # interleave differently, so a chunked scale gives other (equally valid, still deterministic) data.
    chunk_leads: int | None = None
    chunk_rows: int | None = None


SCALES = {
    "small": Scale(accounts=800, leads=8_000, touches_per_lead=6.0, reps_per_region=4, outbound_opps=260, part_rows=30_000),
    # medium keeps the one-chunk draws (same bytes as before) but writes in chunks, which only saves memory
    "medium": Scale(
        accounts=60_000,
        leads=1_000_000,
        touches_per_lead=12.5,
        reps_per_region=25,
        outbound_opps=62_000,
        part_rows=4_000_000,
        chunk_rows=2_000_000,
    ),
    # three times medium (for the benchmark's size curve), drawn in chunks like large
    "medium3x": Scale(
        accounts=180_000,
        leads=3_000_000,
        touches_per_lead=12.5,
        reps_per_region=75,
        outbound_opps=186_000,
        part_rows=4_000_000,
        chunk_leads=500_000,
        chunk_rows=2_000_000,
    ),
    # large (about 100M campaign members) does not fit in memory in one pass: draw and write in chunks
    "large": Scale(
        accounts=400_000,
        leads=10_000_000,
        touches_per_lead=10.0,
        reps_per_region=120,
        outbound_opps=450_000,
        part_rows=20_000_000,
        chunk_leads=500_000,
        chunk_rows=2_000_000,
    ),
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
INDUSTRIES = ["Software", "Financial Services", "Manufacturing", "Healthcare", "Retail", "Media", "Education", "Logistics"]
TITLES = [
    ("VP Engineering", 0.06),
    ("Chief Technology Officer", 0.03),
    ("Head of Data", 0.05),
    ("CFO", 0.02),
    ("Director of IT", 0.10),
    ("Engineering Manager", 0.12),
    ("Marketing Manager", 0.07),
    ("Data Engineer", 0.15),
    ("Software Engineer", 0.14),
    ("Analyst", 0.12),
    ("Consultant", 0.05),
    ("Student", 0.04),
    ("", 0.05),
]
# channel: (campaign type, share of touches, response rate, lead source, cost per touch in USD)
CHANNELS = {
    "Email": ("Email", 0.34, 0.18, "Email", 0.4),
    "Webinar": ("Webinar", 0.16, 0.55, "Webinar", 9.0),
    "Content": ("Content Syndication", 0.15, 0.9, "Content Syndication", 14.0),
    "Paid Search": ("Paid Search", 0.12, 1.0, "Paid Search", 22.0),
    "Paid Social": ("Paid Social", 0.10, 1.0, "Paid Social", 16.0),
    "Events": ("Trade Show", 0.08, 0.7, "Trade Show", 60.0),
}
HAND_RAISE = [
    ("Demo Request", "Demo Request - Website", 0.6),
    ("Contact Us", "Contact Us - Website", 0.25),
    ("Pricing Request", "Pricing Request - Website", 0.15),
]
OPEN_STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review"]
SEGMENT_DEAL = {"SMB": (12_000, 35), "Mid-Market": (42_000, 60), "Enterprise": (140_000, 105)}  # median USD, cycle days
PREFIX = {
    "user": "005",
    "role": "00E",
    "account": "001",
    "lead": "00Q",
    "contact": "003",
    "campaign": "701",
    "member": "00v",
    "opp": "006",
    "ocr": "00K",
    "task": "00T",
    "event": "00U",
    "quota": "0J9",
    "currency": "01L",
    "dated": "04w",
    "history": "008",
    "queue": "00G",
}
