"""URL kwargs for the permission matrix: the sampling ledger.

The sample plan is owned by 区经信局 (liaison_a's unit) and its batch's entity is in a town outside the
cast, so: the owning unit's readers and writers (office, liaison_a; the leader reads) use the object
pages, everyone else gets 404 — the town liaison's read of its own town's batches is tested in
test_sampling.py.
"""

from __future__ import annotations


def _batch(cast):
    from qualitygov.sampling.models import SampleBatch
    from qualitygov.sampling.tests.factories import batch, other_town

    found = SampleBatch.objects.filter(report_no="MATRIX-0001").first()
    return found or batch(cast, town=other_town(cast), n=901, report_no="MATRIX-0001")


def _plan(cast):
    return _batch(cast).plan


SAMPLES = {
    "sampling:plan_detail": lambda cast: {"pk": _plan(cast).pk, "owner": "liaison_a"},
    "sampling:plan_edit": lambda cast: {"pk": _plan(cast).pk, "owner": "liaison_a",
                                        "post": {"year": 2026, "title": "x", "product": "x"}},
    "sampling:batch_new": lambda cast: {"pk": _plan(cast).pk, "owner": "liaison_a"},
    "sampling:batch_import": lambda cast: {"pk": _plan(cast).pk, "owner": "liaison_a"},
    "sampling:batch_detail": lambda cast: {"pk": _batch(cast).pk, "owner": "liaison_a"},
    "sampling:batch_edit": lambda cast: {"pk": _batch(cast).pk, "owner": "liaison_a"},
    "sampling:batch_delete": lambda cast: {"pk": _batch(cast).pk, "owner": "liaison_a", "get_status": 405,
                                           "post": {"reason": "x"}},
    "sampling:batch_publish": lambda cast: {"pk": _batch(cast).pk, "owner": "liaison_a", "get_status": 405,
                                            "post": {"published_on": "2026-09-01", "channel": "website"}},
    "sampling:batch_act": lambda cast: {"pk": _batch(cast).pk, "name": "serve", "owner": "liaison_a",
                                        "get_status": 405,
                                        "post": {"serve-on": "2026-09-01", "serve-notice_method": "direct"}},
}
