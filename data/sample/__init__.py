"""A believable B2B company as a Salesforce object export, generated deterministically.

    python -m data.sample OUT_DIR [--scale small|medium|medium3x|large] [--as-of YYYY-MM-DD] [--seed N]
                                  [--layout salesforce|hubspot]
    python -m data.sample OUT_DIR --snapshots 13 ...   # a weekly series of exports (data/sample/series.py)

Four regions (AMER, EMEA, APAC, LATAM) that differ in follow-up speed and win rate; accounts in
USD, CAD, EUR, GBP, JPY, AUD, BRL (and a few Argentine deals in ARS, which has no rate anywhere);
reps with managers and quarterly quotas; campaigns of several channels with costs, hand-raise ones
(demo, contact, pricing requests) and nurture ones (webinars, emails, events, paid, content);
multi-touch journeys; contact roles; calls, emails and meetings by reps and automated sends; six
past fiscal quarters and the current one, partly elapsed at the as-of date; end-of-quarter close
spikes, reps who ignore MQLs, deals that stall. Deliberate messiness for the data-quality page:
missing contact roles, an unmapped stage, a currency without a rate, duplicate leads, deleted
records, queue-owned leads, 15-character Ids, custom `__c` columns and an export split in parts.

The same seed, scale and as-of date always give byte-identical files. `--layout hubspot` writes the
same company as HubSpot's UI export (data/sample/hubspot.py).

One module per CRM object (users, accounts, campaigns, leads, members, followup, opportunities,
contacts, activities, quotas, rates); `generate` in `generator` runs them in the order of draws.
"""

from data.sample.company import SCALES, Scale
from data.sample.generator import generate, main

__all__ = ["SCALES", "Scale", "generate", "main"]
