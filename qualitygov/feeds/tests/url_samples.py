"""URL kwargs for the permission matrix: feeds.

The sample source (12315) is assigned to department A, as the demo assigns it to 区市场监管分局: its files
are read by the whole district and department A's staff (`owner: liaison_a`), imported by an office
holding the whole district or department A's liaison; setting the responsible unit is the office's.
"""

from __future__ import annotations

from qualitygov.feeds.sheets import xlsx_bytes


def _source(cast):
    from qualitygov.feeds.services import source_get, source_set_owner

    source = source_get("c12315")
    if source.owner_unit_id != cast.dept_a.pk:
        source = source_set_owner(actor=None, source=source, unit=cast.dept_a)
    return source


def _pending(cast) -> int:
    from qualitygov.feeds.models import FeedFile
    from qualitygov.feeds.services import feed_stage

    source = _source(cast)
    found = FeedFile.objects.filter(source=source, status="pending").first()
    if found is None:
        data = xlsx_bytes([["2026年1月12315统计"], ["镇街", "受理量"], ["沈家门街道", 3], ["合计", 3]])
        found = feed_stage(actor=None, source=source, name="矩阵样例.xlsx", data=data).file
    return found.pk


SAMPLES = {
    "feeds:source": lambda cast: {"key": _source(cast).key, "owner": "liaison_a"},
    "feeds:source_owner": lambda cast: {"key": _source(cast).key, "district_wide": True, "get_status": 405,
                                        "post": {"unit": ""}},
    "feeds:upload": lambda cast: {"key": _source(cast).key, "owner": "liaison_a", "owner_action": "change"},
    "feeds:file_detail": lambda cast: {"pk": _pending(cast), "owner": "liaison_a"},
    "feeds:file_download": lambda cast: {"pk": _pending(cast), "owner": "liaison_a"},
    "feeds:file_commit": lambda cast: {"pk": _pending(cast), "owner": "liaison_a", "owner_action": "change",
                                       "get_status": 405, "post": {}},
    "feeds:file_discard": lambda cast: {"pk": _pending(cast), "owner": "liaison_a", "owner_action": "change",
                                        "get_status": 405, "post": {}},
}
