"""URL kwargs for the permission matrix: the regulatory dashboard.

Readers of the whole district and a town's liaison open the pages (the town liaison sees their own
town only, which `test_regdash.py` checks); a department's liaison, or an office admin granted on one
department, gets 404. `owner: town_liaison` states exactly that: the reader's view scope must cover
the town.
"""

from __future__ import annotations

SAMPLES = {
    "regdash:dashboard": lambda cast: {"owner": "town_liaison"},
    "regdash:tile": lambda cast: {"key": "sampling_batches", "owner": "town_liaison"},
}
