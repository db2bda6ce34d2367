"""URL kwargs for the permission matrix: a request kept by 区经信局 (liaison_a's unit)."""

from __future__ import annotations

import datetime as dt


def _request(cast, *, done: bool = False):
    from qualitygov.onestop import services
    from qualitygov.onestop.models import ServiceRequest
    from qualitygov.onestop.tests.factories import entity_factory

    found = ServiceRequest.objects.filter(unit=cast.dept_a, status="done" if done else "received").first()
    if found is not None:
        return found
    entity = entity_factory(name="矩阵样例服务企业", serial=902)
    req = services.request_create(actor=cast.office, unit=cast.dept_a, entity=entity, kind="metrology",
                                  subject="电子秤检定", received_on=dt.date(2026, 3, 2))
    if done:
        req = services.request_complete(actor=cast.office, request=req, done_on=dt.date(2026, 3, 5), rating=5)
    return req


SAMPLES = {
    "onestop:detail": lambda cast: {"pk": _request(cast).pk, "owner": "liaison_a"},
    "onestop:edit": lambda cast: {"pk": _request(cast).pk, "owner": "liaison_a"},
    "onestop:delete": lambda cast: {"pk": _request(cast).pk, "owner": "liaison_a"},
    "onestop:assign": lambda cast: {"pk": _request(cast).pk, "owner": "liaison_a", "get_status": 405,
                                    "post": {"assigned_to": "舟山市计量测试院"}},
    "onestop:complete": lambda cast: {"pk": _request(cast).pk, "owner": "liaison_a", "get_status": 405,
                                      "post": {"done_on": "2026-03-06"}},
    "onestop:reopen": lambda cast: {"pk": _request(cast, done=True).pk, "owner": "liaison_a", "get_status": 405,
                                    "post": {"reason": "企业反映未解决"}},
}
